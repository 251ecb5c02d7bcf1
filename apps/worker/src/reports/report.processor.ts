import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { APP_CONFIG, AppConfig } from '@app/config';
import {
  figuresFingerprint,
  FinanceUserNotFoundError,
  FinancialContextService,
  ReportDoc,
  ReportsRepository,
} from '@app/database';
import { buildReportFigures } from '@app/finance';
import { LlmError } from '@app/llm';
import { AppLogger } from '@app/logging';
import { QUEUES, ReportJobData, UserEventsPublisher } from '@app/queue';
import { isFinalAttempt, rethrowForQueue, userFacingReason } from '../common/job-failure';
import { ReportWriter } from './report-writer';

/** Progress (0-100) at each step, stored, set on the job and sent to the user's sockets. */
export const REPORT_PROGRESS = { started: 10, contextLoaded: 30, figuresStored: 50, answered: 90 } as const;

const ACCOUNT_GONE = 'The account no longer exists';

type ReportResult = { status: ReportDoc['status'] | 'missing' };

@Processor(QUEUES.reports)
export class ReportProcessor extends WorkerHost {
  constructor(
    private readonly reports: ReportsRepository,
    private readonly finance: FinancialContextService,
    private readonly writer: ReportWriter,
    private readonly events: UserEventsPublisher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly logger: AppLogger,
  ) {
    super();
  }

  /**
   * Idempotent: a report already completed or failed is left alone, so a duplicated or retried job never redoes
   * it. Every attempt recomputes the figures from the current records: a retry never words stale figures.
   */
  async process(job: Job<ReportJobData>): Promise<ReportResult> {
    const { reportId, userId } = job.data;
    const report = await this.reports.start(reportId, REPORT_PROGRESS.started);
    if (!report) return { status: (await this.reports.findById(reportId))?.status ?? 'missing' };
    const deadline = AbortSignal.timeout(this.config.queue.jobTimeoutMs);
    await this.announce(job, report, REPORT_PROGRESS.started);
    try {
      const { context } = await this.finance.forUser(userId);
      await this.step(job, report, REPORT_PROGRESS.contextLoaded);

      const figures = buildReportFigures(report.type, context);
      await this.reports.saveFigures(reportId, figures, figuresFingerprint(figures), REPORT_PROGRESS.figuresStored);
      await this.announce(job, report, REPORT_PROGRESS.figuresStored);

      const previousProblem = report.lastErrorKind === 'invalid_output' ? report.lastError : null;
      const words = await this.writer.write({ userId, figures, previousProblem, signal: deadline });
      await this.step(job, report, REPORT_PROGRESS.answered);

      if (await this.reports.complete(reportId, words)) {
        this.events.toUser(userId, 'report:done', {
          id: reportId,
          type: report.type,
          status: 'completed',
          error: null,
        });
      }
      return { status: 'completed' };
    } catch (err) {
      return this.failAttempt(job, report, err);
    }
  }

  /**
   * A retryable failure with attempts left puts the report back to queued with the reason (BullMQ retries it
   * after the backoff, never sooner than the model's Retry-After); anything else fails it for good, once.
   */
  private async failAttempt(job: Job<ReportJobData>, report: ReportDoc, err: unknown): Promise<never> {
    const id = String(report._id);
    const userId = String(report.userId);
    const gone = err instanceof FinanceUserNotFoundError;
    const retryable = err instanceof LlmError ? err.retryable : !gone;
    const reason = gone ? ACCOUNT_GONE : userFacingReason(err);
    if (retryable && !isFinalAttempt(job)) {
      await this.reports.awaitRetry(id, reason, err instanceof LlmError ? err.kind : 'error');
      this.events.toUser(userId, 'report:progress', { id, type: report.type, status: 'queued', progress: 0 });
      throw err;
    }
    if (await this.reports.fail(id, reason)) {
      this.events.toUser(userId, 'report:done', { id, type: report.type, status: 'failed', error: reason });
    }
    if (gone) throw new UnrecoverableError(reason);
    return rethrowForQueue(err);
  }

  private async step(job: Job, report: ReportDoc, progress: number): Promise<void> {
    await this.reports.setProgress(String(report._id), progress);
    await this.announce(job, report, progress);
  }

  private async announce(job: Job, report: ReportDoc, progress: number): Promise<void> {
    await job.updateProgress(progress);
    this.events.toUser(String(report.userId), 'report:progress', {
      id: String(report._id),
      type: report.type,
      status: 'running',
      progress,
    });
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job<ReportJobData> | undefined, err: Error): void {
    this.logger.event('warn', 'job.failed', {
      queue: QUEUES.reports,
      jobId: job?.id,
      attemptsMade: job?.attemptsMade,
      error: err.message,
    });
  }
}
