import { InjectQueue } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ExpenseParsesRepository, ReportsRepository, UnfinishedWorkRepository } from '@app/database';
import { AppLogger } from '@app/logging';
import { ExpenseParseJobData, jobIds, QUEUES, ReportJobData, reportJob, UserEventsPublisher } from '@app/queue';
import { forJobState } from '../common/job-failure';
import { AcceptedWork, INTERRUPTED_REPLY, Recovery, recoverAcceptedWork, RecoveryQueue } from './lost-work';

/** Records looked at per kind and sweep; a bigger backlog is worked through over the next sweeps. */
const BATCH = 200;

/** The names the api gives these jobs (processors do not read them; Bull Board shows them). */
const JOB_NAMES = { parse: 'parse', report: 'generate' } as const;

/** interrupted: chat replies left streaming by an api instance that died, now failed. */
export type SweepCounts = Record<Recovery | 'interrupted', number>;

/**
 * Every worker process, every RECOVERY_SWEEP_MS, checks accepted work left unfinished for RECOVERY_STALE_MS
 * against its job (see recoverAcceptedWork). A timer per process rather than a BullMQ job scheduler: the
 * sweep exists for the moment Redis lost its data, schedulers included. Running it in several processes at
 * once is harmless: re-adding a job under its id is de-duplicated by BullMQ and failing a record is
 * conditional on it being unfinished. While Redis is down the sweep simply waits for it (worker connections
 * queue commands), and the next sweep is only scheduled once this one ends. Chat replies have no job: one still
 * "streaming" after CHAT_REPLY_LOST_AFTER_MS lost the api instance writing it, and is failed here so it does not
 * wait for its message to be resent.
 */
@Injectable()
export class RecoverySweep implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly unfinished: UnfinishedWorkRepository,
    private readonly parses: ExpenseParsesRepository,
    private readonly reports: ReportsRepository,
    private readonly events: UserEventsPublisher,
    @InjectQueue(QUEUES.expenseParsing) private readonly parseQueue: Queue<ExpenseParseJobData>,
    @InjectQueue(QUEUES.reports) private readonly reportQueue: Queue<ReportJobData>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly logger: AppLogger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.recovery.sweepMs > 0) this.scheduleNext();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over every kind of accepted work; returns what it did. */
  async sweep(now = new Date()): Promise<SweepCounts> {
    const before = new Date(now.getTime() - this.config.recovery.staleMs);
    const counts: SweepCounts = { queued: 0, requeued: 0, failed: 0, interrupted: 0 };

    for (const parse of await this.unfinished.staleParses(before, BATCH)) {
      const parseId = String(parse._id);
      const work: AcceptedWork<ExpenseParseJobData> = {
        jobId: jobIds.expenseParse(parseId),
        name: JOB_NAMES.parse,
        data: { parseId },
        fail: async (reason) => void (await this.parses.fail(parseId, reason)),
      };
      counts[await this.recover(this.parseQueue, work)]++;
    }

    for (const report of await this.unfinished.staleReports(before, BATCH)) {
      const reportId = String(report._id);
      const userId = String(report.userId);
      const work: AcceptedWork<ReportJobData> = {
        jobId: jobIds.report(reportId),
        name: JOB_NAMES.report,
        data: reportJob(report),
        fail: async (reason) => {
          // Told like any other final failure, so a client waiting on report:done is not left hanging.
          if (await this.reports.fail(reportId, reason))
            this.events.toUser(userId, 'report:done', {
              id: reportId,
              type: report.type,
              status: 'failed',
              error: reason,
            });
        },
      };
      counts[await this.recover(this.reportQueue, work)]++;
    }

    counts.interrupted = await this.interruptLostReplies(now);
    return counts;
  }

  /** A reply's placeholder was counted in its conversation's messageCount when the api stored it. */
  private async interruptLostReplies(now: Date): Promise<number> {
    const before = new Date(now.getTime() - this.config.chat.replyLostAfterMs);
    let interrupted = 0;
    for (const reply of await this.unfinished.staleReplies(before, BATCH)) {
      if (await this.unfinished.interruptReply(reply._id, before, INTERRUPTED_REPLY)) interrupted++;
    }
    if (interrupted) this.logger.event('warn', 'recovery.replies_interrupted', { count: interrupted });
    return interrupted;
  }

  private async recover<Data>(
    queue: RecoveryQueue<Data> & { name: string },
    work: AcceptedWork<Data>,
  ): Promise<Recovery> {
    const outcome = await recoverAcceptedWork(queue, work);
    if (outcome !== 'queued')
      this.logger.event('warn', `recovery.${outcome}`, { queue: queue.name, jobId: work.jobId });
    return outcome;
  }

  private scheduleNext(): void {
    this.timer = setTimeout(() => {
      this.running = this.sweep()
        .catch((err: unknown) =>
          this.logger.event('warn', 'recovery.sweep_failed', { error: forJobState(err).message }),
        )
        .finally(() => {
          if (!this.stopped) this.scheduleNext();
        });
    }, this.config.recovery.sweepMs);
    this.timer.unref();
  }
}
