import type { AuthService } from '@app/auth';
import type { AppConfig } from '@app/config';
import type { AppLogger } from '@app/logging';

/** `{ status, code, message }` with the codes of HTTP: why a live connection is closed. */
export type SessionRefusal = { status: number; code: string; message: string };

/** The longest delay setTimeout honours; a later expiry is reached in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Floor of the sweep period, so a tiny cache TTL does not become a busy loop. */
const MIN_SWEEP_MS = 50;
/** Sweep period when the account cache is off (USER_CACHE_TTL_MS=0). */
const UNCACHED_SWEEP_MS = 1000;

/**
 * Keeps live connections of any transport (Socket.IO sockets, Reho's raw WebSockets) as allowed as the handshake
 * that opened them: one timer per app rereads the accounts of every connected user together (one query per batch
 * of users, not one per connection) every half USER_CACHE_TTL_MS, so a blocked or deleted user's connections close
 * within that TTL; and each connection closes when its token expires. How a connection is closed is the
 * transport's (`end`).
 */
export class LiveSessions<C> {
  private readonly byUser = new Map<string, Set<C>>();
  private readonly expiryTimers = new Map<C, NodeJS.Timeout>();
  private sweepTimer: NodeJS.Timeout | null = null;
  private sweeping = false;
  private sweepFailing = false;
  private readonly sweepMs: number;

  constructor(
    config: AppConfig,
    private readonly auth: AuthService,
    private readonly logger: AppLogger,
    /** Log event prefix, e.g. 'socket' or 'reho'. */
    private readonly name: string,
    private readonly end: (conn: C, userId: string, refusal: SessionRefusal) => void,
  ) {
    const ttl = config.auth.userCacheTtlMs;
    this.sweepMs = ttl > 0 ? Math.max(MIN_SWEEP_MS, Math.floor(ttl / 2)) : UNCACHED_SWEEP_MS;
  }

  track(conn: C, userId: string, tokenExpiresAt: number | null): void {
    let conns = this.byUser.get(userId);
    if (!conns) this.byUser.set(userId, (conns = new Set()));
    conns.add(conn);
    if (tokenExpiresAt !== null) this.closeAtExpiry(conn, userId, tokenExpiresAt);
    this.sweepTimer ??= setInterval(() => void this.sweep(), this.sweepMs).unref();
  }

  untrack(conn: C, userId: string | null): void {
    clearTimeout(this.expiryTimers.get(conn));
    this.expiryTimers.delete(conn);
    const conns = userId ? this.byUser.get(userId) : undefined;
    conns?.delete(conn);
    if (userId && conns?.size === 0) this.byUser.delete(userId);
    if (this.byUser.size === 0 && this.sweepTimer) {
      clearInterval(this.sweepTimer);
      this.sweepTimer = null;
    }
  }

  shutdown(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    for (const timer of this.expiryTimers.values()) clearTimeout(timer);
    this.expiryTimers.clear();
  }

  private async sweep(): Promise<void> {
    if (this.sweeping || this.byUser.size === 0) return;
    this.sweeping = true;
    try {
      const refusals = await this.auth.recheckAccounts([...this.byUser.keys()]);
      for (const [userId, err] of refusals) {
        for (const conn of [...(this.byUser.get(userId) ?? [])]) {
          this.end(conn, userId, { status: err.status, code: err.code, message: err.message });
        }
      }
      if (this.sweepFailing) this.logger.event('info', `${this.name}.sweep_recovered`, { users: this.byUser.size });
      this.sweepFailing = false;
    } catch (err) {
      // Connections are kept through an outage (closing them all would only bring a reconnect storm); the next tick
      // retries. Said once per outage, not once per tick.
      if (!this.sweepFailing) {
        this.logger.event('warn', `${this.name}.sweep_failed`, { users: this.byUser.size, error: err });
      }
      this.sweepFailing = true;
    } finally {
      this.sweeping = false;
    }
  }

  private closeAtExpiry(conn: C, userId: string, expiresAt: number): void {
    const wait = Math.min(Math.max(expiresAt - Date.now(), 0), MAX_TIMER_MS);
    const timer = setTimeout(() => {
      if (Date.now() < expiresAt) return this.closeAtExpiry(conn, userId, expiresAt);
      this.end(conn, userId, { status: 401, code: 'token_expired', message: 'Token has expired' });
    }, wait).unref();
    this.expiryTimers.set(conn, timer);
  }
}
