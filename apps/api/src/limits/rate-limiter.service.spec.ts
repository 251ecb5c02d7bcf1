import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import Redis from 'ioredis';
import { AppConfig, loadConfig } from '@app/config';
import { testRedisUrl } from '../../../../test/support/redis';
import { RateLimiterService } from './rate-limiter.service';

/**
 * The paced limit against the real Redis the suites share: a refused request costs neither counter anything, and a
 * burst gets everything both counters allow. (Consuming the two counters as two commands at once, to save a round
 * trip, broke the second: two instances' commands reach Redis interleaved, so a request one counter admits can be
 * one the other refuses, and both give their point back. The script counts both in one step.)
 */
describe('RateLimiterService (Redis)', () => {
  let redis: Redis;
  let stopRedis: () => Promise<void>;
  let limiter: RateLimiterService;
  /** A second api instance's limiter, on its own connection: the counts are shared, the order of commands is not. */
  let other: RateLimiterService;
  let otherRedis: Redis;
  let config: AppConfig;
  const prefix = `ratespec-${randomBytes(4).toString('hex')}`;
  const user = () => randomBytes(6).toString('hex');
  /** The counter kept for a scope and key, under rate-limiter-flexible's key (null when it holds none). */
  const count = async (scope: string, key: string) => {
    const raw = await redis.get(`${prefix}:rl:${scope}:${key}`);
    return raw === null ? null : Number(raw);
  };

  beforeAll(async () => {
    const server = await testRedisUrl();
    stopRedis = server.stop;
    redis = new Redis(server.url);
    // Until the client is ready, the limiter counts in memory (its insurance), tested on its own below.
    await redis.ping();
    config = loadConfig({
      MONGODB_URI: 'mongodb://127.0.0.1:27017/unused',
      JWT_SECRET: 'a-long-enough-secret',
      OPENAI_API_KEY: 'sk-test',
      QUEUE_PREFIX: prefix,
    });
    limiter = new RateLimiterService(redis, config);
    otherRedis = new Redis(server.url);
    await otherRedis.ping();
    other = new RateLimiterService(otherRedis, config);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    otherRedis.disconnect();
    await stopRedis();
  });

  it('lets the pace through and refuses past it, the refused request costing the window nothing', async () => {
    const id = user();
    // Limit 4 per 2 s: the pace is 2 per 1 s.
    const decisions = [];
    for (let i = 0; i < 3; i++) decisions.push(await limiter.consume('spec', id, 4, 2000));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, false]);
    expect(decisions[1].remaining).toBe(0);
    expect(decisions[2].resetMs).toBeGreaterThan(0);
    expect(decisions[2].resetMs).toBeLessThanOrEqual(1000);
    expect(await count('spec', id)).toBe(2);
    expect(await count('spec-pace', id)).toBe(2);
  });

  it('takes no pace point when the window refuses', async () => {
    const id = user();
    // Limit 3 per 2 s: the pace is 2 per 1 s, so after the pace's first second only the window can refuse.
    expect((await limiter.consume('spec3', id, 3, 2000)).allowed).toBe(true);
    expect((await limiter.consume('spec3', id, 3, 2000)).allowed).toBe(true);
    await sleep(1100);
    expect((await limiter.consume('spec3', id, 3, 2000)).allowed).toBe(true);
    const refused = await limiter.consume('spec3', id, 3, 2000);
    expect(refused).toMatchObject({ allowed: false, remaining: 0 });
    expect(refused.resetMs).toBeGreaterThan(0);
    expect(await count('spec3', id)).toBe(3);
    // The refused request took no pace point: one left in this half window.
    expect(await count('spec3-pace', id)).toBe(1);
    expect((await limiter.consume('spec3', id, 3, 2000)).allowed).toBe(false);
    expect(await count('spec3-pace', id)).toBe(1);
  });

  it('lets a burst through two instances have everything both counters allow when they run out together', async () => {
    const id = user();
    // Limit 6 per 2 s, pace 3 per 1 s: after the pace's first second, 3 are left in each counter.
    const first = await Promise.all([1, 2, 3].map(() => limiter.consume('both', id, 6, 2000)));
    expect(first.every((d) => d.allowed)).toBe(true);
    await sleep(1100);
    const burst = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 ? other : limiter).consume('both', id, 6, 2000)),
    );
    expect(burst.filter((d) => d.allowed)).toHaveLength(3);
  });

  it('counts parallel requests once each: no more than the pace gets through', async () => {
    const id = user();
    const decisions = await Promise.all(Array.from({ length: 10 }, () => limiter.consume('par', id, 10, 4000)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    expect(await count('par', id)).toBe(5);
  });

  it('tells a refused request to wait until every full counter has restarted', async () => {
    const id = user();
    // Limit 2 per 4 s, pace 1 per 2 s: the second request, in the pace's second half window, fills both counters,
    // and that pace outlasts the window.
    expect((await limiter.consume('wait', id, 2, 4000)).allowed).toBe(true);
    await sleep(2100);
    expect((await limiter.consume('wait', id, 2, 4000)).allowed).toBe(true);
    const refused = await limiter.consume('wait', id, 2, 4000);
    const [windowLeft, paceLeft] = await Promise.all([
      redis.pttl(`${prefix}:rl:wait:${id}`),
      redis.pttl(`${prefix}:rl:wait-pace:${id}`),
    ]);
    expect(refused.allowed).toBe(false);
    expect(paceLeft).toBeGreaterThan(windowLeft);
    expect(refused.resetMs).toBeGreaterThanOrEqual(paceLeft);
    expect(refused.resetMs).toBeLessThanOrEqual(2000);
  });

  it('honours counts left under the same keys by rate-limiter-flexible (a rolling deploy)', async () => {
    const id = user();
    await redis.set(`${prefix}:rl:old:${id}`, '5', 'EX', 60);
    const refused = await limiter.consume('old', id, 5, 60_000);
    expect(refused).toMatchObject({ allowed: false, remaining: 0 });
    expect(refused.resetMs).toBeGreaterThan(50_000);
  });

  it('counts in this process while Redis cannot be reached, refusing past the pace rather than failing', async () => {
    // A client like the api's (no offline queue) that never reaches a server: every command fails at once.
    const down = new Redis({ port: 1, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    const offline = new RateLimiterService(down, config);
    const id = user();
    const decisions = [];
    for (let i = 0; i < 3; i++) decisions.push(await offline.consume('offline', id, 4, 2000));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, false]);
    expect(decisions[2].resetMs).toBeGreaterThan(0);
    expect(await count('offline', id)).toBeNull();
    down.disconnect();
  });
});
