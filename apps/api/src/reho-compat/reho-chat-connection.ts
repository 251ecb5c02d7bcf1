import { randomUUID } from 'node:crypto';
import { ConflictException } from '@nestjs/common';
import { WebSocket, type RawData } from 'ws';
import { AuthError, AuthService, AuthUser } from '@app/auth';
import { AppLogger } from '@app/logging';
import { ChatLimitsService } from '../chat/chat-limits.service';
import { ChatService, TurnResult, TurnSink } from '../chat/chat.service';
import { SendMessageDto } from '../chat/dto/send-message.dto';
import { followReply } from '../chat/reply-events';
import { ReplyStreams } from '../chat/reply-streams';
import { SocketError, toSocketError } from '../chat/socket-error';
import { createValidationPipe, TRANSPORT } from '../common/validation';
import { DONE, errorFrame, InFrame, OutFrame, readFrame } from './reho-frames';

/**
 * Messages a connection holds while it answers one: Reho answered a connection's messages one at a time, in order,
 * and so do we. A client that sends more than this many ahead has them refused.
 */
export const MAX_WAITING = 8;
/** Refusals in a row while the backlog is full after which the sender is taken for a flood and disconnected. */
const FLOOD_REFUSALS = 32;

/** WebSocket close codes the protocol uses. */
export const CLOSE = { goingAway: 1001, policy: 1008, internal: 1011 } as const;

export interface RehoChatDeps {
  chat: ChatService;
  limits: ChatLimitsService;
  auth: AuthService;
  streams: ReplyStreams;
  logger: AppLogger;
  maxMessageChars: number;
}

const payloadPipe = createValidationPipe(TRANSPORT.socket);

/**
 * One Reho client on /chat/ws. Every message is one ChatService turn, exactly as on the other transports: the
 * account re-checked, ChatLimitsService (rate limit, spending cap), then the turn (clientMessageId de-duplication,
 * validation, resumable stream). Frames that arrive during the handshake wait for it; answers go out in order.
 */
export class RehoChatConnection {
  private user: AuthUser | null = null;
  private conversationId: string | null = null;
  private readonly waiting: InFrame[] = [];
  private answering = false;
  private refusedInARow = 0;
  /** Stops following a reply another delivery is writing once the client has gone. */
  private readonly gone = new AbortController();

  constructor(
    private readonly ws: WebSocket,
    private readonly deps: RehoChatDeps,
  ) {
    ws.on('message', (data: RawData, isBinary: boolean) => this.receive(data, isBinary));
    ws.once('close', () => this.gone.abort());
  }

  get userId(): string | null {
    return this.user?.id ?? null;
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** The handshake passed: answer what has arrived, and what will. */
  start(user: AuthUser, conversationId: string | null): void {
    this.user = user;
    this.conversationId = conversationId;
    void this.answerWaiting();
  }

  /** A conversation was named: this client hears of its own conversation only, as Reho's did. */
  titled(conversationId: string, title: string): void {
    if (conversationId === this.conversationId) this.send({ type: 'title', data: title });
  }

  /**
   * The token or the account no longer allows this connection (or never did): told as Reho told a refused handshake,
   * `{ error: "Authentication failed: ..." }`, then closed with 1008.
   */
  refuse(refusal: { status: number; code: string; message: string }): void {
    if (!this.open) return;
    this.sendRaw({ error: `Authentication failed: ${refusal.message}`, status: refusal.status, code: refusal.code });
    this.ws.close(CLOSE.policy, refusal.code);
  }

  /** Something other than the client failed before the connection could be used. */
  fail(code: string, message: string): void {
    if (!this.open) return;
    this.sendRaw({ error: message, status: 503, code });
    this.ws.close(CLOSE.internal, code);
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)
      this.ws.close(code, reason);
  }

  private receive(data: RawData, isBinary: boolean): void {
    const frame = readFrame(data, isBinary, this.deps.maxMessageChars);
    if (frame.kind === 'blank') return;
    if (this.waiting.length < MAX_WAITING) {
      this.waiting.push(frame);
      void this.answerWaiting();
      return;
    }
    // Told at once, out of turn: holding it would make the backlog unbounded.
    const cmid = typeof frame.clientMessageId === 'string' ? frame.clientMessageId : null;
    this.send(
      errorFrame(
        { status: 429, code: 'too_many_waiting', message: `Wait for an answer: ${MAX_WAITING} messages are waiting` },
        cmid,
      ),
    );
    if (++this.refusedInARow >= FLOOD_REFUSALS) this.close(CLOSE.policy, 'too_many_waiting');
  }

