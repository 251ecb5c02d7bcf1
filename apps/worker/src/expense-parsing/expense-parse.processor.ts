import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { Job } from 'bullmq';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ExpenseParsesRepository, ParsedExpense } from '@app/database';
import { localDateKey } from '@app/finance';
import { LlmError, LlmService } from '@app/llm';
import { JsonLogger } from '@app/logging';
import { buildExpenseParseMessages, ExpenseParseModelAnswer, expenseParseSchema } from '@app/prompts';
import { ExpenseParseJobData, QUEUES } from '@app/queue';
import { WORKER_OPTIONS } from '../common/backoff';
import { isFinalAttempt, rethrowForQueue, userFacingReason } from '../common/job-failure';
import { WORKER_LOGGER } from '../common/worker-logger';

function isCalendarDate(iso: string): boolean {
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso;
}

/** Checks the model cannot express in a JSON schema; the figures we store are ours, not the model's. */
export function toParsedExpense(answer: ExpenseParseModelAnswer): ParsedExpense {
  if (answer.amount === null || !(answer.amount > 0)) {
    throw new LlmError('rejected', answer.unparseableReason?.slice(0, 200) || 'No amount was found in the text');
  }
  if (!isCalendarDate(answer.date)) throw new LlmError('invalid_output', 'Model returned an invalid date');
  return {
    amount: Math.round(answer.amount * 100) / 100,
    currency: answer.currency,
    category: answer.category,
    description: answer.description.trim(),
    date: answer.date,
  };
}

@Processor(QUEUES.expenseParsing, WORKER_OPTIONS)
export class ExpenseParseProcessor extends WorkerHost {
  constructor(
    private readonly parses: ExpenseParsesRepository,
    private readonly llm: LlmService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WORKER_LOGGER) private readonly logger: JsonLogger,
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
      await this.parses.complete(parseId, toParsedExpense(value));
      return { status: 'completed' };
    } catch (err) {
      const final = !(err instanceof LlmError && err.retryable) || isFinalAttempt(job);
      if (final) await this.parses.fail(parseId, userFacingReason(err));
      return rethrowForQueue(err);
    }
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job<ExpenseParseJobData> | undefined, err: Error): void {
    this.logger.event('warn', 'job.failed', { queue: QUEUES.expenseParsing, jobId: job?.id, attemptsMade: job?.attemptsMade, error: err.message });
  }
}
