import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AppLogger } from '@app/logging';
import { DAILY_JOB_NAMES, DailyFanOutJobData, QUEUES } from '@app/queue';

/** Scheduler ids: one per daily task for the whole cluster. */
export const DAILY_SCHEDULERS = { suggestions: 'daily-suggestions', alerts: 'daily-alerts' } as const;

/**
 * Registers the daily fan-outs with BullMQ job schedulers. An upsert is keyed by the scheduler id, so every
 * worker process doing it at start-up leaves exactly one schedule in Redis, updated to the current config.
 */
@Injectable()
export class DailySchedules implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(QUEUES.suggestions) private readonly suggestions: Queue<DailyFanOutJobData>,
    @InjectQueue(QUEUES.alerts) private readonly alerts: Queue<DailyFanOutJobData>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly logger: AppLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const tz = this.config.locale.timeZone;
    const { suggestionsCron, alertsCron } = this.config.daily;
    await Promise.all([
      this.suggestions.upsertJobScheduler(
        DAILY_SCHEDULERS.suggestions,
        { pattern: suggestionsCron, tz },
        { name: DAILY_JOB_NAMES.fanOut, data: {} },
      ),
      this.alerts.upsertJobScheduler(
        DAILY_SCHEDULERS.alerts,
        { pattern: alertsCron, tz },
        { name: DAILY_JOB_NAMES.fanOut, data: {} },
      ),
    ]);
    this.logger.event('info', 'daily.scheduled', { suggestionsCron, alertsCron, timeZone: tz });
  }
}
