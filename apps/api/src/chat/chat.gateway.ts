import { UseFilters } from '@nestjs/common';
import {
  Ack,
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { Socket } from 'socket.io';
import { AuthUser } from '@app/auth';
import { AppLogger } from '@app/logging';
import { userRoom } from '@app/queue';
import { createValidationPipe, TRANSPORT } from '../common/validation';
import { SocketSessions } from '../realtime/socket-sessions';
import { ChatLimitsService } from './chat-limits.service';
import { chatTurnView } from './chat-turn-view';
import { ChatService, TurnSink } from './chat.service';
import { SendMessageDto, StopMessageDto } from './dto/send-message.dto';
import { toSocketError } from './socket-error';
import { messageError, SocketRefusalFilter } from './socket-refusal.filter';

/** The acknowledgement of `message:send`; a resend whose reply is still streaming has no ids of its own yet. */
type SendAck = { ok: true; conversationId: string | null; userMessageId: string | null } & Omit<
  Parameters<TurnSink['accepted']>[0],
  'conversationId' | 'userMessageId'
>;

interface InFlight {
  controller: AbortController;
  conversationId: string | null;
}

const socketPayload = createValidationPipe(TRANSPORT.socket);

/**
 * Chat over Socket.IO (namespace /chat). `message:send` is acknowledged as soon as the message is stored
 * (with the conversation id), then the reply streams as `message:delta` and ends with `message:done` or
 * `message:error`. Payloads go through the same ValidationPipe and DTOs as HTTP; a refusal before the
 * acknowledgement is answered by SocketRefusalFilter. Handshake authentication is applied to every namespace by
 * the RealtimeIoAdapter; SocketSessions keeps it current for as long as the socket is open.
 */
@WebSocketGateway({ namespace: '/chat' })
@UseFilters(SocketRefusalFilter)
export class ChatGateway implements OnGatewayConnection, OnGatewayDisconnect {
  private readonly inFlight = new WeakMap<Socket, Map<string, InFlight>>();

  constructor(
    private readonly chat: ChatService,
    private readonly limits: ChatLimitsService,
    private readonly sessions: SocketSessions,
    private readonly logger: AppLogger,
  ) {}

  handleConnection(socket: Socket): void {
    // Every event is rechecked there (a blocked user or an expired token closes the socket), before any handler.
    this.sessions.track(socket);
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
    @MessageBody(socketPayload) dto: SendMessageDto,
    @Ack() ack?: (answer: SendAck) => void,
  ): Promise<void> {
    const user = socket.data.user as AuthUser;
    await this.limits.admit(user.id);

    // Required on sockets by the DTO's validation group.
    const cmid = dto.clientMessageId as string;
    const sockets = this.inFlight.get(socket)!;
    const running = sockets.get(cmid);
    // The same message resent on this socket while its reply streams: the running reply answers it.
    if (running) {
      ack?.({
        ok: true,
        conversationId: running.conversationId,
        clientMessageId: cmid,
        userMessageId: null,
        created: false,
        duplicate: true,
      });
      return;
    }
    const flight: InFlight = { controller: new AbortController(), conversationId: dto.conversationId ?? null };
    sockets.set(cmid, flight);

    let acknowledged = false;
    try {
      const result = await this.chat.turn(
        user,
        { conversationId: dto.conversationId, text: dto.text, clientMessageId: cmid },
        {
          accepted: (info) => {
            flight.conversationId = info.conversationId;
            acknowledged = true;
            ack?.({ ok: true, ...info });
          },
          delta: (d) => socket.emit('message:delta', d),
        },
        flight.controller.signal,
      );
      if (result.status === 'in_progress') return;
      socket.emit('message:done', chatTurnView(result));
    } catch (err) {
      // Before the acknowledgement, SocketRefusalFilter refuses the message; after it, only its outcome is told.
      if (!acknowledged) throw err;
      const error = toSocketError(err);
      if (error.status >= 500) this.logger.event('warn', 'chat.turn_failed', { userId: user.id, error: err });
      socket.emit('message:error', messageError(cmid, error));
    } finally {
      sockets.delete(cmid);
    }
  }

  @SubscribeMessage('message:stop')
  stop(
    @ConnectedSocket() socket: Socket,
    @MessageBody(socketPayload) dto: StopMessageDto,
  ): { ok: true; stopped: number } {
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
