import { randomUUID } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import {
  BadRequestException,
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
  ConversationsRepository,
  FinancialSnapshotService,
  FinancialContextResult,
  MessageDoc,
  MessagesRepository,
  MessageToolCall,
  MessageVerification,
  RoundTripCounter,
  toObjectId,
} from '@app/database';
import { type FinancialContext, localDateKey, renderCompactContext } from '@app/finance';
import { estimateTokens, LlmError, LlmService, ReservationAhead, SpendingCapError, TokenUsage } from '@app/llm';
import { AppLogger } from '@app/logging';
import {
  buildChatMessages,
  buildChatSystemPrompt,
  CHAT_COMPACT_SYSTEM_PROMPT_MAX_TOKENS,
  chatContextFacts,
  detectLanguage,
  type FactSheet,
  windowHistory,
} from '@app/prompts';
import { jobIds, QUEUES, TitleJobData } from '@app/queue';
import { ChatMetrics } from '../metrics/chat-metrics';
import { ChatAnswerer, ToolEvent } from './chat-answerer';
import { chatTurnView } from './chat-turn-view';
import { ConversationCache, HistoryEntry } from './conversation-cache';
import { DeltaCoalescer } from './delta-coalescer';
import { ReplyStreams } from './reply-streams';
import { toSocketError } from './socket-error';
import { messageError } from './socket-refusal.filter';
import { TurnClaim, TurnClaims } from './turn-claims';
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
    /** The reply's id, known before anything is stored: what `message:resume` follows. Null for a resend with none. */
    messageId: string | null;
    created: boolean;
    duplicate: boolean;
  }): void;
  delta(info: { conversationId: string; clientMessageId: string; messageId: string; delta: string; seq: number }): void;
  /** A tool call of the reply starting and ending (`message:tool`). */
  tool?(info: { conversationId: string; clientMessageId: string; messageId: string } & ToolEvent): void;
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
  /** The tools the model called for this reply, as the client was told. */
  tools?: MessageToolCall[];
  /** How the reply's figures checked out against the user's data; absent for a reply not (yet) written. */
  verification?: MessageVerification | null;
}

/** What a turn stored before its reply, so a turn refused at its reservation can take it back. */
interface StoredByTurn {
  message: boolean;
  conversation: boolean;
  /** The cached history already has the turn (its reply's own write failed after). */
  history?: boolean;
}

/** The conversation a turn answers in, as the prompt needs it. */
interface TurnConversation {
  id: string;
  titled: boolean;
  history: HistoryEntry[];
}

/**
 * A turn stores the user's message and its reply's placeholder, and counts both in the conversation at once: the
 * conversation's messageCount is what its message page lists, a reply being written included, and a turn costs
 * one conversation write instead of two.
 */
const TURN_MESSAGES = 2;

/** What a turn's prompt and checks take from the user's snapshot. */
interface Grounding {
  compact: string;
  facts: FactSheet;
}

/** The user message a reply answers: stored by this turn (alongside the model call) or by an earlier delivery. */
interface AnsweredMessage {
  id: string;
  content: string;
}

/** A user message that was already stored when this turn tried to store it: an earlier delivery's claim expired. */
class AlreadyStored extends Error {
  constructor(readonly message_: MessageDoc) {
    super('message already stored');
  }
}

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
 * One chat turn, whatever the transport. Before the model call it waits only on Redis (the clientMessageId claim,
 * the conversation and its recent history, the cached snapshot) and the snapshot's one-query freshness check; it
 * chooses the ids of what it will store, so the MongoDB writes (conversation, user message, reply placeholder) run
 * alongside the model call and are awaited before the turn ends. Deltas also go to a Redis stream any api
 * instance can replay (`message:resume`). After the reply: store it (complete or stopped), account tokens, and
 * name the conversation after its first exchange.
 */
