import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { Cursor, olderThan, Page, toPage } from './cursor';
import { toObjectId } from './object-id';
import { ConversationDoc } from './own/conversation.schema';
import { MessageDoc } from './own/message.schema';
import { WriteBatches } from './write-batches';

@Injectable()
export class ConversationsRepository {
  constructor(
    @InjectModel('Conversation') private readonly conversations: Model<ConversationDoc>,
    @InjectModel('Message') private readonly messages: Model<MessageDoc>,
    private readonly batches: WriteBatches,
  ) {}

  /**
   * `_id` and a first message count let a chat turn create the conversation alongside its first message. Written
   * through the driver with the schema's defaults and timestamps, as chat turns' messages are (MessagesRepository).
   */
  async create(
    userId: string,
    language: string | null,
    opts: { _id?: Types.ObjectId; messageCount?: number; at?: Date } = {},
  ): Promise<ConversationDoc> {
    const now = new Date();
    const doc: ConversationDoc = {
      _id: opts._id ?? new Types.ObjectId(),
      userId: toObjectId(userId),
      title: null,
      titleSource: null,
      language,
      lastMessageAt: opts.at ?? now,
      messageCount: opts.messageCount ?? 0,
      createdAt: now,
      updatedAt: now,
    };
    await this.conversations.collection.insertOne(doc);
    return doc;
  }

  /** Every read is scoped by owner: another user's conversation reads as missing. */
  findForUser(id: string, userId: string): Promise<ConversationDoc | null> {
    return this.conversations
      .findOne({ _id: toObjectId(id), userId: toObjectId(userId) })
      .lean<ConversationDoc>()
      .exec();
  }

  findById(id: string): Promise<ConversationDoc | null> {
    return this.conversations.findById(toObjectId(id)).lean<ConversationDoc>().exec();
  }

  async list(userId: string, limit: number, cursor: Cursor | null): Promise<Page<ConversationDoc>> {
    const filter = { userId: toObjectId(userId), ...(cursor ? olderThan('lastMessageAt', cursor) : {}) };
    const rows = await this.conversations
      .find(filter)
      .sort({ lastMessageAt: -1, _id: -1 })
      .limit(limit + 1)
      .lean<ConversationDoc[]>()
      .exec();
    return toPage(rows, limit, (r) => r.lastMessageAt);
  }

  rename(id: string, userId: string, title: string): Promise<ConversationDoc | null> {
    return this.conversations
      .findOneAndUpdate(
        { _id: toObjectId(id), userId: toObjectId(userId) },
        { $set: { title, titleSource: 'user' } },
        { returnDocument: 'after' },
      )
      .lean<ConversationDoc>()
      .exec();
  }

  /** Sets the automatic title unless the user has named the conversation meanwhile. */
  setAutoTitle(id: string, title: string): Promise<ConversationDoc | null> {
    return this.conversations
      .findOneAndUpdate(
        { _id: toObjectId(id), titleSource: { $ne: 'user' } },
        { $set: { title, titleSource: 'auto' } },
        { returnDocument: 'after' },
      )
      .lean<ConversationDoc>()
      .exec();
  }

  /** Batched: the counters commute, so turns of one conversation ending together may land in any order. */
  async recordMessages(id: string, count: number, at = new Date()): Promise<void> {
    await this.batches.write(this.conversations.collection, {
      updateOne: {
        filter: { _id: toObjectId(id) },
        update: { $inc: { messageCount: count }, $max: { lastMessageAt: at }, $set: { updatedAt: new Date() } },
      },
    });
  }

  /** Deletes the conversation and its messages; false when it is not the user's. */
  async delete(id: string, userId: string): Promise<boolean> {
    const res = await this.conversations.deleteOne({ _id: toObjectId(id), userId: toObjectId(userId) }).exec();
    if (res.deletedCount !== 1) return false;
    await this.messages.deleteMany({ conversationId: toObjectId(id) }).exec();
    return true;
  }
}
