import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { decode } from 'notepack.io';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AppLogger } from '@app/logging';
import { redisOptions, socketIoChannelKey, UserEvents, userRoom } from '@app/queue';

/** One user event as published: its name and payload, discriminated by name. */
export type UserEvent = { [E in keyof UserEvents]: { event: E; payload: UserEvents[E] } }[keyof UserEvents];
export type UserEventHandler = (e: UserEvent) => void;

/** socket.io-parser's packet type of an event: the only kind the emitter publishes to a room. */
const EVENT_PACKET = 2;
/** How long a subscription waits for the subscriber connection to be up before giving up (the caller falls back). */
const READY_TIMEOUT_MS = 2000;

/**
 * The channel the worker's UserEventsPublisher writes a user's events to (one room, the default namespace): the
 * Socket.IO Redis emitter's `<key>#<nsp>#<room>#`. Every event is published to '/' and '/chat' alike; one is enough.
 */
export function userEventChannel(queuePrefix: string, userId: string): string {
  return `${socketIoChannelKey(queuePrefix)}#/#${userRoom(userId)}#`;
}

/** `[emitterUid, packet, opts]` as the emitter encodes it (msgpack); null for anything that is not an event. */
export function decodeUserEvent(message: Buffer): { event: string; payload: unknown } | null {
  let decoded: unknown;
  try {
    decoded = decode(message);
  } catch {
    return null;
  }
  if (!Array.isArray(decoded)) return null;
  const packet = decoded[1] as { type?: unknown; data?: unknown } | undefined;
  if (packet?.type !== EVENT_PACKET || !Array.isArray(packet.data) || typeof packet.data[0] !== 'string') return null;
  return { event: packet.data[0], payload: packet.data[1] };
}

/**
 * A user's events (titles, report completions, ...) for listeners that are not Socket.IO sockets: the raw Reho
 * WebSocket and the synchronous /feedback routes. Events reach every api instance through Redis Pub/Sub, so the
 * instance holding the listener hears them whichever instance or worker published them. One subscriber connection
 * per instance, one channel per user with listeners here, dropped when the last one goes.
 */
@Injectable()
export class UserEventSubscriber implements OnApplicationShutdown {
  private redis: Redis | null = null;
  private readonly handlers = new Map<string, Set<UserEventHandler>>();
  /** Per channel, the SUBSCRIBE in flight or done: later listeners wait for it too. */
  private readonly subscribed = new Map<string, Promise<unknown>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly logger: AppLogger,
  ) {}

  /** Resolves once the user's channel is subscribed; the returned function stops listening. */
  async listen(userId: string, handler: UserEventHandler): Promise<() => void> {
    const channel = userEventChannel(this.config.queue.prefix, userId);
    let handlers = this.handlers.get(channel);
    if (!handlers) this.handlers.set(channel, (handlers = new Set()));
    handlers.add(handler);
    const stop = () => this.stop(channel, handler);
    let subscribing = this.subscribed.get(channel);
    if (!subscribing) {
      subscribing = this.ready().then((redis) => redis.subscribe(channel));
      this.subscribed.set(channel, subscribing);
    }
    try {
      await subscribing;
    } catch (err) {
      if (this.subscribed.get(channel) === subscribing) this.subscribed.delete(channel);
      stop();
      throw err;
    }
    return stop;
  }

  onApplicationShutdown(): void {
    this.redis?.disconnect();
    this.redis = null;
    this.handlers.clear();
    this.subscribed.clear();
  }

  private stop(channel: string, handler: UserEventHandler): void {
    const handlers = this.handlers.get(channel);
    if (!handlers?.delete(handler) || handlers.size > 0) return;
    this.handlers.delete(channel);
    if (!this.subscribed.delete(channel)) return;
    this.redis?.unsubscribe(channel).catch(() => {
      // A subscription left over after a Redis blip only delivers events nobody listens to.
    });
  }

  /** The subscriber connection, made on first use; fails fast (the callers poll or go without) while Redis is down. */
  private async ready(): Promise<Redis> {
    if (!this.redis) {
      this.redis = new Redis(redisOptions(this.config.redis.url, 'producer'));
      this.redis.on('messageBuffer', (channel: Buffer, message: Buffer) => this.dispatch(channel.toString(), message));
      // Reconnects on its own (and resubscribes); errors are already counted by the callers' fallbacks.
      this.redis.on('error', () => undefined);
    }
    const redis = this.redis;
    if (redis.status === 'ready') return redis;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error('Redis subscriber is not connected')), READY_TIMEOUT_MS);
      const onReady = () => done();
      function done(err?: Error) {
        clearTimeout(timer);
        redis.off('ready', onReady);
        if (err) reject(err);
        else resolve();
      }
      redis.once('ready', onReady);
    });
    return redis;
  }

  private dispatch(channel: string, message: Buffer): void {
    const handlers = this.handlers.get(channel);
    if (!handlers?.size) return;
    const decoded = decodeUserEvent(message);
    if (!decoded) return;
    for (const handler of [...handlers]) {
      try {
        // Published by our own worker through our own Redis: trusted to match UserEvents.
        handler(decoded as UserEvent);
      } catch (err) {
        this.logger.event('warn', 'user_events.handler_failed', { event: decoded.event, error: err });
      }
    }
  }
}