  private async answerWaiting(): Promise<void> {
    if (this.answering || !this.user) return;
    this.answering = true;
    try {
      for (let frame = this.waiting.shift(); frame && this.open; frame = this.waiting.shift()) {
        if (frame.kind === 'refused') this.answerRefusal(frame.error, frame.clientMessageId);
        else if (frame.kind === 'message') await this.answer(this.user, frame.text, frame.clientMessageId);
        if (this.waiting.length === 0) this.refusedInARow = 0;
      }
    } catch (err) {
      // Every answer handles its own failures; anything else is a bug, which costs this connection, not the process.
      this.deps.logger.event('error', 'reho.connection_failed', { userId: this.user.id, error: err });
      this.close(CLOSE.internal, 'internal_error');
    } finally {
      this.answering = false;
    }
  }

  private answerRefusal(error: SocketError, clientMessageId: unknown): void {
    this.send(errorFrame(error, typeof clientMessageId === 'string' ? clientMessageId : null));
    this.send(DONE);
  }

  private async answer(user: AuthUser, text: string, clientMessageId: unknown): Promise<void> {
    let cmid = typeof clientMessageId === 'string' ? clientMessageId : null;
    try {
      // As every socket event is: the token may have expired and the account been blocked since the handshake.
      // While the account cannot be read at all, the message goes on under the handshake's check.
      const refusal = await this.deps.auth.recheck(user).then(
        () => null,
        (err: unknown) => (err instanceof AuthError ? err : null),
      );
      if (refusal) return this.refuse(refusal);
      const dto = (await payloadPipe.transform(
        { text, clientMessageId: clientMessageId ?? `reho-${randomUUID()}` },
        { type: 'body', metatype: SendMessageDto },
      )) as SendMessageDto;
      cmid = dto.clientMessageId!;
      const result = await this.deps.chat.turn(
        user,
        { conversationId: this.conversationId ?? undefined, text: dto.text, clientMessageId: cmid },
        this.sink(),
        undefined,
        this.deps.limits.admit(user.id),
      );
      await this.deliverResend(user, result);
      this.send(DONE);
    } catch (err) {
      const error = toSocketError(err);
      if (error.status >= 500) this.deps.logger.event('warn', 'reho.chat_turn_failed', { userId: user.id, error: err });
      this.answerRefusal(error, cmid);
    }
  }

  private sink(): TurnSink {
    return {
      accepted: (info) => {
        if (info.conversationId === this.conversationId) return;
        this.conversationId = info.conversationId;
        this.send({ type: 'conversation_id', data: info.conversationId });
      },
      delta: (d) => this.send({ type: 'stream', data: d.delta }),
    };
  }

  /**
   * A message sent again with the same clientMessageId is not answered twice: its stored reply is sent whole, or,
   * while another delivery is still writing it, followed from its resumable stream.
   */
  private async deliverResend(user: AuthUser, result: TurnResult): Promise<void> {
    if (result.status !== 'in_progress') {
      if (result.duplicate && result.text) this.send({ type: 'stream', data: result.text });
      return;
    }
    if (!result.messageId) {
      throw new ConflictException({ code: 'in_progress', message: 'This message is still being answered' });
    }
    const follow = await followReply(this.deps.streams, user, result.messageId, -1, this.gone.signal);
    for await (const e of follow.events) {
      if (e.type === 'delta') this.send({ type: 'stream', data: e.delta });
      else if (e.type === 'error') this.send(errorFrame(e.error as SocketError, result.clientMessageId));
      else if (e.type === 'lost')
        this.send(
          errorFrame(
            {
              status: 503,
              code: 'reply_interrupted',
              message: 'The reply was interrupted; send the message again to have it answered',
            },
            result.clientMessageId,
          ),
        );
    }
  }

  private send(frame: OutFrame): void {
    this.sendRaw(frame);
  }

  /** A reply outlives its connection (it is finished and stored): a closed one is simply no longer written to. */
  private sendRaw(body: object): void {
    if (this.open) this.ws.send(JSON.stringify(body));
  }
}
