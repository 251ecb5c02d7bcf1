import { Inject, Injectable, OnApplicationShutdown, Optional } from '@nestjs/common';
import { Emitter } from '@socket.io/redis-emitter';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AppLogger } from '@app/logging';
import { redisOptions } from './redis-options';

/** Every socket of a user joins this room, so any api instance (or the worker, via Redis) can reach them all. */
export const userRoom = (userId: string) => `user:${userId}`;

/**
 * The Redis Pub/Sub channel prefix the Socket.IO adapter and emitter share (the library's default is a bare
 * "socket.io"). Carrying QUEUE_PREFIX keeps two deployments on one Redis apart: a user id known to both (the same
 * main backend behind staging and production, say) must never get the other deployment's events.
 */
export const socketIoChannelKey = (queuePrefix: string) => `${queuePrefix}:socket.io`;

/** Namespaces a user's devices listen on: notifications ('/') and chat ('/chat'). */
export const USER_EVENT_NAMESPACES = ['/', '/chat'] as const;

/** Events pushed to a user's sockets from anywhere in the cluster. */
export interface UserEvents {
  'conversation:title': { conversationId: string; title: string };
  'report:progress': { id: string; type: string; status: string; progress: number };
  'report:done': { id: string; type: string; status: 'completed' | 'failed'; error?: string | null };
  'suggestions:ready': { id: string; count: number };
  /** Only for a refresh the user asked for; a failed daily set is not announced. */
  'suggestions:failed': { id: string; error: string };
  'expense-parse:done': { id: string; status: 'completed' | 'failed' };
}

/**
 * Publishes through the Socket.IO Redis adapter's channel, so the api instances holding the user's
 * sockets deliver the event. Works from the worker, which runs no Socket.IO server.
 */
@Injectable()
export class UserEventsPublisher implements OnApplicationShutdown {
  private readonly redis: Redis;
  private readonly emitter: Emitter;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Optional() @Inject(AppLogger) private readonly logger: AppLogger | null = null,
  ) {
    // Offline queue on (worker-style options): an event published during a Redis blip is sent on reconnect. An event
    // goes to two namespaces, and a busy worker announces many reports at once: pipelined, they share one write.
    this.redis = new Redis({ ...redisOptions(config.redis.url, 'worker'), enableAutoPipelining: true });
    // The emitter drops publish()'s promise: given to it bare, a publish cut short (at shutdown) is an unhandled
    // rejection. A lost event is a missed push, which polling clients make up for: logged, never thrown.
    const publisher = {
      publish: (channel: string, message: string | Buffer) =>
        this.redis.publish(channel, message).catch((err: unknown) => {
          this.logger?.event('warn', 'events.publish_failed', { error: err });
        }),
    };
    this.emitter = new Emitter(publisher, { key: socketIoChannelKey(config.queue.prefix) });
  }

  toUser<E extends keyof UserEvents>(userId: string, event: E, payload: UserEvents[E]): void {
    for (const nsp of USER_EVENT_NAMESPACES) this.emitter.of(nsp).to(userRoom(userId)).emit(event, payload);
  }

  /** Events already published are sent and answered first, unless Redis does not answer within a second. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.race([this.redis.quit().catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
    this.redis.disconnect();
  }
}
