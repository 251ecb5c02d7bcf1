import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { Cursor, olderThan, Page, toPage } from './cursor';
import { toObjectId } from './object-id';
import { MessageDoc, MessageStatus, MessageToolCall, MessageVerification } from './own/message.schema';
import { isDuplicateKeyError } from './mongo-errors';

@Injectable()
export class MessagesRepository {
  constructor(@InjectModel('Message') private readonly messages: Model<MessageDoc>) {}

  /**
   * Stores a user message once per clientMessageId. The unique index decides races between two
   * deliveries of the same message; the loser reads the winner's document.
   */
  async insertUserMessage(input: {
    /** Chosen before the write, so a turn can name its message while the write runs alongside the model call. */
    _id?: Types.ObjectId;
    conversationId: Types.ObjectId;
    userId: string;
    content: string;
    clientMessageId: string;
  }): Promise<{ message: MessageDoc; duplicate: boolean }> {
    try {
      const doc = await this.messages.create({
        ...(input._id ? { _id: input._id } : {}),
        conversationId: input.conversationId,
        userId: toObjectId(input.userId),
        role: 'user',
        content: input.content,
        status: 'complete',
        clientMessageId: input.clientMessageId,
      });
      return { message: doc.toObject(), duplicate: false };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const existing = await this.findByClientMessageId(input.userId, input.clientMessageId);
      if (!existing) throw err;
      return { message: existing, duplicate: true };
    }
  }

  findByClientMessageId(userId: string, clientMessageId: string): Promise<MessageDoc | null> {
    return this.messages
      .findOne({ userId: toObjectId(userId), clientMessageId })
      .lean<MessageDoc>()
      .exec();
  }

  findReply(userMessageId: Types.ObjectId): Promise<MessageDoc | null> {
    return this.messages
      .findOne({ replyTo: userMessageId, role: 'assistant' })
      .sort({ createdAt: -1 })
      .lean<MessageDoc>()
      .exec();
  }

  async startAssistant(input: {
    _id?: Types.ObjectId;
    conversationId: Types.ObjectId;
    userId: string;
    replyTo: Types.ObjectId;
    model: string;
  }): Promise<MessageDoc> {
    const doc = await this.messages.create({
      ...(input._id ? { _id: input._id } : {}),
      conversationId: input.conversationId,
      userId: toObjectId(input.userId),
      role: 'assistant',
      content: '',
      status: 'streaming',
      replyTo: input.replyTo,
      model: input.model,
    });
    return doc.toObject();
  }

  async finishAssistant(
    id: Types.ObjectId,
    update: {
      status: Exclude<MessageStatus, 'streaming'>;
      content: string;
      inputTokens: number;
      outputTokens: number;
      error?: string | null;
      tools?: MessageToolCall[];
      verification?: MessageVerification | null;
    },
  ): Promise<boolean> {
    const res = await this.messages
      .updateOne({ _id: id, status: 'streaming' }, { $set: { ...update, error: update.error ?? null } })
      .exec();
    // False when it was no longer streaming: closed already (by the worker's sweep of replies left by a dead api).
    return res.modifiedCount === 1;
  }

  /** Removes messages of a turn that was refused after they were stored (a spending cap reached meanwhile). */
  async discard(ids: Types.ObjectId[]): Promise<void> {
    await this.messages.deleteMany({ _id: { $in: ids } }).exec();
  }

  /** Newest first; the caller trims to its token budget. Failed replies carry no content worth resending. */
  recent(conversationId: Types.ObjectId, limit: number, excludeId?: Types.ObjectId): Promise<MessageDoc[]> {
    return this.messages
      .find({
        conversationId,
        status: { $in: ['complete', 'stopped'] },
        ...(excludeId ? { _id: { $ne: excludeId } } : {}),
      })
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit)
      .lean<MessageDoc[]>()
      .exec();
  }

  /** A page of a conversation, newest first from the cursor; returned oldest-first for display. */
  async page(conversationId: Types.ObjectId, limit: number, cursor: Cursor | null): Promise<Page<MessageDoc>> {
    const rows = await this.messages
      .find({ conversationId, ...(cursor ? olderThan('createdAt', cursor) : {}) })
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit + 1)
      .lean<MessageDoc[]>()
      .exec();
    const page = toPage(rows, limit, (m) => m.createdAt);
    return { items: page.items.reverse(), nextCursor: page.nextCursor };
  }

  /** The first messages of a conversation, for naming it. */
  firstMessages(conversationId: string, limit: number): Promise<MessageDoc[]> {
    return this.messages
      .find({ conversationId: toObjectId(conversationId), status: { $in: ['complete', 'stopped'] } })
      .sort({ createdAt: 1, _id: 1 })
      .limit(limit)
      .lean<MessageDoc[]>()
      .exec();
  }
}
