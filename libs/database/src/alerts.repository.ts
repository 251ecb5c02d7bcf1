import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, QueryFilter } from 'mongoose';
import type { RedFlagCategory, Severity } from '@app/finance';
import { Cursor, olderThan, Page, toPage } from './cursor';
import { toObjectId } from './object-id';
import { AlertDoc, AlertStatus } from './own/alert.schema';
import { isDuplicateKeyError } from './mongo-errors';

export type NewAlert = Omit<
  AlertDoc,
  | '_id'
  | 'status'
  | 'stillFiring'
  | 'acknowledgedBy'
  | 'acknowledgedAt'
  | 'resolvedBy'
  | 'resolvedAt'
  | 'note'
  | 'createdAt'
  | 'updatedAt'
>;

export interface AlertFilter {
  severity?: Severity[];
  category?: RedFlagCategory[];
  status?: AlertStatus[];
  userId?: string;
}

@Injectable()
export class AlertsRepository {
  constructor(@InjectModel('Alert') private readonly alerts: Model<AlertDoc>) {}

  /** The user's alerts that are open or acknowledged: the ones a new screening must not duplicate. */
  unresolvedForUser(userId: string): Promise<AlertDoc[]> {
    return this.alerts
      .find({ userId: toObjectId(userId), resolvedAt: null })
      .lean<AlertDoc[]>()
      .exec();
  }

  /** False when an unresolved alert for the same flag exists already (another screening won the race). */
  async insert(alert: NewAlert): Promise<boolean> {
    try {
      await this.alerts.create({ ...alert, status: 'open', stillFiring: true, resolvedAt: null });
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  /** Records what a screening saw on the user's unresolved alerts; the status is left to admins. */
  async markScreened(userId: string, firingFlagKeys: string[], at: Date): Promise<void> {
    const unresolved = { userId: toObjectId(userId), resolvedAt: null };
    await Promise.all([
      this.alerts
        .updateMany(
          { ...unresolved, flagKey: { $in: firingFlagKeys } },
          { $set: { stillFiring: true, lastScreenedAt: at } },
        )
        .exec(),
      this.alerts
        .updateMany(
          { ...unresolved, flagKey: { $nin: firingFlagKeys } },
          { $set: { stillFiring: false, lastScreenedAt: at } },
        )
        .exec(),
    ]);
  }

  findById(id: string): Promise<AlertDoc | null> {
    return this.alerts.findById(toObjectId(id)).lean<AlertDoc>().exec();
  }

  /** Newest first, keyset-paged on (createdAt, _id). */
  async list(filter: AlertFilter, limit: number, cursor: Cursor | null): Promise<Page<AlertDoc>> {
    const query: QueryFilter<AlertDoc> = {};
    if (filter.severity?.length) query.severity = { $in: filter.severity };
    if (filter.category?.length) query.category = { $in: filter.category };
    if (filter.status?.length) query.status = { $in: filter.status };
    if (filter.userId) query.userId = toObjectId(filter.userId);
    if (cursor) Object.assign(query, olderThan('createdAt', cursor));
    const rows = await this.alerts
      .find(query)
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit + 1)
      .lean<AlertDoc[]>()
      .exec();
    return toPage(rows, limit, (r) => r.createdAt);
  }

  /** Only an open alert can be acknowledged; null when it is not (missing, or already further on). */
  acknowledge(id: string, adminId: string, note: string | undefined, at = new Date()): Promise<AlertDoc | null> {
    return this.alerts
      .findOneAndUpdate(
        { _id: toObjectId(id), status: 'open' },
        {
          $set: {
            status: 'acknowledged',
            acknowledgedBy: toObjectId(adminId),
            acknowledgedAt: at,
            ...(note !== undefined ? { note } : {}),
          },
        },
        { returnDocument: 'after' },
      )
      .lean<AlertDoc>()
      .exec();
  }

  /** Open or acknowledged alerts can be resolved; resolving frees the flag for a future alert. */
  resolve(id: string, adminId: string, note: string | undefined, at = new Date()): Promise<AlertDoc | null> {
    return this.alerts
      .findOneAndUpdate(
        { _id: toObjectId(id), status: { $in: ['open', 'acknowledged'] } },
        {
          $set: {
            status: 'resolved',
            resolvedBy: toObjectId(adminId),
            resolvedAt: at,
            ...(note !== undefined ? { note } : {}),
          },
        },
        { returnDocument: 'after' },
      )
      .lean<AlertDoc>()
      .exec();
  }
}
