import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, type QueryFilter, Types } from 'mongoose';
import type { ReportType } from '@app/finance';
import { Cursor, olderThan, Page, toPage } from './cursor';
import { isObjectIdHex, toObjectId } from './object-id';
import {
  activeSlot,
  ReportDoc,
  ReportParams,
  reportVariant,
  ReportStatus,
  StoredReportInsight,
} from './own/report.schema';
import { isDuplicateKeyError } from './mongo-errors';

const UNFINISHED: ReportStatus[] = ['queued', 'running'];
/**
 * Rows a POST /reports reads: a new report of a type and variant is only made when the ledger changed since the
 * last one, so a cache window holds a handful.
 */
const REUSE_CANDIDATES = 20;

export type ReportListItem = Omit<ReportDoc, 'figures' | 'insights'>;

@Injectable()
export class ReportsRepository {
  constructor(@InjectModel('Report') private readonly reports: Model<ReportDoc>) {}

  /**
   * A new queued report, unless the user already has an unfinished one of this type: then that one, with
   * created false. The unique index decides a race between two requests; the loser reads the winner. `report` is
   * null when the winner finished between the two (the caller asks again: it may now reuse the finished one).
   */
  async createQueued(
    userId: string,
    type: ReportType,
    dataVersion: string | null,
    params: ReportParams | null = null,
  ): Promise<{ report: ReportDoc; created: true } | { report: ReportDoc | null; created: false }> {
    const variant = reportVariant(params);
    try {
      // Through the driver with the schema's defaults: every field is ours, and mongoose's document building and
      // validation were most of POST /reports' CPU.
      const now = new Date();
      const report: ReportDoc = {
        _id: new Types.ObjectId(),
        userId: toObjectId(userId),
        type,
        params: variant ? params : null,
        variant,
        status: 'queued',
        progress: 0,
        activeType: activeSlot(type, variant),
        dataFingerprint: null,
        dataVersion,
        figures: null,
        summary: null,
        insights: [],
        error: null,
        lastError: null,
        lastErrorKind: null,
        attempts: 0,
        model: null,
        promptVersion: null,
        startedAt: null,
        completedAt: null,
        createdAt: now,
        updatedAt: now,
      };
      await this.reports.collection.insertOne(report);
      return { report, created: true };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      return { report: await this.findActive(userId, type, variant), created: false };
    }
  }

  /** The unfinished report of this type and variant (reportVariant: '' for a plain report). */
  findActive(userId: string, type: ReportType, variant = ''): Promise<ReportDoc | null> {
    return this.reports.collection.findOne<ReportDoc>({
      userId: toObjectId(userId),
      activeType: activeSlot(type, variant),
    });
  }

  /** Scoped by owner: another user's report reads as missing. */
  findForUser(id: string, userId: string): Promise<ReportDoc | null> {
    return this.reports
      .findOne({ _id: toObjectId(id), userId: toObjectId(userId) })
      .lean<ReportDoc>()
      .exec();
  }

  findById(id: string): Promise<ReportDoc | null> {
    return this.reports.findById(toObjectId(id)).lean<ReportDoc>().exec();
  }

  /**
   * In one read: the unfinished report of this type and variant (reportVariant: '' for a plain report), and those
   * completed since `since`, newest first, on any ledger version (the caller picks one on its own). One read, not
   * two in turn, and nothing missed: a report leaving the slot by completing is matched in one state or the other,
   * whichever index the server walks. At most REUSE_CANDIDATES rows: a slot cut off by the bound is found by
   * createQueued's unique index instead.
   */
  async findSlotAndCompleted(
    userId: string,
    type: ReportType,
    variant: string,
    since: Date,
  ): Promise<{ active: ReportDoc | null; completed: ReportDoc[] }> {
    const slot = activeSlot(type, variant);
    const rows = await this.reports.collection
      .find<ReportDoc>(
        {
          userId: toObjectId(userId),
          $or: [
            { activeType: slot },
            // Reports stored before variants existed are plain ones.
            {
              type,
              variant: variant ? variant : { $in: ['', null] },
              status: 'completed',
              completedAt: { $gte: since },
            },
          ],
        },
        { limit: REUSE_CANDIDATES },
      )
      .toArray();
    return {
      active: rows.find((r) => r.activeType === slot) ?? null,
      completed: rows
        .filter((r) => r.status === 'completed')
        .sort((a, b) => (b.completedAt?.getTime() ?? 0) - (a.completedAt?.getTime() ?? 0)),
    };
  }

