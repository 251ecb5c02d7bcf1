import { RedisOptions } from 'ioredis';

export type RedisRole = 'producer' | 'worker' | 'client';

/**
 * Producers (the api) must fail fast when Redis is down so requests answer 503 instead of hanging;
 * workers must wait forever for Redis to come back, which BullMQ requires (maxRetriesPerRequest null).
 */
export function redisOptions(url: string, role: RedisRole): RedisOptions {
  const u = new URL(url);
  const db = u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : undefined;
  const base: RedisOptions = {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: Number.isInteger(db) ? db : undefined,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    lazyConnect: false,
  };
  if (role === 'worker') return { ...base, maxRetriesPerRequest: null, enableReadyCheck: false };
  const producer: RedisOptions = { ...base, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 };
  // The shared client carries every chat turn's small commands (claims, caps, history, stream appends): sent as
  // one write per event-loop turn instead of one each, they cost a fraction of the syscalls under load.
  return role === 'client' ? { ...producer, enableAutoPipelining: true } : producer;
}
