import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { Job } from 'bullmq';
import { APP_CONFIG, AppConfig } from '@app/config';
import {
  figuresFingerprint,
  FinancialSnapshotService,
  isObjectIdHex,
  ReportDoc,
  ReportsRepository,
} from '@app/database';
import { buildReportFigures } from '@app/finance';
import type { ReservationAhead } from '@app/llm';
import { AppLogger } from '@app/logging';
import { QUEUES, ReportJobData, UserEventsPublisher } from '@app/queue';
import { JobFailure, logFailedAttempt, recordIdOf, runJob, verifyJobOwner } from '../common/job-failure';
import { ReportWriter } from './report-writer';

/**
 * Progress (0-100), stored, set on the job and sent to the user's sockets: started, then the figures stored while the
 * model writes. Only the model's wait is long enough for a user to see; finer steps would each cost a MongoDB write,
 * a Redis write and two publishes per report for a bar that moves a few milliseconds apart.
 */
export const REPORT_PROGRESS = { started: 10, figuresStored: 50 } as const;

type ReportResult = { status: ReportDoc['status'] | 'missing' };

/**
 * The owner a job's data names, if it names one (compared, never trusted: see verifyJobOwner). Anything but an id
 * names nobody's report, so the report is not started.
 */
function claimedOwner(data: ReportJobData): string | undefined {
  const claimed: unknown = data?.userId;
  return claimed === undefined ? undefined : String(claimed);
}

@Processor(QUEUES.reports)
export class ReportProcessor extends WorkerHost {
  constructor(
    private readonly reports: ReportsRepository,
    private readonly finance: FinancialSnapshotService,
    private readonly writer: ReportWriter,
    private readonly events: UserEventsPublisher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly logger: AppLogger,
  ) {
    super();
  }

  /**
   * Idempotent: a report already completed or failed is left alone, so a duplicated or retried job never redoes
   * it. Every attempt recomputes the figures from the current records: a retry never words stale figures. Whose
   * figures they are comes from the report, never from the job data (verifyJobOwner).
   */
  async process(job: Job<ReportJobData>): Promise<ReportResult> {
    const reportId = recordIdOf(job.data, 'reportId');
    const claimed = claimedOwner(job.data);
    // The claimed owner's figures are read, and the model call's tokens held, beside the start; both are used only
    // once the start has confirmed that the report is theirs: one wait instead of three, and job data still decides
    // nothing. A hold no model call takes is given back when the attempt ends, so a forged claim holds the named
    // user's allowance only until the start refuses it.
    const snapshot = claimed ? this.finance.current(claimed) : null;
    snapshot?.catch(() => undefined);
    const ahead = claimed && isObjectIdHex(claimed) ? this.writer.reserve(claimed) : Promise.resolve(null);
    try {
      return await this.attempt(job, reportId, claimed, snapshot, ahead);
    } finally {
      await this.writer.release(await ahead);
    }
  }

  private async attempt(
    job: Job<ReportJobData>,
    reportId: string,
    claimed: string | undefined,
    snapshot: ReturnType<FinancialSnapshotService['current']> | null,
    ahead: Promise<ReservationAhead | null>,
  ): Promise<ReportResult> {
    // Started in one round trip, and only if it is the owner the job data claims, when it claims one.
    const report = await this.reports.start(reportId, REPORT_PROGRESS.started, claimed);
    if (!report) {
      // Missing, already final, or not the claimed owner's (which verifyJobOwner refuses).
      const stored = await this.reports.findById(reportId);
      if (!stored) return { status: 'missing' };
      verifyJobOwner(job.data, stored.userId, 'report');
      return { status: stored.status };
    }
    const owner = verifyJobOwner(job.data, report.userId, 'report');
    const deadline = AbortSignal.timeout(this.config.queue.jobTimeoutMs);
    // Told while the figures are read; the job's progress updates share one connection, so they stay in order.
    const announced = this.announce(job, report, REPORT_PROGRESS.started);
    // Awaited before the next announcement; handled now, so a failure before that is not an unhandled rejection.
    announced.catch(() => undefined);
    const ownerSnapshot = snapshot ?? this.finance.current(owner);
    return runJob(job, () => this.generate(job, report, owner, deadline, announced, ownerSnapshot, ahead), {
      onRetry: (failure) => this.awaitRetry(report, failure),
      onFinalFailure: (failure) => this.fail(report, failure.reason),
    });
  }

  private async generate(
    job: Job<ReportJobData>,
    report: ReportDoc,
    userId: string,
    deadline: AbortSignal,
    announced: Promise<void>,
    snapshot: ReturnType<FinancialSnapshotService['current']>,
    ahead: Promise<ReservationAhead | null>,
  ): Promise<ReportResult> {
    const reportId = String(report._id);
    const { context } = await snapshot;
    const figures = buildReportFigures(report.type, context, { whatIf: report.params ?? null });
    // The figures are stored, then announced, while the model writes: one wait instead of two. If either fails the
    // model is stopped at once: words for figures that cannot be stored (or a job that cannot report) are not worth
    // paying for.
    const storeFailed = new AbortController();
    const stored = this.reports
      .saveFigures(reportId, figures, figuresFingerprint(figures), REPORT_PROGRESS.figuresStored)
      .then(() => announced)
      .then(() => this.announce(job, report, REPORT_PROGRESS.figuresStored))
      .catch((err: unknown) => {
        storeFailed.abort();
        throw err;
      });
    stored.catch(() => undefined);
    const previousProblem = report.lastErrorKind === 'invalid_output' ? report.lastError : null;
    const { words, accounted } = await this.writer
      .write({
        userId,
        figures,
        previousProblem,
        signal: AbortSignal.any([deadline, storeFailed.signal]),
        ahead: await ahead,
      })
      .catch(async (err: unknown) => {
        // Only when the store's failure stopped the model is it the cause to report; a model that failed on its own
        // keeps its own error (and its kind). Waited for either way, so the step's event is out before any retry's.
        const stoppedByStore = storeFailed.signal.aborted;
        const storeError = await stored.then(
          () => null,
          (e: unknown) => e,
        );
        throw stoppedByStore && storeError !== null ? storeError : err;
      });
    const completing = stored.then(() => this.reports.complete(reportId, words));
    // The call's charge is written down before the job ends, whatever becomes of the report.
    await Promise.allSettled([completing, accounted]);
    if (await completing) {
      this.events.toUser(userId, 'report:done', { id: reportId, type: report.type, status: 'completed', error: null });
    }
    return { status: 'completed' };
  }

  /** Back to queued with the reason, until BullMQ retries it (never sooner than the model's Retry-After). */
  private async awaitRetry(report: ReportDoc, failure: JobFailure): Promise<void> {
    const id = String(report._id);
    await this.reports.awaitRetry(id, failure.reason, failure.errorKind);
    this.events.toUser(String(report.userId), 'report:progress', {
      id,
      type: report.type,
      status: 'queued',
      progress: 0,
    });
  }

  /** Only the attempt that stores the failure tells the user. */
  private async fail(report: ReportDoc, reason: string): Promise<void> {
    const id = String(report._id);
    if (await this.reports.fail(id, reason)) {
      this.events.toUser(String(report.userId), 'report:done', {
        id,
        type: report.type,
        status: 'failed',
        error: reason,
      });
    }
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
    logFailedAttempt(this.logger, QUEUES.reports, job, err);
  }
}
