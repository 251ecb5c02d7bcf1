import { isListening } from '../../tools/ports';
import { startRedisServer } from '../../tools/local-redis/redis-server';

export { redisServerBinary, startRedisServer } from '../../tools/local-redis/redis-server';
export type { RedisServerHandle } from '../../tools/local-redis/redis-server';

/**
 * Redis for a test suite: REDIS_URL when set, else the shared server on 127.0.0.1:6379 (CI starts one),
 * else a private redis-server. Suites isolate themselves with a unique queue prefix, not a database.
 */
export async function testRedisUrl(): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: async () => undefined };
  if (await isListening(6379)) return { url: 'redis://127.0.0.1:6379', stop: async () => undefined };
  const server = await startRedisServer();
  return { url: server.url, stop: () => server.stop() };
}
