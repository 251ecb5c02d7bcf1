import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { Job } from 'bullmq';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ExpenseParsesRepository, ParsedExpense } from '@app/database';
import { localDateKey } from '@app/finance';
import { LlmService } from '@app/llm';
import { AppLogger } from '@app/logging';
import { buildExpenseParseMessages, ExpenseParseModelAnswer, expenseParseSchema } from '@app/prompts';
import { ExpenseParseJobData, QUEUES, UserEventsPublisher } from '@app/queue';
import { logFailedAttempt, recordIdOf, runJob, verifyJobOwner } from '../common/job-failure';
import { checkedModelAnswer, expenseFromText } from './checked-expense';
import { readExpenseText } from './text-parser';

@Processor(QUEUES.expenseParsing)
export class ExpenseParseProcessor extends WorkerHost {
  constructor(
    private readonly parses: ExpenseParsesRepository,
    private readonly llm: LlmService,
    private readonly events: UserEventsPublisher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly logger: AppLogger,
  ) {
    super();
  }

  /** The note and its owner come from the stored parse; the job data only names it (verifyJobOwner). */
  async process(job: Job<ExpenseParseJobData>): Promise<{ status: string; source?: ParsedExpense['source'] }> {
    const parseId = recordIdOf(job.data, 'parseId');
    const parse = await this.parses.findById(parseId);
    if (!parse) return { status: 'missing' };
    const userId = verifyJobOwner(job.data, parse.userId, 'expense parse');
    // Already final (a duplicate delivery, or a retry after the result was stored): nothing to do.
    if (parse.status !== 'processing') return { status: parse.status };
    await this.parses.recordAttempt(parseId);
    const now = new Date();
    const { timeZone, currency, locale } = this.config.locale;
    const { categories } = this.config.expenses;
    const parsed = async () => {
      const reading = readExpenseText(parse.text, { now, timeZone, locale, defaultCurrency: currency, categories });
      // The offline demo model cannot read notes: the text parser does the whole job, with no model call.
      const result = this.config.llm.offlineDemo
        ? expenseFromText(reading)
        : checkedModelAnswer(await this.askModel(userId, parse.text, now), reading);
      if (await this.parses.complete(parseId, result)) {
        this.events.toUser(userId, 'expense-parse:done', { id: parseId, status: 'completed' });
      }
      return { status: 'completed', source: result.source };
    };
    return runJob(job, parsed, {
      onFinalFailure: async ({ reason }) => {
        if (await this.parses.fail(parseId, reason))
          this.events.toUser(userId, 'expense-parse:done', { id: parseId, status: 'failed' });
      },
    });
  }

  private async askModel(userId: string, text: string, now: Date): Promise<ExpenseParseModelAnswer> {
    const { value, accounted } = await this.llm.completeJson<ExpenseParseModelAnswer>({
      feature: 'expense-parse',
      userId,
      schemaName: 'parsed_expense',
      schema: expenseParseSchema(this.config.expenses.categories),
      messages: buildExpenseParseMessages({
        text,
        today: localDateKey(now, this.config.locale.timeZone),
        timeZone: this.config.locale.timeZone,
        defaultCurrency: this.config.locale.currency,
        categories: this.config.expenses.categories,
      }),
      signal: AbortSignal.timeout(this.config.queue.jobTimeoutMs),
    });
    await accounted;
    return value;
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job<ExpenseParseJobData> | undefined, err: Error): void {
    logFailedAttempt(this.logger, QUEUES.expenseParsing, job, err);
  }
}
