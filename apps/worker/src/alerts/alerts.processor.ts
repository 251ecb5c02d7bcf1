import { InjectQueue, OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { Job, Queue, UnrecoverableError } from 'bullmq';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AppLogger } from '@app/logging';
import { AlertScreenJobData, DAILY_JOB_NAMES, DailyFanOutJobData, jobIds, QUEUES } from '@app/queue';
import { logFailedAttempt, runJob } from '../common/job-failure';
import { DailyFanOut, FanOutResult, PerUserJob } from '../daily/daily-fan-out';
import { AlertScreening, ScreeningResult } from './alert-screening';

export function alertScreenJob(userId: string, dateKey: string): PerUserJob<AlertScreenJobData> {
  return {
    name: DAILY_JOB_NAMES.screen,
    data: { userId, dateKey },
    opts: { jobId: jobIds.alertScreen(userId, dateKey) },
  };
}

/**
 * The daily screening. Per-user jobs are idempotent by construction (an unresolved alert is never raised twice,
 * the unique index settles races), so a retry or a second fan-out only re-reads. A job that runs out of attempts
 * stays in the failed set with the model's reason for operators; the next day's screening tries again.
 */
@Processor(QUEUES.alerts)
export class AlertsProcessor extends WorkerHost {
  constructor(
    private readonly screening: AlertScreening,
    private readonly fanOut: DailyFanOut,
    @InjectQueue(QUEUES.alerts) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly logger: AppLogger,
  ) {
    super();
  }

  async process(job: Job): Promise<FanOutResult | ScreeningResult> {
    switch (job.name) {
      case DAILY_JOB_NAMES.fanOut:
        return runJob(job, () => this.fanOut.run(job as Job<DailyFanOutJobData>, this.queue, alertScreenJob));
      case DAILY_JOB_NAMES.screen: {
        const { userId, dateKey } = (job as Job<AlertScreenJobData>).data;
        const deadline = AbortSignal.timeout(this.config.queue.jobTimeoutMs);
        return runJob(job, () => this.screening.screen(userId, dateKey, deadline));
      }
      default:
        throw new UnrecoverableError(`Unknown job "${job.name}" on the ${QUEUES.alerts} queue`);
    }
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, err: Error): void {
    logFailedAttempt(this.logger, QUEUES.alerts, job, err);
  }
}
