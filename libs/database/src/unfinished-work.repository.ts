import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import type { ReportType } from '@app/finance';
import { ExpenseParseDoc } from './own/expense-parse.schema';
import { MessageDoc } from './own/message.schema';
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

/** An assistant reply still marked streaming: its api instance was writing it when last heard of. */
export interface UnfinishedReply {
  _id: Types.ObjectId;
  conversationId: Types.ObjectId;
  createdAt: Date;
}

/**
 * Work a user was told is accepted (202) and that has not reached a final state, untouched since `before`:
 * what the worker's recovery sweep checks against the queues; and chat replies left streaming by their api
 * instance. Across users by design (an operator-side sweep, never a user-facing read); oldest first, so a backlog
 * is worked through in order.
 */
@Injectable()
export class UnfinishedWorkRepository {
  constructor(
    @InjectModel('ExpenseParse') private readonly parses: Model<ExpenseParseDoc>,
    @InjectModel('Report') private readonly reports: Model<ReportDoc>,
    @InjectModel('Message') private readonly messages: Model<MessageDoc>,
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

  /** Replies still streaming since before `before`: nothing is writing them any more (see CHAT_REPLY_LOST_AFTER_MS). */
  staleReplies(before: Date, limit: number): Promise<UnfinishedReply[]> {
    return this.messages
      .find({ status: 'streaming', updatedAt: { $lt: before } })
      .select({ conversationId: 1, createdAt: 1 })
      .sort({ updatedAt: 1 })
      .limit(limit)
      .lean<UnfinishedReply[]>()
      .exec();
  }

  /**
   * Closes one such reply as failed; false when it changed meanwhile (finished after all, or closed by another
   * sweep or a resend), so a sweep counts in the conversation only the replies it closed itself.
   */
  async interruptReply(id: Types.ObjectId, before: Date, reason: string): Promise<boolean> {
    const res = await this.messages
      .updateOne(
        { _id: id, status: 'streaming', updatedAt: { $lt: before } },
        { $set: { status: 'failed', content: '', error: reason } },
      )
      .exec();
    return res.modifiedCount === 1;
  }
}