  /** Newest first, without the heavy figures and insights. */
  async list(
    userId: string,
    filter: { type?: ReportType; status?: ReportStatus },
    limit: number,
    cursor: Cursor | null,
  ): Promise<Page<ReportListItem>> {
    const query: QueryFilter<ReportDoc> = {
      userId: toObjectId(userId),
      ...(filter.type ? { type: filter.type } : {}),
      ...(filter.status ? { status: filter.status } : {}),
      ...(cursor ? olderThan('createdAt', cursor) : {}),
    };
    const rows = await this.reports
      .find(query)
      .select({ figures: 0, insights: 0 })
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit + 1)
      .lean<ReportListItem[]>()
      .exec();
    return toPage(rows, limit, (r) => r.createdAt);
  }

  /**
   * Marks an attempt as started; null when the report is already final (a duplicate or late delivery), or is not
   * `ownerId`'s when that is given.
   */
  async start(id: string, progress: number, ownerId?: string): Promise<ReportDoc | null> {
    if (ownerId !== undefined && !isObjectIdHex(ownerId)) return null;
    // A job's steps go through the driver (updatedAt set as mongoose would): they are most of a report job's writes.
    const found = await this.reports.collection.findOneAndUpdate(
      {
        _id: toObjectId(id),
        status: { $in: UNFINISHED },
        ...(ownerId !== undefined ? { userId: toObjectId(ownerId) } : {}),
      },
      { $set: { status: 'running', progress, startedAt: new Date(), updatedAt: new Date() }, $inc: { attempts: 1 } },
      { returnDocument: 'after', includeResultMetadata: false },
    );
    return found as ReportDoc | null;
  }

  /** `$max`: a late write never moves progress back. */
  async saveFigures(id: string, figures: object, dataFingerprint: string, progress: number): Promise<void> {
    await this.reports.collection.updateOne(
      { _id: toObjectId(id), status: 'running' },
      { $set: { figures, dataFingerprint, updatedAt: new Date() }, $max: { progress } },
    );
  }

  /**
   * Only an unfinished report is completed, so a retried job cannot overwrite a final state. Through the driver, as
   * the other writes of a job are: the words were checked against the answer schema already, and mongoose's casting
   * of them was a measurable share of a report's CPU.
   */
  async complete(
    id: string,
    result: { summary: string; insights: StoredReportInsight[]; model: string; promptVersion: string },
  ): Promise<boolean> {
    const now = new Date();
    const res = await this.reports.collection.updateOne(
      { _id: toObjectId(id), status: { $in: UNFINISHED } },
      {
        $set: {
          ...result,
          status: 'completed',
          progress: 100,
          activeType: null,
          error: null,
          lastError: null,
          lastErrorKind: null,
          completedAt: now,
          updatedAt: now,
        },
      },
    );
    return res.modifiedCount === 1;
  }

  async fail(id: string, reason: string): Promise<boolean> {
    const res = await this.reports
      .updateOne(
        { _id: toObjectId(id), status: { $in: UNFINISHED } },
        { $set: { status: 'failed', activeType: null, error: reason, completedAt: new Date() } },
      )
      .exec();
    return res.modifiedCount === 1;
  }

  /** Back to queued while BullMQ waits to retry, with the reason the attempt failed. */
  async awaitRetry(id: string, reason: string, kind: string): Promise<void> {
    await this.reports
      .updateOne(
        { _id: toObjectId(id), status: 'running' },
        { $set: { status: 'queued', progress: 0, lastError: reason, lastErrorKind: kind } },
      )
      .exec();
  }
}
