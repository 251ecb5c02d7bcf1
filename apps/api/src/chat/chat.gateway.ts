import { BadRequestException } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { Socket } from 'socket.io';
import { AuthError, authErrorToHttp, AuthService, AuthUser } from '@app/auth';
import { AppLogger } from '@app/logging';
import { userRoom } from '@app/queue';
import { ChatLimitsService } from './chat-limits.service';
import { ChatService } from './chat.service';
import { SendMessageDto, StopMessageDto } from './dto/send-message.dto';
import { SocketError, toSocketError } from './socket-error';

type Ack<T> = { ok: true } & T;
type Refusal = { ok: false; error: SocketError };

interface InFlight {
  controller: AbortController;
  conversationId: string | null;
}

async function validated<T extends object>(cls: new () => T, payload: unknown): Promise<T> {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new BadRequestException({ code: 'validation_failed', message: 'Payload must be an object' });
  }
  const dto = plainToInstance(cls, payload);
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) {
    const messages = errors.flatMap((e) => Object.values(e.constraints ?? {}));
    throw new BadRequestException({ code: 'validation_failed', message: messages });
  }
  return dto;
}

/**
 * Chat over Socket.IO (namespace /chat). `message:send` is acknowledged as soon as the message is stored
 * (with the conversation id), then the reply streams as `message:delta` and ends with `message:done` or
 * `message:error`. Handshake authentication is applied to every namespace by the RealtimeIoAdapter.
 */
@WebSocketGateway({ namespace: '/chat' })
export class ChatGateway implements OnGatewayConnection, OnGatewayDisconnect {
  private readonly inFlight = new WeakMap<Socket, Map<string, InFlight>>();

  constructor(
    private readonly chat: ChatService,
    private readonly limits: ChatLimitsService,
    private readonly auth: AuthService,
    private readonly logger: AppLogger,
  ) {}

  handleConnection(socket: Socket): void {
    void socket.join(userRoom((socket.data.user as AuthUser).id));
    this.inFlight.set(socket, new Map());
  }

  /** A client that goes away stops paying for its reply; the partial text is kept as stopped. */
  handleDisconnect(socket: Socket): void {
    for (const f of this.inFlight.get(socket)?.values() ?? []) f.controller.abort();
  }

  @SubscribeMessage('message:send')
  async send(
    @ConnectedSocket() socket: Socket,
    @MessageBody() payload: unknown,
  ): Promise<
    | Ack<{
        conversationId: string | null;
        clientMessageId: string;
        userMessageId: string | null;
        created: boolean;
        duplicate: boolean;
      }>
    | Refusal
  > {
    const user = socket.data.user as AuthUser;
    const clientMessageId = (payload as { clientMessageId?: unknown })?.clientMessageId;
    const refuse = (err: unknown): Refusal => {
      const error = toSocketError(err);
      socket.emit('message:error', {
        clientMessageId: typeof clientMessageId === 'string' ? clientMessageId : null,
        ...error,
      });
      return { ok: false, error };
    };

    let dto: SendMessageDto;
    try {
      await this.stillAllowed(socket);
      dto = await validated(SendMessageDto, payload);
      if (!dto.clientMessageId)
        throw new BadRequestException({ code: 'validation_failed', message: 'clientMessageId is required' });
      await this.limits.admit(user.id);
    } catch (err) {
      return refuse(err);
    }

    const cmid = dto.clientMessageId as string;
    const sockets = this.inFlight.get(socket)!;
    const running = sockets.get(cmid);
    // The same message resent on this socket while its reply streams: the running reply answers it.
    if (running)
      return {
        ok: true,
        conversationId: running.conversationId,
        clientMessageId: cmid,
        userMessageId: null,
        created: false,
        duplicate: true,
      };
    const flight: InFlight = { controller: new AbortController(), conversationId: dto.conversationId ?? null };
    sockets.set(cmid, flight);

    return new Promise((resolveAck) => {
      let acknowledged = false;
      this.chat
        .turn(
          user,
          { conversationId: dto.conversationId, text: dto.text, clientMessageId: cmid },
          {
            accepted: (info) => {
              flight.conversationId = info.conversationId;
              acknowledged = true;
              resolveAck({ ok: true, ...info });
            },
            delta: (d) => socket.emit('message:delta', d),
          },
          flight.controller.signal,
        )
        .then(async (result) => {
          if (result.status === 'in_progress') return;
          socket.emit('message:done', {
            conversationId: result.conversationId,
            clientMessageId: result.clientMessageId,
            messageId: result.messageId,
            text: result.text,
            status: result.status,
            usage: result.usage,
            duplicate: result.duplicate,
          });
          if (!result.duplicate) await this.spend(user.id, result.usage.inputTokens + result.usage.outputTokens);
        })
        .catch((err: unknown) => {
          if (toSocketError(err).status >= 500)
            this.logger.event('warn', 'chat.turn_failed', { userId: user.id, error: err });
          const refusal = refuse(err);
          if (!acknowledged) resolveAck(refusal);
        })
        .finally(() => sockets.delete(cmid));
    });
  }

  /**
   * The handshake's check can go stale on a long-lived socket: an expired token or a user blocked since
   * gets a refusal and the connection is closed after it is sent.
   */
  private async stillAllowed(socket: Socket): Promise<void> {
    try {
      await this.auth.recheck(socket.data.user as AuthUser);
    } catch (err) {
      if (err instanceof AuthError) setImmediate(() => socket.disconnect(true));
      throw err instanceof AuthError ? authErrorToHttp(err) : err;
    }
  }

  /** The reply is already delivered: a failure to count its tokens is logged, not shown as an error. */
  private async spend(userId: string, tokens: number): Promise<void> {
    await this.limits
      .spend(userId, tokens)
      .catch((err: unknown) => this.logger.event('warn', 'chat.token_accounting_failed', { userId, error: err }));
  }

  @SubscribeMessage('message:stop')
  async stop(
    @ConnectedSocket() socket: Socket,
    @MessageBody() payload: unknown,
  ): Promise<Ack<{ stopped: number }> | Refusal> {
    let dto: StopMessageDto;
    try {
      dto = await validated(StopMessageDto, payload);
      if (!dto.clientMessageId && !dto.conversationId) {
        throw new BadRequestException({
          code: 'validation_failed',
          message: 'clientMessageId or conversationId is required',
        });
      }
    } catch (err) {
      return { ok: false, error: toSocketError(err) };
    }
    let stopped = 0;
    for (const [cmid, f] of this.inFlight.get(socket) ?? []) {
      if (cmid === dto.clientMessageId || (dto.conversationId && f.conversationId === dto.conversationId)) {
        f.controller.abort();
        stopped++;
      }
    }
    return { ok: true, stopped };
  }
}
