import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { AuthError, AuthService, AuthUser } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AppLogger } from '@app/logging';
import { LiveSessions, type SessionRefusal } from './live-sessions';

/** Told to a socket just before the server closes it: `{ status, code, message }`, the codes of HTTP. */
export const SESSION_ENDED = 'session:ended';

/**
 * Keeps every authenticated socket, on every namespace, as allowed as the handshake that opened it:
 * - each client event is checked first (expiry, then the account through AuthService's short cache);
 * - one timer per app rereads the accounts of every connected user together (one query per batch of users, not
 *   one per socket) every half USER_CACHE_TTL_MS, so a blocked or deleted user's sockets close within that TTL;
 * - each socket closes when its token expires.
 * A closed socket is told why (`session:ended`) and stops receiving the user's events.
 */
@Injectable()
export class SocketSessions implements OnApplicationShutdown {
  private readonly live: LiveSessions<Socket>;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly auth: AuthService,
    private readonly logger: AppLogger,
  ) {
    this.live = new LiveSessions(config, auth, logger, 'socket', (socket, userId, refusal) =>
      this.end(socket, userId, refusal),
    );
  }

  /** Call from each gateway's handleConnection: the socket has passed the handshake's authentication. */
  track(socket: Socket): void {
    const user = socket.data.user as AuthUser;
    if (!socket.connected) return; // gone before its gateway saw it: 'disconnect' will not come again
    socket.once('disconnect', () => this.live.untrack(socket, user.id));
    socket.use((event, next) => this.checkEvent(socket, user, event, next));
    this.live.track(socket, user.id, user.tokenExpiresAt);
  }

  onApplicationShutdown(): void {
    this.live.shutdown();
  }

  /**
   * A refused event is not handled: its acknowledgement (if any) says why and the socket is closed. When the account
   * cannot be read at all (an outage), the event goes on under the handshake's check, as the socket itself stays:
   * every handler that touches data needs the same database and answers the outage itself, as HTTP does.
   */
  private checkEvent(socket: Socket, user: AuthUser, event: unknown[], next: (err?: Error) => void): void {
    this.auth.recheck(user).then(
      () => next(),
      (err: unknown) => {
        if (!(err instanceof AuthError)) return next();
        const refusal: SessionRefusal = { status: err.status, code: err.code, message: err.message };
        const ack = event[event.length - 1];
        if (typeof ack === 'function') (ack as (answer: unknown) => void)({ ok: false, error: refusal });
        this.end(socket, user.id, refusal);
      },
    );
  }

  private end(socket: Socket, userId: string, refusal: SessionRefusal): void {
    if (!socket.connected) return;
    this.logger.event('info', 'socket.session_ended', { userId, nsp: socket.nsp.name, code: refusal.code });
    socket.emit(SESSION_ENDED, refusal);
    // Only this namespace's socket: another namespace on the same connection has a handshake of its own.
    socket.disconnect();
  }
}
