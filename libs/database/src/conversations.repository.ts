import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { Cursor, olderThan, Page, toPage } from './cursor';
import { toObjectId } from './object-id';
import { ConversationDoc } from './own/conversation.schema';
import { MessageDoc } from './own/message.schema';

@Injectable()
export class ConversationsRepository {
  constructor(
    @InjectModel('Conversation') private readonly conversations: Model<ConversationDoc>,
    @InjectModel('Message') private readonly messages: Model<MessageDoc>,
  ) {}

  /** `_id` and a first message count let a chat turn create the conversation alongside its first message. */
  async create(
    userId: string,
    language: string | null,
    opts: { _id?: Types.ObjectId; messageCount?: number; at?: Date } = {},
  ): Promise<ConversationDoc> {
    const doc = await this.conversations.create({
      ...(opts._id ? { _id: opts._id } : {}),
      userId: toObjectId(userId),
      language,
      lastMessageAt: opts.at ?? new Date(),
      messageCount: opts.messageCount ?? 0,
    });
    return doc.toObject();
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

  async recordMessages(id: string, count: number, at = new Date()): Promise<void> {
    await this.conversations
      .updateOne({ _id: toObjectId(id) }, { $inc: { messageCount: count }, $max: { lastMessageAt: at } })
      .exec();
  }

  /** Deletes the conversation and its messages; false when it is not the user's. */
  async delete(id: string, userId: string): Promise<boolean> {
    const res = await this.conversations.deleteOne({ _id: toObjectId(id), userId: toObjectId(userId) }).exec();
    if (res.deletedCount !== 1) return false;
    await this.messages.deleteMany({ conversationId: toObjectId(id) }).exec();
    return true;
  }
}
