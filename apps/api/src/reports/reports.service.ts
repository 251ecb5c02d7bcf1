import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '@app/config';
import { figuresFingerprint, FinancialContextService, ReportDoc, ReportsRepository, ReportStatus } from '@app/database';
import { buildReportFigures, type ReportType } from '@app/finance';
import { jobIds, QUEUES, ReportJobData } from '@app/queue';
import { cursorFrom } from '../common/page-query.dto';
import { reportListItem, reportView } from './report-views';

/**
 * queued: a new report was queued. in-progress: the user's unfinished report of that type (a repeated request).
 * cached: a report completed within the cache window from the same figures; no job, no model call.
 */
export type RequestOutcome = { kind: 'queued' | 'in-progress' | 'cached'; report: ReportDoc };

const LOST_REASON = 'The report was interrupted; a new one was requested';

@Injectable()
export class ReportsService {
  constructor(
    private readonly reports: ReportsRepository,
    private readonly financialContext: FinancialContextService,
    @InjectQueue(QUEUES.reports) private readonly queue: Queue<ReportJobData>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async request(userId: string, type: ReportType): Promise<RequestOutcome> {
    const active = await this.reports.findActive(userId, type);
    if (active && (await this.stillQueued(active))) return { kind: 'in-progress', report: active };

    const cached = await this.cachedReport(userId, type);
    if (cached) return { kind: 'cached', report: cached };

    const { report, created } = await this.reports.createQueued(userId, type);
    if (!created) return { kind: 'in-progress', report };
    try {
      await this.queue.add(
        'generate',
        { reportId: String(report._id), userId },
        { jobId: jobIds.report(String(report._id)) },
      );
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
      await this.queue.add('generate', { reportId, userId: String(report.userId) }, { jobId: jobIds.report(reportId) });
      return true;
    }
    const state = await job.getState();
    if (state !== 'completed' && state !== 'failed') return true;
    await this.reports.fail(reportId, LOST_REASON);
    return false;
  }

  /** Same figures as the worker would compute now, so an equal fingerprint means unchanged data. */
  private async cachedReport(userId: string, type: ReportType): Promise<ReportDoc | null> {
    const windowMs = this.config.reports.cacheWindowMs;
    if (windowMs <= 0) return null;
    const now = new Date();
    const { context } = await this.financialContext.forUser(userId, { now });
    const fingerprint = figuresFingerprint(buildReportFigures(type, context));
    return this.reports.findCached(userId, type, fingerprint, new Date(now.getTime() - windowMs));
  }
}
