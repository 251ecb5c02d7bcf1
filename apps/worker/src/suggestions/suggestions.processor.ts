import { InjectQueue, OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { Job, Queue, UnrecoverableError } from 'bullmq';
import { APP_CONFIG, AppConfig } from '@app/config';
import {
  ActiveUsersRepository,
  FinanceUserNotFoundError,
  FinancialSnapshotService,
  SuggestionDoc,
  SuggestionsRepository,
} from '@app/database';
import { AppLogger } from '@app/logging';
import {
  DAILY_JOB_NAMES,
  DailyFanOutJobData,
  jobIds,
  QUEUES,
  SuggestionJobData,
  UserEventsPublisher,
} from '@app/queue';
import { ACCOUNT_GONE, logFailedAttempt, recordIdOf, runJob, verifyJobOwner } from '../common/job-failure';
import { nearTodayDateKey } from '../daily/daily-date';
import { DailyFanOut, FanOutResult, PerUserJob } from '../daily/daily-fan-out';
import { SuggestionWriter } from './suggestion-writer';
import { hasFinancialData, tipFigures } from './tip-figures';

/** Daily sets queue behind refreshes: BullMQ serves jobs without a priority before prioritised ones. */
export const DAILY_SUGGESTION_PRIORITY = 10;

export const NO_DATA_REASON = 'Add some income, expenses, budgets or debts first: tips are based on your own figures';

/** The per-user job a daily fan-out queues: one per user and day, whoever fans out and however often. */
export function dailySuggestionJob(userId: string, dateKey: string): PerUserJob<SuggestionJobData> {
  return {
    name: DAILY_JOB_NAMES.suggest,
    data: { userId, dateKey },
    opts: { jobId: jobIds.dailySuggestion(userId, dateKey), priority: DAILY_SUGGESTION_PRIORITY },
  };
}

/** Whose set a job fills, for which day, and the set when it exists already. */
interface SuggestionTarget {
  userId: string;
  dateKey: string;
  set: SuggestionDoc | null;
}

type SuggestionResult = { status: SuggestionDoc['status'] | 'skipped' | 'missing'; id?: string };

@Processor(QUEUES.suggestions)
export class SuggestionsProcessor extends WorkerHost {
  constructor(
    private readonly sets: SuggestionsRepository,
    private readonly finance: FinancialSnapshotService,
    private readonly writer: SuggestionWriter,
    private readonly fanOut: DailyFanOut,
    private readonly activeUsers: ActiveUsersRepository,
    private readonly events: UserEventsPublisher,
    @InjectQueue(QUEUES.suggestions) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly logger: AppLogger,
  ) {
    super();
  }

  process(job: Job): Promise<FanOutResult | SuggestionResult> {
    switch (job.name) {
      case DAILY_JOB_NAMES.fanOut:
        return runJob(job, () => this.fanOut.run(job as Job<DailyFanOutJobData>, this.queue, dailySuggestionJob));
      case DAILY_JOB_NAMES.suggest:
        return this.suggest(job as Job<SuggestionJobData>);
      default:
        throw new UnrecoverableError(`Unknown job "${job.name}" on the ${QUEUES.suggestions} queue`);
    }
  }

  /**
   * Idempotent: a set that is already final is left alone, so a duplicated or retried job never redoes it.
   * A daily job for a user with no data stores nothing (no model call); a refresh says why it failed.
   * Whose figures a set gets comes from the set (a refresh) or, for a daily set, from a job the fan-out made for an
   * active user and today (checked again here, since anyone with Redis access can add one).
   */
  private async suggest(job: Job<SuggestionJobData>): Promise<SuggestionResult> {
    const target = await this.targetOf(job);
    if (target === 'missing' || target === 'inactive') return { status: target === 'missing' ? 'missing' : 'skipped' };
    const { userId, dateKey } = target;
    let set = target.set;
    if (set && set.status !== 'pending') return { status: set.status, id: String(set._id) };

    let context;
    try {
      ({ context } = await this.finance.current(userId));
    } catch (err) {
      // Deleted since the fan-out (or the refresh): nobody to write for.
      if (!(err instanceof FinanceUserNotFoundError)) throw err;
      if (set) await this.fail(set, ACCOUNT_GONE);
      return { status: 'skipped' };
    }
    if (!hasFinancialData(context)) {
      if (set) await this.fail(set, NO_DATA_REASON);
      return { status: 'skipped' };
    }

    set ??= await this.sets.ensureDaily(userId, dateKey);
    if (set.status !== 'pending') return { status: set.status, id: String(set._id) };
    const pending = set;
    await this.sets.recordAttempt(pending._id);
    const work = async (): Promise<SuggestionResult> => {
      const written = await this.writer.write(
        userId,
        context,
        tipFigures(context),
        AbortSignal.timeout(this.config.queue.jobTimeoutMs),
      );
      if (await this.sets.complete(pending._id, written)) {
        this.events.toUser(userId, 'suggestions:ready', { id: String(pending._id), count: written.tips.length });
      }
      return { status: 'completed', id: String(pending._id) };
    };
    return runJob(job, work, { onFinalFailure: (failure) => this.fail(pending, failure.reason) });
  }

  /**
   * The user and day a job is for: a refresh's from its stored set (the job data's userId must agree, or the job
   * fails as unrecoverable); a daily job's from its data, for a day near today and an active user ('inactive': a
   * blocked or deleted account gets no tips and costs no model call).
   */
  private async targetOf(job: Job<SuggestionJobData>): Promise<SuggestionTarget | 'missing' | 'inactive'> {
    if (job.data.suggestionId !== undefined) {
      const set = await this.sets.findById(recordIdOf(job.data, 'suggestionId'));
      if (!set) return 'missing';
      return { userId: verifyJobOwner(job.data, set.userId, 'suggestion set'), dateKey: set.dateKey, set };
    }
    const userId = recordIdOf(job.data, 'userId');
    const dateKey = nearTodayDateKey(job.data.dateKey, this.config.locale.timeZone);
    if (!(await this.activeUsers.isActive(userId))) return 'inactive';
    return { userId, dateKey, set: await this.sets.findDaily(userId, dateKey) };
  }

  /** Only the job that stored the failure tells the user, and only about a refresh they asked for. */
  private async fail(set: SuggestionDoc, reason: string): Promise<void> {
    const stored = await this.sets.fail(set._id, reason);
    if (stored && set.source === 'refresh')
      this.events.toUser(String(set.userId), 'suggestions:failed', { id: String(set._id), error: reason });
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, err: Error): void {
    logFailedAttempt(this.logger, QUEUES.suggestions, job, err);
  }
}