@Injectable()
export class ChatService {
  private readonly grounding = new WeakMap<FinancialContext, Grounding>();

  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly messages: MessagesRepository,
    private readonly snapshots: FinancialSnapshotService,
    private readonly llm: LlmService,
    @InjectQueue(QUEUES.titles) private readonly titles: Queue<TitleJobData>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly logger: AppLogger,
    private readonly metrics: ChatMetrics,
    private readonly cache: ConversationCache,
    private readonly claims: TurnClaims,
    private readonly streams: ReplyStreams,
    private readonly roundTrips: RoundTripCounter,
    private readonly answerer: ChatAnswerer,
  ) {}

  /**
   * `admission` is the transport's rate-limit decision, still in flight: the turn waits on it alongside its own
   * reads, and a refusal leaves nothing behind, as if it had come first.
   */
  async turn(
    user: AuthUser,
    input: TurnInput,
    sink: TurnSink,
    signal?: AbortSignal,
    admission: Promise<unknown> = Promise.resolve(),
  ): Promise<TurnResult> {
    // Observed at once: a turn refused for its input must not leave the decision's rejection unhandled.
    admission.catch(() => undefined);
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
    return this.start(user, { ...input, text, clientMessageId }, sink, signal, admission);
  }

  private async start(
    user: AuthUser,
    input: TurnInput & { clientMessageId: string },
    sink: TurnSink,
    signal: AbortSignal | undefined,
    admission: Promise<unknown>,
    retried = false,
  ): Promise<TurnResult> {
    const { text, clientMessageId } = input;
    const claim: TurnClaim = {
      conversationId: input.conversationId ?? String(new Types.ObjectId()),
      userMessageId: String(new Types.ObjectId()),
      messageId: String(new Types.ObjectId()),
      at: Date.now(),
    };
    const { value: ready, roundTrips } = await this.roundTrips.count(() =>
      this.prepare(user, input.conversationId, clientMessageId, claim, this.promptTokensAtMost(text), admission),
    );
    if ('held' in ready) {
      const joined = await this.answerHeld(user, ready.held, clientMessageId, sink, signal);
      if (joined || retried) return joined ?? this.inProgress(ready.held, clientMessageId, sink);
      // The turn that claimed the message died before storing it: answer it as new.
      await this.claims.release(user.id, clientMessageId);
      return this.start(user, input, sink, signal, admission, true);
    }
    if (roundTrips !== null) this.metrics.roundTripsBeforeModel(roundTrips);

    const created = !input.conversationId;
    sink.accepted({
      conversationId: claim.conversationId,
      clientMessageId,
      userMessageId: claim.userMessageId,
      messageId: claim.messageId,
      created,
      duplicate: false,
    });
    const persisted = this.storeTurnStart(user, claim, text, clientMessageId, created);
    return this.reply(
      user,
      {
        id: claim.conversationId,
        titled: ready.conversation?.titled ?? false,
        history: ready.conversation?.history ?? [],
      },
      { id: claim.userMessageId, content: text },
      { messageId: claim.messageId, clientMessageId, snapshot: ready.snapshot, ahead: ready.ahead },
      sink,
      signal,
      persisted,
      { message: true, conversation: created },
    );
  }

  /**
   * The most tokens the turn's prompt can take: the system prompt's cap, the history window, the message itself,
   * and the two messages' framing. What the turn reserves ahead of building it.
   */
  private promptTokensAtMost(text: string): number {
    return CHAT_COMPACT_SYSTEM_PROMPT_MAX_TOKENS + this.config.chat.historyTokens + estimateTokens(text) + 8;
  }

  /**
   * Everything the turn waits on before the model, at once: the claim decides whether this delivery answers; the
   * conversation (cached) must be the caller's; the snapshot grounds the prompt; the spending caps hold the model
   * call's tokens (for a prompt of at most promptTokens); and the transport's admission settles. A turn refused
   * here stored nothing, and gives its claim and its reservation back.
   */
  private async prepare(
    user: AuthUser,
    conversationId: string | undefined,
    clientMessageId: string,
    claim: TurnClaim,
    promptTokens: number,
    admission: Promise<unknown>,
  ): Promise<
    | { held: TurnClaim }
    | {
        conversation: { titled: boolean; history: HistoryEntry[] } | null;
        snapshot: FinancialContextResult;
        ahead: ReservationAhead;
      }
  > {
    const [admitted, held, conversation, snapshot, ahead] = await Promise.allSettled([
      admission,
      this.claims.claim(user.id, clientMessageId, claim),
      conversationId ? this.cache.get(conversationId, user.id) : Promise.resolve(undefined),
      this.snapshots.current(user.id),
      this.llm.reserveAhead('chat', user.id, promptTokens, this.config.chat.maxOutputTokens),
    ]);
    const reservation = ahead.status === 'fulfilled' ? ahead.value : null;
    if (admitted.status === 'rejected') {
      await this.llm.release(reservation);
      if (held.status === 'fulfilled' && !held.value)
        await this.claims.release(user.id, clientMessageId).catch(() => undefined);
      throw admitted.reason;
    }
    if (held.status === 'rejected' || held.value) await this.llm.release(reservation);
    if (held.status === 'rejected') throw held.reason;
    if (held.value) return { held: held.value };
    try {
      if (conversation.status === 'rejected') throw conversation.reason;
      if (conversation.value === null) throw notFound();
      if (snapshot.status === 'rejected') throw snapshot.reason;
      if (ahead.status === 'rejected') {
        throw ahead.reason instanceof SpendingCapError ? spendingCapRefusal(ahead.reason) : ahead.reason;
      }
      return { conversation: conversation.value ?? null, snapshot: snapshot.value, ahead: ahead.value };
    } catch (err) {
      await this.llm.release(reservation);
      await this.claims.release(user.id, clientMessageId).catch(() => undefined);
      throw err;
    }
  }

  /**
   * The writes of a turn's start (both messages, the conversation), alongside the model call. Rejects with AlreadyStored when the message had
   * been stored by a delivery whose claim has since expired.
   */
  private async storeTurnStart(
    user: AuthUser,
    claim: TurnClaim,
    text: string,
    clientMessageId: string,
    created: boolean,
  ): Promise<void> {
    const conversationId = toObjectId(claim.conversationId);
    const at = new Date(claim.at);
    const writes = await Promise.allSettled([
      this.messages
        .insertTurn({
          userMessage: { _id: toObjectId(claim.userMessageId), content: text, clientMessageId },
          reply: { _id: toObjectId(claim.messageId), model: this.llm.modelFor('chat') },
          conversationId,
          userId: user.id,
        })
        .then(({ duplicateOf }) => {
          if (duplicateOf) throw new AlreadyStored(duplicateOf);
        }),
      created
        ? this.conversations.create(user.id, detectLanguage(text)?.tag ?? null, {
            _id: conversationId,
            messageCount: TURN_MESSAGES,
            at,
          })
        : this.conversations.recordMessages(claim.conversationId, TURN_MESSAGES, at),
      created ? this.cache.created(claim.conversationId, user.id) : Promise.resolve(),
    ]);
    const failed = writes.find((w): w is PromiseRejectedResult => w.status === 'rejected');
    // The messages were not stored (a duplicate delivery, or a failed write): the count raised for them goes back.
    if (writes[0].status === 'rejected' && writes[1].status === 'fulfilled')
      await this.conversations.recordMessages(claim.conversationId, -TURN_MESSAGES, new Date(0)).catch(() => undefined);
    if (failed) throw failed.reason;
  }

  /**
   * A delivery of a message another turn claimed. Stored with a finished reply: that reply again. Still being
   * answered: in progress, with the reply's id to follow. Stored with a failed or lost reply: answered again here.
   * Null when the claim's turn died before storing the message.
   */
  private async answerHeld(
    user: AuthUser,
    held: TurnClaim,
    clientMessageId: string,
    sink: TurnSink,
    signal: AbortSignal | undefined,
  ): Promise<TurnResult | null> {
    const earlier = await this.messages.findByClientMessageId(user.id, clientMessageId);
    if (!earlier)
      return Date.now() - held.at < this.config.chat.replyLostAfterMs
        ? this.inProgress(held, clientMessageId, sink)
        : null;
    return (
      (await this.resend(earlier, clientMessageId, sink)) ??
      this.answerAgain(user, earlier, clientMessageId, sink, signal)
    );
  }

  private inProgress(held: TurnClaim, clientMessageId: string, sink: TurnSink): TurnResult {
    const ids = {
      conversationId: held.conversationId,
      clientMessageId,
      userMessageId: held.userMessageId,
      messageId: held.messageId,
    };
    sink.accepted({ ...ids, created: false, duplicate: true });
    return { ...ids, text: '', status: 'in_progress', usage: { inputTokens: 0, outputTokens: 0 }, duplicate: true };
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
      sink.accepted({ ...base, messageId: String(reply._id), created: false });
      return {
        ...base,
        messageId: String(reply._id),
        text: reply.content,
        status: reply.status,
        usage: { inputTokens: reply.inputTokens, outputTokens: reply.outputTokens },
        tools: reply.tools ?? [],
        verification: reply.verification ?? null,
      };
    }
    const startedAt = (reply?.createdAt ?? message.createdAt).getTime();
    const inFlight =
      (!reply || reply.status === 'streaming') && Date.now() - startedAt < this.config.chat.replyLostAfterMs;
    if (inFlight) {
      const messageId = reply ? String(reply._id) : null;
      sink.accepted({ ...base, messageId, created: false });
      return { ...base, messageId, text: '', status: 'in_progress', usage: { inputTokens: 0, outputTokens: 0 } };
    }
    // Its instance died mid-reply: close the orphan so it stops reading as "streaming", then answer again.
    if (reply?.status === 'streaming') await this.failReply(reply._id, 'Reply was interrupted');
    return null;
  }

  /** The stored message's reply failed or was lost: answer it again, in its own conversation. */
  private async answerAgain(
    user: AuthUser,
    earlier: MessageDoc,
    clientMessageId: string,
    sink: TurnSink,
    signal: AbortSignal | undefined,
  ): Promise<TurnResult> {
    const conversationId = String(earlier.conversationId);
    const [conversation, snapshot] = await Promise.all([
      this.cache.get(conversationId, user.id),
      this.snapshots.current(user.id),
    ]);
    if (!conversation) throw notFound();
    const messageId = new Types.ObjectId();
    const claim = { conversationId, userMessageId: String(earlier._id), messageId: String(messageId), at: Date.now() };
    await this.claims.replace(user.id, clientMessageId, claim);
    sink.accepted({ ...claim, clientMessageId, created: false, duplicate: false });
    const persisted = Promise.all([
      this.messages.startAssistant({
        _id: messageId,
        conversationId: earlier.conversationId,
        userId: user.id,
        replyTo: earlier._id,
        model: this.llm.modelFor('chat'),
      }),
      this.conversations.recordMessages(conversationId, 1, new Date(claim.at)),
    ]).then(() => undefined);
    // The history may already end with this message (stored when its first reply failed): it is the question now.
    const [newest, ...older] = conversation.history;
    const history = newest?.role === 'user' && newest.content === earlier.content ? older : conversation.history;
    return this.reply(
      user,
      { id: conversationId, titled: conversation.titled, history },
      { id: String(earlier._id), content: earlier.content },
      { messageId: claim.messageId, clientMessageId, snapshot },
      sink,
      signal,
      persisted,
      { message: false, conversation: false },
    );
  }

  private async reply(
    user: AuthUser,
    conversation: TurnConversation,
    question: AnsweredMessage,
    turn: { messageId: string; clientMessageId: string; snapshot: FinancialContextResult; ahead?: ReservationAhead },
    sink: TurnSink,
    signal: AbortSignal | undefined,
    persisted: Promise<void>,
    stored: StoredByTurn,
  ): Promise<TurnResult> {
    const { messageId, clientMessageId } = turn;
    const conversationId = conversation.id;
    // A write that fails stops the model at once: a reply that cannot be stored is not worth paying for.
    const writeFailed = new AbortController();
    const written = persisted.then(
      () => null,
      (err: unknown) => {
        writeFailed.abort();
        return err;
      },
    );
    // A reply still streaming past CHAT_REPLY_LOST_AFTER_MS would be taken for one whose instance died (the worker's
    // sweep closes those): it is cut short before then, and kept as stopped with what it had said.
    const deadline = AbortSignal.timeout(Math.floor(this.config.chat.replyLostAfterMs * 0.9));
    const modelSignal = AbortSignal.any([writeFailed.signal, deadline, ...(signal ? [signal] : [])]);
    this.streams
      .open(messageId, { userId: user.id, conversationId, clientMessageId })
      .catch((err: unknown) => this.logger.event('warn', 'chat.stream_open_failed', { messageId, error: err }));
    let seq = 0;
    const deltas = new DeltaCoalescer((delta) => {
      const d = { conversationId, clientMessageId, messageId, delta, seq: seq++ };
      this.streams.delta(messageId, d.seq, delta);
      sink.delta(d);
    });
    let remembering: Promise<void> | null = null;
    try {
      const history = windowHistory(conversation.history, this.config.chat.historyTokens, estimateTokens);
      const { context } = turn.snapshot;
      const { currency, locale } = this.config.locale;
      const language = detectLanguage(question.content);
      const grounding = this.groundingOf(context);
      const system = buildChatSystemPrompt({
        assistantName: this.config.chat.assistantName,
        today: localDateKey(new Date(), context.timeZone),
        timeZone: context.timeZone,
        compactContext: grounding.compact,
        language,
        nonce: fenceNonce(),
      });
      const result = await this.answerer.answer({
        userId: user.id,
        messages: buildChatMessages({
          system,
          history: history.map((m) => ({ role: m.role, content: m.content })),
          userText: question.content,
        }),
        facts: withQuestion(grounding.facts, question.content),
        tools: {
          userId: user.id,
          now: new Date(),
          timeZone: context.timeZone,
          currency,
          locale,
          language: language?.tag === 'bn' ? 'bn' : 'en',
          snapshot: context,
          signal: modelSignal,
        },
        maxOutputTokens: this.config.chat.maxOutputTokens,
        signal: modelSignal,
        ahead: turn.ahead,
        onDelta: (delta) => deltas.push(delta),
        onTool: (tool) => {
          deltas.flush();
          this.streams.tool(messageId, seq - 1, tool);
          sink.tool?.({ conversationId, clientMessageId, messageId, ...tool });
        },
      });
      deltas.flush();
      const writeError = await written;
      if (writeError) throw writeError;
      // The user's own stop (or the deadline) is a stopped reply; a stop caused by a failed write was thrown above.
      const status = result.stopped ? 'stopped' : 'complete';
      // All before the end is told, none waiting on another. The reply was counted in its conversation when its
      // placeholder was stored.
      await Promise.all([
        this.messages.finishAssistant(toObjectId(messageId), {
          status,
          content: result.text,
          ...result.usage,
          tools: result.tools,
          verification: result.verification,
        }),
        (remembering = this.remember(conversationId, question, result.text)),
        !conversation.titled && !result.stopped ? this.requestTitle(conversationId, user.id) : undefined,
      ]);
      const done: TurnResult = {
        conversationId,
        clientMessageId,
        userMessageId: question.id,
        messageId,
        text: result.text,
        status,
        usage: result.usage,
        duplicate: false,
        tools: result.tools,
        verification: result.stopped ? null : result.verification,
      };
      await this.endStream(messageId, { type: 'done', view: chatTurnView(done) });
      return done;
    } catch (err) {
      deltas.flush();
      // A turn that failed before its model call gives back what it reserved.
      await this.llm.release(turn.ahead);
      // remember() never rejects: once started, the history has the turn.
      if (remembering) await remembering;
      const failure = await this.afterFailure(err, await written, user, conversationId, question, turn, {
        ...stored,
        history: remembering !== null,
      });
      if ('answer' in failure) return failure.answer(sink, signal);
      await this.endStream(messageId, {
        type: 'error',
        error: messageError(clientMessageId, toSocketError(failure.error)),
      });
      throw failure.error;
    }
  }

  /**
   * The prompt's compact snapshot and the facts replies are checked against, made once per snapshot: a remembered
   * snapshot is the same object turn after turn (FinancialSnapshotService), so its turns share them.
   */
  private groundingOf(context: FinancialContext): Grounding {
    let grounding = this.grounding.get(context);
    if (!grounding) {
      const { currency, locale } = this.config.locale;
      grounding = { compact: renderCompactContext(context), facts: chatContextFacts(context, { currency, locale }) };
      this.grounding.set(context, grounding);
    }
    return grounding;
  }

  /**
   * Cleans up after a reply that did not complete, once its writes have settled, and says what the caller is told:
   * a spending cap reached by a parallel turn leaves nothing behind; a message another delivery had stored is
   * answered from there; otherwise the reply is closed as failed.
   */
  private async afterFailure(
    err: unknown,
    writeError: unknown,
    user: AuthUser,
    conversationId: string,
    question: AnsweredMessage,
    turn: { messageId: string; clientMessageId: string },
    stored: StoredByTurn,
  ): Promise<
    { error: unknown } | { answer: (sink: TurnSink, signal: AbortSignal | undefined) => Promise<TurnResult> }
  > {
    const ids: [Types.ObjectId, Types.ObjectId] = [toObjectId(turn.messageId), toObjectId(question.id)];
    if (writeError instanceof AlreadyStored) {
      // The ordered write stored neither message (storeTurnStart took back the count it raised); a conversation
      // this turn created is removed.
      if (stored.conversation) {
        await this.conversations.delete(conversationId, user.id).catch(() => undefined);
        await this.cache.forget(conversationId).catch(() => undefined);
      }
      await this.claims.release(user.id, turn.clientMessageId).catch(() => undefined);
      const earlier = writeError.message_;
      return {
        answer: async (sink, signal) =>
          (await this.resend(earlier, turn.clientMessageId, sink)) ??
          this.answerAgain(user, earlier, turn.clientMessageId, sink, signal),
      };
    }
    if (err instanceof SpendingCapError) {
      await this.discardTurn(user.id, conversationId, ids, stored);
      if (stored.message) await this.claims.release(user.id, turn.clientMessageId).catch(() => undefined);
      return { error: spendingCapRefusal(err) };
    }
    if (writeError) {
      // The message may not be stored: the client may send it again.
      await this.failReply(ids[0], 'Could not store the message');
      if (stored.message) await this.claims.release(user.id, turn.clientMessageId).catch(() => undefined);
      return { error: writeError };
    }
    await this.failReply(ids[0], err instanceof LlmError ? err.message : 'Reply failed');
    if (!stored.history) await this.remember(conversationId, question, '');
    return { error: err instanceof LlmError ? llmFailureToHttp(err) : err };
  }

  /** The turn's messages join the cached history as MongoDB holds them (a failed reply has nothing to resend). */
  private async remember(conversationId: string, question: AnsweredMessage, replyText: string): Promise<void> {
    const entries: HistoryEntry[] = [{ role: 'user', content: question.content }];
    if (replyText) entries.push({ role: 'assistant', content: replyText });
    await this.cache
      .append(conversationId, entries)
      .catch((err: unknown) => this.logger.event('warn', 'chat.history_cache_failed', { conversationId, error: err }));
  }

  private async endStream(messageId: string, event: Parameters<ReplyStreams['finish']>[1]): Promise<void> {
    await this.streams
      .finish(messageId, event)
      .catch((err: unknown) => this.logger.event('warn', 'chat.stream_finish_failed', { messageId, error: err }));
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
        await this.cache.forget(conversationId);
        return;
      }
      await this.messages.discard(stored.message ? [replyId, messageId] : [replyId]);
      // The epoch leaves lastMessageAt (a $max) as it was.
      await this.conversations.recordMessages(conversationId, stored.message ? -TURN_MESSAGES : -1, new Date(0));
    } catch {
      await this.failReply(replyId, 'Reply was refused');
    }
  }

  /** Best effort: the caller is already reporting an error, which this must not replace. */
  private async failReply(messageId: Types.ObjectId, reason: string): Promise<void> {
    await this.messages
      .finishAssistant(messageId, { status: 'failed', content: '', inputTokens: 0, outputTokens: 0, error: reason })
      .catch(() => false);
  }

  /** Naming is best effort: a queue hiccup must not fail the user's answer. */
  private async requestTitle(conversationId: string, userId: string): Promise<void> {
    try {
      await this.titles.add('title', { conversationId, userId }, { jobId: jobIds.title(conversationId) });
      await this.cache.markTitled(conversationId);
    } catch (err) {
      this.logger.event('warn', 'chat.title_enqueue_failed', { conversationId, error: err });
    }
  }
}

/** Figures the user wrote (a what-if's "£100 more") are theirs to have repeated back, not invented by the model. */
function withQuestion(sheet: FactSheet, question: string): FactSheet {
  return {
    ...sheet,
    facts: [...sheet.facts, { key: 'question', label: "The user's message", value: null, unit: null, text: question }],
  };
}

/**
 * 12 random hex digits for the data block's fences, from a v4 UUID's random part: node serves those from a buffered
 * pool, where randomBytes asks the system for 6 bytes on every turn.
 */
function fenceNonce(): string {
  const uuid = randomUUID();
  return uuid.slice(0, 8) + uuid.slice(9, 13);
}

function notFound(): NotFoundException {
  return new NotFoundException({ code: 'not_found', message: 'Conversation not found' });
}
