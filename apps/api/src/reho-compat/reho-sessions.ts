import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AuthService, AuthUser } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AppLogger } from '@app/logging';
import { RehoChatConnection } from './reho-chat-connection';

/** The longest delay setTimeout honours; a later expiry is reached in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const MIN_SWEEP_MS = 50;
const UNCACHED_SWEEP_MS = 1000;

/**
 * What SocketSessions does for Socket.IO, for the Reho WebSocket: every open connection stays as allowed as its
 * handshake. The accounts of all connected users are reread together every half USER_CACHE_TTL_MS (one query per
 * 500 users), so a blocked or deleted user's connections close within that TTL; each connection closes when its
 * token expires; and each message is rechecked before it is answered (RehoChatConnection).
 */
@Injectable()
export class RehoSessions implements OnApplicationShutdown {
  private readonly byUser = new Map<string, Set<RehoChatConnection>>();
  private readonly expiryTimers = new Map<RehoChatConnection, NodeJS.Timeout>();
  private sweepTimer: NodeJS.Timeout | null = null;
  private sweeping = false;
  private sweepFailing = false;
  private readonly sweepMs: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly auth: AuthService,
    private readonly logger: AppLogger,
  ) {
    const ttl = config.auth.userCacheTtlMs;
    this.sweepMs = ttl > 0 ? Math.max(MIN_SWEEP_MS, Math.floor(ttl / 2)) : UNCACHED_SWEEP_MS;
  }

  track(conn: RehoChatConnection, user: AuthUser): void {
    let conns = this.byUser.get(user.id);
    if (!conns) this.byUser.set(user.id, (conns = new Set()));
    conns.add(conn);
    if (user.tokenExpiresAt !== null) this.closeAtExpiry(conn, user.tokenExpiresAt);
    this.sweepTimer ??= setInterval(() => void this.sweep(), this.sweepMs).unref();
  }

  untrack(conn: RehoChatConnection): void {
    clearTimeout(this.expiryTimers.get(conn));
    this.expiryTimers.delete(conn);
    const userId = conn.userId;
    const conns = userId ? this.byUser.get(userId) : undefined;
    conns?.delete(conn);
    if (userId && conns?.size === 0) this.byUser.delete(userId);
    if (this.byUser.size === 0 && this.sweepTimer) {
      clearInterval(this.sweepTimer);
      this.sweepTimer = null;
    }
  }

  onApplicationShutdown(): void {
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
        for (const conn of [...(this.byUser.get(userId) ?? [])]) this.end(conn, userId, err);
      }
      if (this.sweepFailing) this.logger.event('info', 'reho.sweep_recovered', { users: this.byUser.size });
      this.sweepFailing = false;
    } catch (err) {
      // Connections are kept through an outage, as sockets are; said once per outage.
      if (!this.sweepFailing) this.logger.event('warn', 'reho.sweep_failed', { users: this.byUser.size, error: err });
      this.sweepFailing = true;
    } finally {
      this.sweeping = false;
    }
  }

  private closeAtExpiry(conn: RehoChatConnection, expiresAt: number): void {
    const wait = Math.min(Math.max(expiresAt - Date.now(), 0), MAX_TIMER_MS);
    const timer = setTimeout(() => {
      if (Date.now() < expiresAt) return this.closeAtExpiry(conn, expiresAt);
      this.end(conn, conn.userId, { status: 401, code: 'token_expired', message: 'Token has expired' });
    }, wait).unref();
    this.expiryTimers.set(conn, timer);
  }

  private end(
    conn: RehoChatConnection,
    userId: string | null,
    refusal: { status: number; code: string; message: string },
  ): void {
    if (!conn.open) return;
    this.logger.event('info', 'reho.session_ended', { userId, code: refusal.code });
    conn.refuse(refusal);
  }
}
