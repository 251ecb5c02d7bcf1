import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WebSocket, WebSocketServer } from 'ws';
import { AuthError, AuthService, AuthUser } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { isObjectIdHex } from '@app/database';
import { AppLogger } from '@app/logging';
import { ChatLimitsService } from '../chat/chat-limits.service';
import { ChatService } from '../chat/chat.service';
import { ConversationCache } from '../chat/conversation-cache';
import { ReplyStreams } from '../chat/reply-streams';
import { CLOSE, RehoChatConnection, RehoChatDeps } from './reho-chat-connection';
import { RehoSessions } from './reho-sessions';
import { UserEventSubscriber } from './user-event-subscriber';

/** Where Reho clients open their chat. */
export const REHO_CHAT_PATH = '/chat/ws';
/** Connections that answer no ping within this long are dropped (proxies and phones lose them silently). */
const HEARTBEAT_MS = 30_000;
/** How long connections get to close on shutdown before they are cut. */
const SHUTDOWN_GRACE_MS = 1000;

/**
 * The Reho chat WebSocket (`/chat/ws?token=...&conversation_id=...`), a plain WebSocket on the api's own HTTP
 * server beside Socket.IO: only upgrades to this path are taken; Socket.IO's own (`/socket.io/`) are left to it.
 * Like Reho, the upgrade is accepted first and the token checked after: a refusal is a frame the client can read,
 * `{ error }`, then close code 1008.
 */
@Injectable()
export class RehoChatServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private wss: WebSocketServer | null = null;
  private server: Server | null = null;
  private readonly connections = new Map<WebSocket, RehoChatConnection>();
  private readonly alive = new WeakSet<WebSocket>();
  private heartbeat: NodeJS.Timeout | null = null;
  private closing = false;
  private readonly deps: RehoChatDeps;
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly auth: AuthService,
    private readonly cache: ConversationCache,
    private readonly events: UserEventSubscriber,
    private readonly sessions: RehoSessions,
    private readonly logger: AppLogger,
    chat: ChatService,
    limits: ChatLimitsService,
    streams: ReplyStreams,
  ) {
    this.deps = { chat, limits, auth, streams, logger, maxMessageChars: config.chat.maxMessageChars };
  }

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server) return;
    this.server = server;
    this.wss = new WebSocketServer({
      noServer: true,
      // The hard ceiling, closed with 1009 by ws itself; a message over CHAT_MAX_MESSAGE_CHARS but under this gets
      // an error frame. Four bytes a character covers any text, plus room for a JSON frame's wrapping.
      maxPayload: Math.max(256 * 1024, this.config.chat.maxMessageChars * 4 + 4096),
      perMessageDeflate: false,
    });
    server.on('upgrade', this.onUpgrade);
    this.heartbeat = setInterval(() => this.ping(), HEARTBEAT_MS).unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    this.server?.off('upgrade', this.onUpgrade);
    if (this.heartbeat) clearInterval(this.heartbeat);
    const sockets = [...this.connections.keys()];
    for (const conn of this.connections.values()) conn.close(CLOSE.goingAway, 'server_shutdown');
    await Promise.race([
      Promise.all(
        sockets.map(
          (ws) =>
            new Promise((resolve) => (ws.readyState === WebSocket.CLOSED ? resolve(null) : ws.once('close', resolve))),
        ),
      ),
      new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref()),
    ]);
    for (const ws of sockets) ws.terminate();
    this.wss?.close();
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (pathOf(req) !== REHO_CHAT_PATH) return;
    if (this.closing || !this.wss) {
      socket.destroy();
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.accept(ws, req).catch((err: unknown) => {
        this.logger.event('error', 'reho.accept_failed', { error: err });
        ws.terminate();
      });
    });
  }

  private async accept(ws: WebSocket, req: IncomingMessage): Promise<void> {
    // Protocol errors (a frame over maxPayload, bad framing) close the connection with their own code; nothing to add.
    ws.on('error', () => undefined);
    const conn = new RehoChatConnection(ws, this.deps);
    this.connections.set(ws, conn);
    this.alive.add(ws);
    ws.on('pong', () => this.alive.add(ws));
    let stopListening: (() => void) | undefined;
    ws.once('close', () => {
      this.connections.delete(ws);
      this.sessions.untrack(conn);
      stopListening?.();
    });

    // Never logged: the query carries the token.
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    let user: AuthUser;
    let conversationId: string | null;
    try {
      user = await this.auth.authenticateToken(query.get('token'));
      conversationId = await this.ownConversation(query.get('conversation_id'), user.id);
    } catch (err) {
      if (err instanceof AuthError) return conn.refuse(err);
      this.logger.event('warn', 'reho.handshake_failed', { error: err });
      return conn.fail('unavailable', 'Service temporarily unavailable');
    }
    try {
      stopListening = await this.events.listen(user.id, (e) => {
        if (e.event === 'conversation:title') conn.titled(e.payload.conversationId, e.payload.title);
      });
    } catch (err) {
      // Chat works without it; only the title frame is missed, as a Socket.IO client misses it during a Redis blip.
      this.logger.event('warn', 'reho.title_events_unavailable', { userId: user.id, error: err });
    }
    if (!conn.open) return stopListening?.();
    this.sessions.track(conn, user);
    conn.start(user, conversationId);
  }

  /**
   * The conversation a client asked to continue, if it is this user's. Any other id (Reho's own ids, a deleted or
   * someone else's conversation) starts a new one, whose id the client gets in the `conversation_id` frame.
   */
  private async ownConversation(raw: string | null, userId: string): Promise<string | null> {
    if (!isObjectIdHex(raw)) return null;
    const id = raw.toLowerCase();
    return (await this.cache.get(id, userId)) ? id : null;
  }

  private ping(): void {
    for (const ws of this.connections.keys()) {
      if (!this.alive.has(ws)) {
        ws.terminate();
        continue;
      }
      this.alive.delete(ws);
      ws.ping();
    }
  }
}

function pathOf(req: IncomingMessage): string | null {
  try {
    return new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '') || '/';
  } catch {
    return null;
  }
}
