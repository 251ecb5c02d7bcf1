import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AuthService, AuthUser } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AppLogger } from '@app/logging';
import { LiveSessions } from '../realtime/live-sessions';
import { RehoChatConnection } from './reho-chat-connection';

/**
 * What SocketSessions does for Socket.IO, for the Reho WebSocket, through the same LiveSessions: every open
 * connection stays as allowed as its handshake (the accounts of all connected users reread together every half
 * USER_CACHE_TTL_MS; each connection closed when its token expires), and each message is rechecked before it is
 * answered (RehoChatConnection).
 */
@Injectable()
export class RehoSessions implements OnApplicationShutdown {
  private readonly live: LiveSessions<RehoChatConnection>;

  constructor(@Inject(APP_CONFIG) config: AppConfig, auth: AuthService, logger: AppLogger) {
    this.live = new LiveSessions(config, auth, logger, 'reho', (conn, userId, refusal) => {
      if (!conn.open) return;
      logger.event('info', 'reho.session_ended', { userId, code: refusal.code });
      conn.refuse(refusal);
    });
  }

  track(conn: RehoChatConnection, user: AuthUser): void {
    this.live.track(conn, user.id, user.tokenExpiresAt);
  }

  untrack(conn: RehoChatConnection): void {
    this.live.untrack(conn, conn.userId);
  }

  onApplicationShutdown(): void {
    this.live.shutdown();
  }
}
