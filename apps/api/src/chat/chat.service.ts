import { randomBytes, randomUUID } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import {
  BadRequestException,
  ConflictException,
  GatewayTimeoutException,
  HttpException,
  Inject,
  Injectable,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { Queue } from 'bullmq';
import { Types } from 'mongoose';
import { AuthUser } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import {
  ConversationDoc,
  ConversationsRepository,
  FinancialContextService,
  MessageDoc,
  MessagesRepository,
} from '@app/database';
import { localDateKey } from '@app/finance';
import { estimateTokens, LlmError, LlmService, SpendingCapError, TokenUsage } from '@app/llm';
import { AppLogger } from '@app/logging';
import { buildChatMessages, buildChatSystemPrompt, detectLanguage, windowHistory } from '@app/prompts';
import { jobIds, QUEUES, TitleJobData } from '@app/queue';
import { ChatMetrics } from '../metrics/chat-metrics';
import { spendingCapRefusal } from '../usage/spending-cap-check';

export interface TurnInput {
  conversationId?: string;
  text: string;
  clientMessageId?: string;
}

/** Callbacks a transport (socket, SSE, plain HTTP) gives a turn to hear about it as it happens. */
export interface TurnSink {
  /** The message is stored and the reply is starting (or, for a resend, already known). */
  accepted(info: {
    conversationId: string;
    clientMessageId: string;
    userMessageId: string;
    created: boolean;
    duplicate: boolean;
  }): void;
  delta(info: { conversationId: string; clientMessageId: string; messageId: string; delta: string; seq: number }): void;
}

export interface TurnResult {
  conversationId: string;
  clientMessageId: string;
  userMessageId: string;
  messageId: string | null;
  text: string;
  /** in_progress: a resend of a message whose reply is still being written elsewhere. */
  status: 'complete' | 'stopped' | 'in_progress';
  usage: TokenUsage;
  duplicate: boolean;
}

/** What a turn stored before its reply, so a turn refused at its reservation can take it back. */
interface StoredByTurn {
  message: boolean;
  conversation: boolean;
}

/** A resent message with no reply this old is treated as lost (e.g. an instance died) and answered again. */
const LOST_REPLY_AFTER_MS = 2 * 60_000;
const HISTORY_FETCH_LIMIT = 60;

/** Model failures as HTTP errors with a message safe to show the user. */
export function llmFailureToHttp(err: LlmError): HttpException {
  switch (err.kind) {
    case 'timeout':
      return new GatewayTimeoutException({
        code: 'model_timeout',
        message: 'The assistant took too long to answer; please try again',
      });
    case 'rate_limited':
      return new ServiceUnavailableException({
        code: 'model_busy',
        message: 'The assistant is busy right now; please try again shortly',
      });
    default:
      return new ServiceUnavailableException({
        code: 'model_unavailable',
        message: 'The assistant is unavailable right now; please try again',
      });
  }
}

/**
 * One chat turn, whatever the transport: dedupe by clientMessageId, store the user's message, ground the
 * system prompt in this turn's figures, stream the reply, store it (complete or stopped), account tokens,
 * and name the conversation after its first exchange.
 */
@Injectable()
export class ChatService {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly messages: MessagesRepository,
    private readonly finance: FinancialContextService,
    private readonly llm: LlmService,
    @InjectQueue(QUEUES.titles) private readonly titles: Queue<TitleJobData>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly logger: AppLogger,
    private readonly metrics: ChatMetrics,
  ) {}

  async turn(user: AuthUser, input: TurnInput, sink: TurnSink, signal?: AbortSignal): Promise<TurnResult> {
    sink = this.metrics.timeFirstDelta(sink, this.llm.modelFor('chat'));
    const text = input.text.trim();
    if (!text) throw new BadRequestException({ code: 'empty_message', message: 'Message text is empty' });
    if (text.length > this.config.chat.maxMessageChars) {
      throw new BadRequestException({
        code: 'message_too_long',
        message: `Message is longer than ${this.config.chat.maxMessageChars} characters`,
      });
    }
    const clientMessageId = input.clientMessageId ?? randomUUID();

    const earlier = await this.messages.findByClientMessageId(user.id, clientMessageId);
    if (earlier) {
      const known = await this.resend(earlier, clientMessageId, sink);
      if (known) return known;
      // Its reply failed or was lost: answer the stored message again, in its own conversation.
      const own = await this.conversations.findForUser(String(earlier.conversationId), user.id);
      if (!own) throw new NotFoundException({ code: 'not_found', message: 'Conversation not found' });
      sink.accepted({
        conversationId: String(own._id),
        clientMessageId,
        userMessageId: String(earlier._id),
        created: false,
        duplicate: false,
      });
      return this.reply(user, own, earlier, clientMessageId, sink, signal, { message: false, conversation: false });
    }

    let conversation: ConversationDoc;
    let created = false;
    if (input.conversationId) {
      const found = await this.conversations.findForUser(input.conversationId, user.id);
      if (!found) throw new NotFoundException({ code: 'not_found', message: 'Conversation not found' });
      conversation = found;
    } else {
      conversation = await this.conversations.create(user.id, detectLanguage(text)?.tag ?? null);
      created = true;
    }

    const stored = await this.messages.insertUserMessage({
      conversationId: conversation._id,
      userId: user.id,
      content: text,
      clientMessageId,
    });
    if (stored.duplicate) {
      // Lost a race with a simultaneous delivery of the same message: that delivery answers it.
      if (created) await this.conversations.delete(String(conversation._id), user.id);
      const known = await this.resend(stored.message, clientMessageId, sink);
      if (known) return known;
      throw new ConflictException({ code: 'duplicate_message', message: 'This message is already being answered' });
    }
    const userMessage = stored.message;
    await this.conversations.recordMessages(String(conversation._id), 1, userMessage.createdAt);

    const conversationId = String(conversation._id);
    sink.accepted({
      conversationId,
      clientMessageId,
      userMessageId: String(userMessage._id),
      created,
      duplicate: false,
    });
    return this.reply(user, conversation, userMessage, clientMessageId, sink, signal, {
      message: true,
      conversation: created,
    });
  }

  /** A known clientMessageId: replay the stored answer, report one in progress, or null to answer again. */
  private async resend(message: MessageDoc, clientMessageId: string, sink: TurnSink): Promise<TurnResult | null> {
    const reply = await this.messages.findReply(message._id);
    const base = {
      conversationId: String(message.conversationId),
      clientMessageId,
      userMessageId: String(message._id),
      duplicate: true,
    };
    if (reply && (reply.status === 'complete' || reply.status === 'stopped')) {
      sink.accepted({ ...base, created: false });
      return {
        ...base,
        messageId: String(reply._id),
        text: reply.content,
        status: reply.status,
        usage: { inputTokens: reply.inputTokens, outputTokens: reply.outputTokens },
      };
    }
    const startedAt = (reply?.createdAt ?? message.createdAt).getTime();
    const inFlight = (!reply || reply.status === 'streaming') && Date.now() - startedAt < LOST_REPLY_AFTER_MS;
    if (inFlight) {
      sink.accepted({ ...base, created: false });
      return {
        ...base,
        messageId: reply ? String(reply._id) : null,
        text: '',
        status: 'in_progress',
        usage: { inputTokens: 0, outputTokens: 0 },
      };
    }
    // Its instance died mid-reply: close the orphan so it stops reading as "streaming", then answer again.
    if (reply?.status === 'streaming')
      await this.failReply(reply._id, String(message.conversationId), 'Reply was interrupted');
    return null;
  }

  private async reply(
    user: AuthUser,
    conversation: ConversationDoc,
    userMessage: MessageDoc,
    clientMessageId: string,
    sink: TurnSink,
    signal: AbortSignal | undefined,
    stored: StoredByTurn,
  ): Promise<TurnResult> {
    const conversationId = String(conversation._id);
    // Figures are read for every turn, so an expense added a minute ago is in this answer. The three
    // writes and reads are independent: running them together keeps time-to-first-token down.
    const [context, recentRead, started] = await Promise.allSettled([
      this.finance.forUser(user.id),
      this.messages.recent(conversation._id, HISTORY_FETCH_LIMIT, userMessage._id),
      this.messages.startAssistant({
        conversationId: conversation._id,
        userId: user.id,
        replyTo: userMessage._id,
        model: this.llm.modelFor('chat'),
      }),
    ]);
    if (started.status === 'rejected') throw started.reason;
    const assistant = started.value;
    if (context.status === 'rejected' || recentRead.status === 'rejected') {
      // The reply placeholder exists: close it, or it would read as "streaming" for ever.
      await this.failReply(assistant._id, conversationId, 'Could not read your data');
      throw context.status === 'rejected' ? context.reason : (recentRead as PromiseRejectedResult).reason;
    }
    const financialContext = context.value.prompt;
    const recent = recentRead.value;
    const history = windowHistory(
      recent.filter((m) => m.createdAt <= userMessage.createdAt && m._id.toString() !== assistant._id.toString()),
      this.config.chat.historyTokens,
      estimateTokens,
    );
    const system = buildChatSystemPrompt({
      assistantName: this.config.chat.assistantName,
      today: localDateKey(new Date(), this.config.locale.timeZone),
      timeZone: this.config.locale.timeZone,
      financialContext,
      language: detectLanguage(userMessage.content),
      nonce: randomBytes(6).toString('hex'),
    });

    const messageId = String(assistant._id);
    let seq = 0;
    try {
      const result = await this.llm.streamChat(
        {
          feature: 'chat',
          userId: user.id,
          messages: buildChatMessages({
            system,
            history: history.map((m) => ({ role: m.role, content: m.content })),
            userText: userMessage.content,
          }),
          maxOutputTokens: this.config.chat.maxOutputTokens,
          signal,
        },
        (delta) => sink.delta({ conversationId, clientMessageId, messageId, delta, seq: seq++ }),
      );
      const status = result.stopped ? 'stopped' : 'complete';
      await this.messages.finishAssistant(assistant._id, { status, content: result.text, ...result.usage });
      await this.conversations.recordMessages(conversationId, 1);
      if (!conversation.title && !result.stopped) await this.requestTitle(conversationId, user.id);
      return {
        conversationId,
        clientMessageId,
        userMessageId: String(userMessage._id),
        messageId,
        text: result.text,
        status,
        usage: result.usage,
        duplicate: false,
      };
    } catch (err) {
      if (err instanceof SpendingCapError) {
        await this.discardTurn(user.id, conversationId, [assistant._id, userMessage._id], stored);
        throw spendingCapRefusal(err);
      }
      await this.failReply(assistant._id, conversationId, err instanceof LlmError ? err.message : 'Reply failed');
      throw err instanceof LlmError ? llmFailureToHttp(err) : err;
    }
  }

  /**
   * A parallel turn took what was left of the spending cap after this one passed the door, so its reservation was
   * refused and the model was not called: the turn leaves nothing behind, as if it had been refused at the door.
   * A message stored by an earlier request (a resend) stays. Best effort, like failReply.
   */
  private async discardTurn(
    userId: string,
    conversationId: string,
    [replyId, messageId]: [Types.ObjectId, Types.ObjectId],
    stored: StoredByTurn,
  ): Promise<void> {
    try {
      if (stored.conversation) {
        await this.conversations.delete(conversationId, userId);
        return;
      }
      await this.messages.discard(stored.message ? [replyId, messageId] : [replyId]);
      // The epoch leaves lastMessageAt (a $max) as it was.
      if (stored.message) await this.conversations.recordMessages(conversationId, -1, new Date(0));
    } catch {
      await this.failReply(replyId, conversationId, 'Reply was refused');
    }
  }

  /** Best effort: the caller is already reporting an error, which this must not replace. */
  private async failReply(messageId: Types.ObjectId, conversationId: string, reason: string): Promise<void> {
    await this.messages
      .finishAssistant(messageId, { status: 'failed', content: '', inputTokens: 0, outputTokens: 0, error: reason })
      .catch(() => undefined);
    await this.conversations.recordMessages(conversationId, 1).catch(() => undefined);
  }

  /** Naming is best effort: a queue hiccup must not fail the user's answer. */
  private async requestTitle(conversationId: string, userId: string): Promise<void> {
    try {
      await this.titles.add('title', { conversationId, userId }, { jobId: jobIds.title(conversationId) });
    } catch (err) {
      this.logger.event('warn', 'chat.title_enqueue_failed', { conversationId, error: err });
    }
  }
}
