import { InjectQueue } from '@nestjs/bullmq';
import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '@app/config';
import {
  FinancialSnapshotService,
  ReportDoc,
  type ReportParams,
  ReportsRepository,
  ReportStatus,
  reportVariant,
} from '@app/database';
import { currencyMinorDigits, localDateKey, type ReportType } from '@app/finance';
import { jobIds, QUEUES, ReportJobData, reportJob } from '@app/queue';
import { cursorFrom } from '../common/page-query.dto';
import { SpendingCapCheck } from '../usage/spending-cap-check';
import { reportListItem, reportView } from './report-views';
import { whatIfParams, type WhatIfRequest } from './report-what-if';

/**
 * queued: a new report was queued. in-progress: the user's unfinished report of that type (a repeated request).
 * cached: a report completed within the cache window on the same ledger version; no job, no model call.
 */
export type RequestOutcome = { kind: 'queued' | 'in-progress' | 'cached'; report: ReportDoc };

const LOST_REASON = 'The report was interrupted; a new one was requested';

/**
 * A request that saw the one-active-report slot change hands (its report ended after the read, or another request's
 * report took the slot and finished before it could be read) looks again, and then reuses the finished one or
 * creates the next. More rounds than this means the slot is changing hands faster than a request can look: say so
 * rather than loop.
 */
const SLOT_ROUNDS = 3;

@Injectable()
export class ReportsService {
  constructor(
    private readonly reports: ReportsRepository,
    private readonly snapshots: FinancialSnapshotService,
    @InjectQueue(QUEUES.reports) private readonly queue: Queue<ReportJobData>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly caps: SpendingCapCheck,
  ) {}

  /**
   * The same few cheap reads whatever the user's ledger holds: their unfinished report of the type, the ledger's
   * version (FinancialSnapshotService.version: one aggregate of the newest `updatedAt` per collection, or none when a
   * check within SNAPSHOT_RECHECK_MS found it), and a completed report on that version. The figures are computed by
   * the worker. Parallel requests settle on one report: the unique one-active-per-type index lets one insert in, and
   * every other request answers with that report. A debt report's what-if money is part of its identity: the same
   * type with other amounts is another report, with its own slot and reuse. `admission` is the caller's rate-limit
   * decision, waited on beside the reads: nothing is answered or written before it admits the request.
   */
  async request(
    userId: string,
    type: ReportType,
    whatIf: WhatIfRequest = {},
    admission: Promise<void> = Promise.resolve(),
  ): Promise<RequestOutcome> {
    // Waited on by the first round, beside its reads; handled now, so a throw before that is not unhandled.
    admission.catch(() => undefined);
    const params = whatIfParams(type, whatIf, currencyMinorDigits(this.config.locale.currency));
    for (let round = 0; round < SLOT_ROUNDS; round++) {
      const outcome = await this.tryRequest(userId, type, params, admission);
      if (outcome) return outcome;
    }
    throw new ConflictException({
      code: 'report_busy',
      message: 'This report is being requested from elsewhere at the same moment; please try again',
    });
  }

  private async tryRequest(
    userId: string,
    type: ReportType,
    params: ReportParams | null,
    admission: Promise<void>,
  ): Promise<RequestOutcome | null> {
    const variant = reportVariant(params);
    const since = new Date(Date.now() - this.config.reports.cacheWindowMs);
    // Independent reads at once, beside the rate limit; their answers are still taken in this order.
    const [admitted, slot, version, capsLeft] = await Promise.allSettled([
      admission,
      this.reports.findSlotAndCompleted(userId, type, variant, since),
      this.dataVersion(userId),
      // A new report is a model call: none is queued for a user whose cap is spent.
      this.caps.assertAvailable(userId, 'reports'),
    ]);
    if (admitted.status === 'rejected') throw admitted.reason;
    if (slot.status === 'rejected') throw slot.reason;
    const { active, completed } = slot.value;
    // One that ended since the read (completed, or failed as lost) is looked for again: this read cannot tell.
    if (active) return (await this.stillQueued(active)) ? { kind: 'in-progress', report: active } : null;

    if (version.status === 'rejected') throw version.reason;
    const dataVersion = version.value;
    const cached = dataVersion ? completed.find((r) => r.dataVersion === dataVersion) : undefined;
    if (cached) return { kind: 'cached', report: cached };
    if (capsLeft.status === 'rejected') throw capsLeft.reason;

    const created = await this.reports.createQueued(userId, type, dataVersion, params);
    // Another request holds the slot: its report is this one. Gone already: look again.
    if (!created.created) return created.report ? { kind: 'in-progress', report: created.report } : null;
    const { report } = created;
    try {
      await this.queue.add('generate', reportJob(report), { jobId: jobIds.report(String(report._id)) });
    } catch (err) {
      // Never a 202 for work that was not queued; failing the record frees the type for the next request.
      await this.reports
        .fail(String(report._id), 'Could not queue the report; please try again')
        .catch(() => undefined);
      throw err;
    }
    return { kind: 'queued', report };
  }

  async get(userId: string, id: string) {
    const doc = await this.reports.findForUser(id, userId);
    if (!doc) throw new NotFoundException({ code: 'not_found', message: 'Report not found' });
    return reportView(doc);
  }

  async list(userId: string, q: { type?: ReportType; status?: ReportStatus; limit?: number; cursor?: string }) {
    const cursor = cursorFrom(q.cursor);
    const page = await this.reports.list(userId, { type: q.type, status: q.status }, q.limit ?? 20, cursor);
    return { items: page.items.map(reportListItem), nextCursor: page.nextCursor };
  }

  /**
   * The unfinished report's job is normally waiting, running or delayed for a retry. A missing job (lost with
   * Redis data, or not yet added by a concurrent request) is added again under the same id, which BullMQ
   * de-duplicates. A job that already ended without finishing the report (its final write failed) cannot run
   * again: that report is failed so the request starts a new one instead of waiting forever.
   */
  private async stillQueued(report: ReportDoc): Promise<boolean> {
    const reportId = String(report._id);
    const job = await this.queue.getJob(jobIds.report(reportId));
    if (!job) {
      await this.queue.add('generate', reportJob(report), { jobId: jobIds.report(reportId) });
      return true;
    }
    const state = await job.getState();
    if (state !== 'completed' && state !== 'failed') return true;
    await this.reports.fail(reportId, LOST_REASON);
    return false;
  }

  /**
   * The ledger version and the local day (figures such as "day 15 of 30" and the payoff start move with the
   * date): a report requested on an equal version was computed from records that have not changed since. Null
   * when reuse is off (REPORT_CACHE_WINDOW_MS=0).
   */
  private async dataVersion(userId: string): Promise<string | null> {
    if (this.config.reports.cacheWindowMs <= 0) return null;
    const day = localDateKey(new Date(), this.config.locale.timeZone);
    return `${day}:${await this.snapshots.version(userId)}`;
  }
}
