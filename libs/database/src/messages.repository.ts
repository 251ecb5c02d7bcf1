import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { Cursor, olderThan, Page, toPage } from './cursor';
import { toObjectId } from './object-id';
import { MessageDoc, MessageStatus, MessageToolCall, MessageVerification } from './own/message.schema';
import { isDuplicateKeyError } from './mongo-errors';
import { WriteBatches } from './write-batches';

@Injectable()
export class MessagesRepository {
  constructor(
    @InjectModel('Message') private readonly messages: Model<MessageDoc>,
    private readonly batches: WriteBatches,
  ) {}

  /**
   * A chat turn's user message and its reply placeholder, batched with the other writes of this loop turn
   * (WriteBatches). The unique index on (userId, clientMessageId) decides races between two deliveries of the same
   * message: the loser keeps neither (its placeholder, written in the same unordered batch, is taken back) and gets
   * the winner's message.
   */
  async insertTurn(input: {
    userMessage: { _id: Types.ObjectId; content: string; clientMessageId: string };
    reply: { _id: Types.ObjectId; model: string };
    conversationId: Types.ObjectId;
    userId: string;
  }): Promise<{ duplicateOf: MessageDoc | null }> {
    const { conversationId } = input;
    const userId = toObjectId(input.userId);
    const at = new Date();
    const [asked, placeholder] = await Promise.allSettled([
      this.batches.write(this.messages.collection, {
        insertOne: {
          document: newMessage(at, {
            _id: input.userMessage._id,
            conversationId,
            userId,
            role: 'user',
            content: input.userMessage.content,
            status: 'complete',
            clientMessageId: input.userMessage.clientMessageId,
          }),
        },
      }),
      this.batches.write(this.messages.collection, {
        insertOne: {
          document: newMessage(at, {
            ...assistantStart(input.reply),
            conversationId,
            userId,
            replyTo: input.userMessage._id,
          }),
        },
      }),
    ]);
    if (asked.status === 'fulfilled') {
      if (placeholder.status === 'rejected') throw placeholder.reason;
      return { duplicateOf: null };
    }
    // A placeholder without its question would read as a reply to nothing.
    if (placeholder.status === 'fulfilled') await this.discard([input.reply._id]);
    if (!isDuplicateKeyError(asked.reason)) throw asked.reason;
    const existing = await this.findByClientMessageId(input.userId, input.userMessage.clientMessageId);
    if (!existing) throw asked.reason;
    return { duplicateOf: existing };
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

  /** A reply placeholder for a message stored earlier (answered again after its first reply failed). */
  async startAssistant(input: {
    _id: Types.ObjectId;
    conversationId: Types.ObjectId;
    userId: string;
    replyTo: Types.ObjectId;
    model: string;
  }): Promise<void> {
    await this.messages.collection.insertOne(
      newMessage(new Date(), {
        ...assistantStart(input),
        conversationId: input.conversationId,
        userId: toObjectId(input.userId),
        replyTo: input.replyTo,
      }),
    );
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
  ): Promise<void> {
    // A reply no longer streaming was closed already (by the worker's sweep of replies left by a dead api): kept.
    await this.batches.write(this.messages.collection, {
      updateOne: {
        filter: { _id: id, status: 'streaming' },
        update: { $set: { ...update, error: update.error ?? null, updatedAt: new Date() } },
      },
    });
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

type NewMessage = Pick<MessageDoc, '_id' | 'conversationId' | 'userId' | 'role' | 'status'> & Partial<MessageDoc>;

/**
 * A message as the schema would store it (its defaults and timestamps), written through the driver: a chat turn's
 * writes are the hottest in the service, and mongoose's document building and validation cost more CPU than the
 * write itself. Every field is set by our own code, so there is nothing to validate.
 */
function newMessage(at: Date, fields: NewMessage): MessageDoc {
  return {
    content: '',
    clientMessageId: null,
    replyTo: null,
    model: null,
    inputTokens: 0,
    outputTokens: 0,
    error: null,
    verification: null,
    ...fields,
    createdAt: at,
    updatedAt: at,
  };
}

function assistantStart(reply: { _id: Types.ObjectId; model: string }) {
  return { _id: reply._id, role: 'assistant' as const, status: 'streaming' as const, model: reply.model };
}
