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
import { TooManyRequestsException } from '../limits/too-many-requests.exception';
import { SocketSessions } from '../realtime/socket-sessions';
import { ChatLimitsService } from './chat-limits.service';
import { chatTurnView } from './chat-turn-view';
import { ChatService, TurnSink } from './chat.service';
import { ResumeReplyDto } from './dto/resume-reply.dto';
import { SendMessageDto, StopMessageDto } from './dto/send-message.dto';
import { followReply, toTransportEvent } from './reply-events';
import { ReplyStreams } from './reply-streams';
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
  messageId: string | null;
}

const socketPayload = createValidationPipe(TRANSPORT.socket);

/** Replies one socket may follow at once: each holds a place in the shared follower loop until its reply ends. */
const MAX_FOLLOWS_PER_SOCKET = 8;

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
  private readonly follows = new WeakMap<Socket, Set<AbortController>>();

  constructor(
    private readonly chat: ChatService,
    private readonly limits: ChatLimitsService,
    private readonly sessions: SocketSessions,
    private readonly logger: AppLogger,
    private readonly streams: ReplyStreams,
  ) {}

  handleConnection(socket: Socket): void {
    // Every event is rechecked there (a blocked user or an expired token closes the socket), before any handler.
    this.sessions.track(socket);
    void socket.join(userRoom((socket.data.user as AuthUser).id));
    this.inFlight.set(socket, new Map());
    this.follows.set(socket, new Set());
  }

  /**
   * A reply outlives the socket that asked for it: it is finished and stored, and a reconnecting client (on any
   * instance) resumes it with `message:resume`. `message:stop` is how a client stops paying for one. What the
   * socket was following, it stops following.
   */
  handleDisconnect(socket: Socket): void {
    for (const follow of this.follows.get(socket) ?? []) follow.abort();
  }

  @SubscribeMessage('message:send')
  async send(
    @ConnectedSocket() socket: Socket,
    @MessageBody(socketPayload) dto: SendMessageDto,
    @Ack() ack?: (answer: SendAck) => void,
  ): Promise<void> {
    const user = socket.data.user as AuthUser;
    // Waited on by the turn, alongside its own first reads.
    const admission = this.limits.admit(user.id);

    // Required on sockets by the DTO's validation group.
    const cmid = dto.clientMessageId as string;
    const sockets = this.inFlight.get(socket)!;
    const running = sockets.get(cmid);
    // The same message resent on this socket while its reply streams: the running reply answers it.
    if (running) {
      await admission;
      ack?.({
        ok: true,
        conversationId: running.conversationId,
        clientMessageId: cmid,
        userMessageId: null,
        messageId: running.messageId,
        created: false,
        duplicate: true,
      });
      return;
    }
    const flight: InFlight = {
      controller: new AbortController(),
      conversationId: dto.conversationId ?? null,
      messageId: null,
    };
    sockets.set(cmid, flight);

    let acknowledged = false;
    try {
      const result = await this.chat.turn(
        user,
        { conversationId: dto.conversationId, text: dto.text, clientMessageId: cmid },
        {
          accepted: (info) => {
            flight.conversationId = info.conversationId;
            flight.messageId = info.messageId;
            acknowledged = true;
            ack?.({ ok: true, ...info });
          },
          delta: (d) => socket.emit('message:delta', d),
          tool: (t) => socket.emit('message:tool', t),
        },
        flight.controller.signal,
        admission,
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

  /**
   * Follows a reply from any api instance: the deltas after `afterSeq` (all with -1), then the live rest, then
   * `message:done` or `message:error`, as the socket that sent the message gets them. For a client that reconnected
   * mid-reply, or a second tab. Acknowledged `{ ok, messageId, conversationId, clientMessageId, truncated }` first;
   * another user's reply, or one that ended more than CHAT_STREAM_TTL_S ago, is 404 `not_found`.
   */
  @SubscribeMessage('message:resume')
  async resume(
    @ConnectedSocket() socket: Socket,
    @MessageBody(socketPayload) dto: ResumeReplyDto,
    @Ack() ack?: (answer: object) => void,
  ): Promise<void> {
    const user = socket.data.user as AuthUser;
    const follows = this.follows.get(socket)!;
    if (follows.size >= MAX_FOLLOWS_PER_SOCKET) {
      throw new TooManyRequestsException(1000, 'too_many_follows', 'This socket already follows too many replies');
    }
    const controller = new AbortController();
    follows.add(controller);
    try {
      const follow = await followReply(this.streams, user, dto.messageId, dto.afterSeq ?? -1, controller.signal);
      ack?.({ ok: true, ...follow.meta, truncated: follow.truncated });
      for await (const e of follow.events) {
        const out = toTransportEvent(follow, e);
        socket.emit(out.event, out.data);
      }
    } finally {
      follows.delete(controller);
    }
  }
}
