import { Inject, Injectable } from '@nestjs/common';
import { Job, JobsOptions, Queue } from 'bullmq';
import { Types } from 'mongoose';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ActiveUsersRepository, isObjectIdHex } from '@app/database';
import { AppLogger } from '@app/logging';
import { DailyFanOutJobData } from '@app/queue';
import { fanOutDateKey } from './daily-date';

export interface PerUserJob<T> {
  name: string;
  data: T;
  opts: JobsOptions;
}

export interface FanOutProgress {
  dateKey: string;
  lastUserId: string;
  queued: number;
}

export interface FanOutResult {
  dateKey: string;
  queued: number;
}

function resumePoint(progress: unknown, dateKey: string): FanOutProgress | null {
  const p = progress as Partial<FanOutProgress> | null;
  if (
    !p ||
    typeof p !== 'object' ||
    p.dateKey !== dateKey ||
    !isObjectIdHex(p.lastUserId) ||
    typeof p.queued !== 'number'
  )
    return null;
  return p as FanOutProgress;
}

/**
 * Pages through active users by _id and queues one job per user, a batch at a time: memory holds one page, and
 * Redis gets one round trip per page. Per-user job ids are deterministic, so a second fan-out for the same day
 * adds nothing that is still queued. The last queued user is saved as job progress after each page, so a retried
 * fan-out (crash, stalled lock) resumes where it stopped instead of reading every user again.
 */
@Injectable()
export class DailyFanOut {
  constructor(
    private readonly users: ActiveUsersRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly logger: AppLogger,
  ) {}

  async run<T>(
    job: Job<DailyFanOutJobData>,
    queue: Queue,
    perUser: (userId: string, dateKey: string) => PerUserJob<T>,
  ): Promise<FanOutResult> {
    const started = Date.now();
    const dateKey = fanOutDateKey(job, this.config.locale.timeZone);
    const batchSize = this.config.daily.fanOutBatchSize;
    const resume = resumePoint(job.progress, dateKey);
    let after = resume ? new Types.ObjectId(resume.lastUserId) : null;
    let queued = resume?.queued ?? 0;

    for (;;) {
      const ids = await this.users.idsAfter(after, batchSize);
      if (ids.length === 0) break;
      await queue.addBulk(ids.map((id) => perUser(id.toHexString(), dateKey)));
      after = ids[ids.length - 1];
      queued += ids.length;
      await job.updateProgress({ dateKey, lastUserId: after.toHexString(), queued } satisfies FanOutProgress);
      if (ids.length < batchSize) break;
    }

    this.logger.event('info', 'daily.fanned_out', {
      queue: queue.name,
      dateKey,
      queued,
      resumed: resume !== null,
      ms: Date.now() - started,
    });
    return { dateKey, queued };
  }
}
