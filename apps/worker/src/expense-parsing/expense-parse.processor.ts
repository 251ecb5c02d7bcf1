import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { Job } from 'bullmq';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ExpenseParsesRepository } from '@app/database';
import { localDateKey } from '@app/finance';
import { LlmService } from '@app/llm';
import { AppLogger } from '@app/logging';
import { buildExpenseParseMessages, ExpenseParseModelAnswer, expenseParseSchema } from '@app/prompts';
import { ExpenseParseJobData, QUEUES, UserEventsPublisher } from '@app/queue';
import { rethrowForQueue, shouldFailNow, userFacingReason } from '../common/job-failure';
import { toParsedExpense } from './parsed-expense';

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

  async process(job: Job<ExpenseParseJobData>): Promise<{ status: string }> {
    const { parseId, userId } = job.data;
    const parse = await this.parses.findById(parseId);
    // Already final (a duplicate delivery, or a retry after the result was stored): nothing to do.
    if (!parse || parse.status !== 'processing') return { status: parse?.status ?? 'missing' };
    await this.parses.recordAttempt(parseId);
    try {
      const { value } = await this.llm.completeJson<ExpenseParseModelAnswer>({
        feature: 'expense-parse',
        userId,
        schemaName: 'parsed_expense',
        schema: expenseParseSchema(this.config.expenses.categories),
        messages: buildExpenseParseMessages({
          text: parse.text,
          today: localDateKey(new Date(), this.config.locale.timeZone),
          timeZone: this.config.locale.timeZone,
          defaultCurrency: this.config.locale.currency,
          categories: this.config.expenses.categories,
        }),
        signal: AbortSignal.timeout(this.config.queue.jobTimeoutMs),
      });
      if (await this.parses.complete(parseId, toParsedExpense(value, parse.text))) {
        this.events.toUser(userId, 'expense-parse:done', { id: parseId, status: 'completed' });
      }
      return { status: 'completed' };
    } catch (err) {
      if (shouldFailNow(err, job) && (await this.parses.fail(parseId, userFacingReason(err)))) {
        this.events.toUser(userId, 'expense-parse:done', { id: parseId, status: 'failed' });
      }
      return rethrowForQueue(err);
    }
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job<ExpenseParseJobData> | undefined, err: Error): void {
    this.logger.event('warn', 'job.failed', {
      queue: QUEUES.expenseParsing,
      jobId: job?.id,
      attemptsMade: job?.attemptsMade,
      error: err.message,
    });
  }
}
