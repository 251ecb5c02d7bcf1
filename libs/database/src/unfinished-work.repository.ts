import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import type { ReportType } from '@app/finance';
import { ExpenseParseDoc } from './own/expense-parse.schema';
import { ReportDoc } from './own/report.schema';

export interface UnfinishedParse {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
}

export interface UnfinishedReport {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  type: ReportType;
}

/**
 * Work a user was told is accepted (202) and that has not reached a final state, untouched since `before`:
 * what the worker's recovery sweep checks against the queues. Across users by design (an operator-side
 * sweep, never a user-facing read); oldest first, so a backlog is worked through in order.
 */
@Injectable()
export class UnfinishedWorkRepository {
  constructor(
    @InjectModel('ExpenseParse') private readonly parses: Model<ExpenseParseDoc>,
    @InjectModel('Report') private readonly reports: Model<ReportDoc>,
  ) {}

  staleParses(before: Date, limit: number): Promise<UnfinishedParse[]> {
    return this.parses
      .find({ status: 'processing', updatedAt: { $lt: before } })
      .select({ userId: 1 })
      .sort({ updatedAt: 1 })
      .limit(limit)
      .lean<UnfinishedParse[]>()
      .exec();
  }

  /** Queued or running: exactly the reports that hold their type's `activeType` slot. */
  staleReports(before: Date, limit: number): Promise<UnfinishedReport[]> {
    return this.reports
      .find({ activeType: { $type: 'string' }, updatedAt: { $lt: before } })
      .select({ userId: 1, type: 1 })
      .sort({ updatedAt: 1 })
      .limit(limit)
      .lean<UnfinishedReport[]>()
      .exec();
  }
}
