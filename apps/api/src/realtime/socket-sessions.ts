import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { AuthError, AuthService, AuthUser } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AppLogger } from '@app/logging';

/** Told to a socket just before the server closes it: `{ status, code, message }`, the codes of HTTP. */
export const SESSION_ENDED = 'session:ended';

/** The longest delay setTimeout honours; a later expiry is reached in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Floor of the sweep period, so a tiny cache TTL does not become a busy loop. */
const MIN_SWEEP_MS = 50;
/** Sweep period when the account cache is off (USER_CACHE_TTL_MS=0). */
const UNCACHED_SWEEP_MS = 1000;

type Refusal = { status: number; code: string; message: string };

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
  private readonly byUser = new Map<string, Set<Socket>>();
  private readonly expiryTimers = new Map<Socket, NodeJS.Timeout>();
  private sweepTimer: NodeJS.Timeout | null = null;
  private sweeping = false;
  private sweepFailing = false;
  readonly sweepMs: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly auth: AuthService,
    private readonly logger: AppLogger,
  ) {
    const ttl = config.auth.userCacheTtlMs;
    this.sweepMs = ttl > 0 ? Math.max(MIN_SWEEP_MS, Math.floor(ttl / 2)) : UNCACHED_SWEEP_MS;
  }

  /** Call from each gateway's handleConnection: the socket has passed the handshake's authentication. */
  track(socket: Socket): void {
    const user = socket.data.user as AuthUser;
    if (!socket.connected) return; // gone before its gateway saw it: 'disconnect' will not come again
    let sockets = this.byUser.get(user.id);
    if (!sockets) this.byUser.set(user.id, (sockets = new Set()));
    sockets.add(socket);
    socket.once('disconnect', () => this.untrack(socket, user.id));
    socket.use((event, next) => this.checkEvent(socket, user, event, next));
    if (user.tokenExpiresAt !== null) this.closeAtExpiry(socket, user.tokenExpiresAt);
    this.sweepTimer ??= setInterval(() => void this.sweep(), this.sweepMs).unref();
  }

  onApplicationShutdown(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    for (const timer of this.expiryTimers.values()) clearTimeout(timer);
    this.expiryTimers.clear();
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
        const refusal: Refusal = { status: err.status, code: err.code, message: err.message };
        const ack = event[event.length - 1];
        if (typeof ack === 'function') (ack as (answer: unknown) => void)({ ok: false, error: refusal });
        this.end(socket, user, refusal);
      },
    );
  }

  private async sweep(): Promise<void> {
    if (this.sweeping || this.byUser.size === 0) return;
    this.sweeping = true;
    try {
      const refusals = await this.auth.recheckAccounts([...this.byUser.keys()]);
      for (const [userId, err] of refusals) {
        for (const socket of [...(this.byUser.get(userId) ?? [])]) {
          this.end(socket, socket.data.user as AuthUser, { status: err.status, code: err.code, message: err.message });
        }
      }
      if (this.sweepFailing) this.logger.event('info', 'socket.sweep_recovered', { users: this.byUser.size });
      this.sweepFailing = false;
    } catch (err) {
      // Sockets are kept through an outage (closing them all would only bring a reconnect storm); the next tick
      // retries. Said once per outage, not once per tick.
      if (!this.sweepFailing) this.logger.event('warn', 'socket.sweep_failed', { users: this.byUser.size, error: err });
      this.sweepFailing = true;
    } finally {
      this.sweeping = false;
    }
  }

  private closeAtExpiry(socket: Socket, expiresAt: number): void {
    const wait = Math.min(Math.max(expiresAt - Date.now(), 0), MAX_TIMER_MS);
    const timer = setTimeout(() => {
      if (Date.now() < expiresAt) return this.closeAtExpiry(socket, expiresAt);
      this.end(socket, socket.data.user as AuthUser, {
        status: 401,
        code: 'token_expired',
        message: 'Token has expired',
      });
    }, wait).unref();
    this.expiryTimers.set(socket, timer);
  }

  private end(socket: Socket, user: AuthUser, refusal: Refusal): void {
    if (!socket.connected) return;
    this.logger.event('info', 'socket.session_ended', { userId: user.id, nsp: socket.nsp.name, code: refusal.code });
    socket.emit(SESSION_ENDED, refusal);
    // Only this namespace's socket: another namespace on the same connection has a handshake of its own.
    socket.disconnect();
  }

  private untrack(socket: Socket, userId: string): void {
    clearTimeout(this.expiryTimers.get(socket));
    this.expiryTimers.delete(socket);
    const sockets = this.byUser.get(userId);
    sockets?.delete(socket);
    if (sockets?.size === 0) this.byUser.delete(userId);
    if (this.byUser.size === 0 && this.sweepTimer) {
      clearInterval(this.sweepTimer);
      this.sweepTimer = null;
    }
  }
}
