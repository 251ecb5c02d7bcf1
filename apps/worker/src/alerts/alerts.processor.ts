import { InjectQueue, OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { Job, Queue, UnrecoverableError } from 'bullmq';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ActiveUsersRepository } from '@app/database';
import { AppLogger } from '@app/logging';
import { AlertScreenJobData, DAILY_JOB_NAMES, DailyFanOutJobData, jobIds, QUEUES } from '@app/queue';
import { logFailedAttempt, recordIdOf, runJob } from '../common/job-failure';
import { nearTodayDateKey } from '../daily/daily-date';
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
    private readonly activeUsers: ActiveUsersRepository,
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
      case DAILY_JOB_NAMES.screen:
        return this.screen(job as Job<AlertScreenJobData>);
      default:
        throw new UnrecoverableError(`Unknown job "${job.name}" on the ${QUEUES.alerts} queue`);
    }
  }

  /**
   * One user's screening, for a day near today and an active account (checked here as well as by the fan-out:
   * the account may have changed since, and anyone with Redis access can add a job). A blocked or deleted account
   * is skipped without a model call.
   */
  private async screen(job: Job<AlertScreenJobData>): Promise<ScreeningResult> {
    const userId = recordIdOf(job.data, 'userId');
    const dateKey = nearTodayDateKey(job.data.dateKey, this.config.locale.timeZone);
    if (!(await this.activeUsers.isActive(userId))) return { status: 'skipped', flags: 0, created: 0 };
    const deadline = AbortSignal.timeout(this.config.queue.jobTimeoutMs);
    return runJob(job, () => this.screening.screen(userId, dateKey, deadline));
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, err: Error): void {
    logFailedAttempt(this.logger, QUEUES.alerts, job, err);
  }
}
