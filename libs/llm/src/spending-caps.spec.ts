import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { AppConfig, loadConfig } from '@app/config';
import { AppLogger } from '@app/logging';
import { testRedisUrl } from '../../../test/support/redis';
import { localDay } from './reservation';
import { SpendingCapError } from './spending-cap.error';
import { SpendingCaps } from './spending-caps';

/** The caps against the real Redis the suites share, each test under its own key prefix. */
describe('SpendingCaps (Redis)', () => {
  let redis: Redis;
  let stopRedis: () => Promise<void>;
  const logger = new AppLogger('api', 'error', { format: 'json', write: () => undefined });

  beforeAll(async () => {
    const server = await testRedisUrl();
    stopRedis = server.stop;
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis.disconnect();
    await stopRedis();
  });

  function capsWith(env: Record<string, string> = {}): { caps: SpendingCaps; config: AppConfig } {
    const config = loadConfig({
      MONGODB_URI: 'mongodb://127.0.0.1:27017/unused',
      JWT_SECRET: 'a-long-enough-secret',
      OPENAI_API_KEY: 'sk-test',
      QUEUE_PREFIX: `capspec-${randomBytes(4).toString('hex')}`,
      TIME_ZONE: 'Asia/Dhaka',
      AI_DAILY_CAP_USD: '0',
      AI_DAILY_CAP_TOKENS: '0',
      AI_DAILY_FEATURE_CAPS: JSON.stringify({
        chat: { usd: 0, tokens: 10_000 },
        reports: { usd: 0, tokens: 0 },
        parsing: { usd: 0, tokens: 0 },
        suggestions: { usd: 0, tokens: 0 },
      }),
      ...env,
    });
    return { caps: new SpendingCaps(redis, config, logger), config };
  }
  const user = () => randomBytes(12).toString('hex');
  const usage = (inputTokens: number, outputTokens: number) => ({ inputTokens, outputTokens });

  it('lets 20 parallel calls at a nearly spent cap overshoot it by at most one reservation', async () => {
    const { caps } = capsWith();
    const u = user();
    await caps.settle(await caps.reserve(u, 'chat', 'gpt-4o-mini', usage(100, 100)), usage(9_900, 50));
    const reserved = usage(1_200, 800);
    const attempts = await Promise.allSettled(
      Array.from({ length: 20 }, () => caps.reserve(u, 'chat', 'gpt-4o-mini', reserved)),
    );
    const admitted = attempts.filter((a) => a.status === 'fulfilled');
    const refused = attempts.filter((a) => a.status === 'rejected').map((a) => (a as PromiseRejectedResult).reason);
    expect(admitted).toHaveLength(1);
    expect(refused.every((e) => e instanceof SpendingCapError && e.scope === 'chat' && e.unit === 'tokens')).toBe(true);
    const during = (await caps.usageToday(u)).features.chat.tokens;
    expect(during.used).toBe(9_950 + 2_000);
    expect(during.used - 10_000).toBeLessThanOrEqual(2_000);
  });

  it('settles a reservation at what the call was charged, in tokens and money, per feature and overall', async () => {
    const { caps } = capsWith({
      AI_DAILY_CAP_USD: '0.5',
      AI_DAILY_CAP_TOKENS: '100000',
      AI_DAILY_FEATURE_CAPS: '{"reports":{"usd":0.01,"tokens":5000}}',
    });
    const u = user();
    const hold = await caps.reserve(u, 'report', 'gpt-4o-mini', usage(2_000, 1_500));
    // Held: 3,500 tokens and 2,000 * 0.15 + 1,500 * 0.6 = 1,200 micro-dollars.
    expect((await caps.usageToday(u)).features.reports).toEqual({
      tokens: { used: 3_500, limit: 5_000, remaining: 1_500 },
      usd: { used: 0.0012, limit: 0.01, remaining: 0.0088 },
    });
    await caps.settle(hold, usage(1_000, 200));
    const after = await caps.usageToday(u);
    expect(after.features.reports.tokens.used).toBe(1_200);
    expect(after.features.reports.usd.used).toBeCloseTo(0.00027, 8);
    expect(after.overall.tokens).toEqual({ used: 1_200, limit: 100_000, remaining: 98_800 });
    expect(after.features.chat.tokens.used).toBe(0);
  });

  it('names the cap that is spent: the feature before the overall one, money as well as tokens', async () => {
    const { caps } = capsWith({
      AI_DAILY_CAP_USD: '0.001',
      AI_DAILY_FEATURE_CAPS: '{"parsing":{"usd":0,"tokens":0},"suggestions":{"usd":0,"tokens":0}}',
    });
    const u = user();
    // 10,000 output tokens of gpt-4o-mini cost $0.006: over the overall money cap of $0.001.
    await caps.settle(await caps.reserve(u, 'expense-parse', 'gpt-4o-mini', usage(10, 10)), usage(0, 10_000));
    const refusal = await caps.reserve(u, 'suggestions', 'gpt-4o-mini', usage(10, 10)).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(SpendingCapError);
    expect(refusal).toMatchObject({ scope: 'overall', unit: 'usd', code: 'spending_cap_reached' });
    await expect(caps.assertAvailable(u, 'chat')).rejects.toMatchObject({ scope: 'overall', unit: 'usd' });
    // Another user's day is untouched.
    await expect(caps.assertAvailable(user(), 'chat')).resolves.toBeUndefined();
  });

  it("keeps one feature's spending out of another feature's cap", async () => {
    const { caps } = capsWith();
    const u = user();
    await caps.settle(await caps.reserve(u, 'titles', 'gpt-4o-mini', usage(10, 10)), usage(10_000, 0));
    await expect(caps.assertAvailable(u, 'chat')).rejects.toMatchObject({ scope: 'chat', unit: 'tokens' });
    await expect(caps.assertAvailable(u, 'reports')).resolves.toBeUndefined();
    expect(await caps.reserve(u, 'report', 'gpt-4o-mini', usage(10, 10))).not.toBeNull();
  });

  it("does not reserve admin alert wording against the user's caps", async () => {
    const { caps } = capsWith({ AI_DAILY_CAP_TOKENS: '1' });
    const u = user();
    await caps.settle(await caps.reserve(u, 'chat', 'gpt-4o-mini', usage(1, 1)), usage(5, 5));
    expect(await caps.reserve(u, 'alerts', 'gpt-4o-mini', usage(100, 100))).toBeNull();
    await expect(caps.reserve(null, 'chat', 'gpt-4o-mini', usage(1, 1))).rejects.toThrow(/must name the user/);
  });

  it("keys a user's counters by local day, retries at the next local midnight, and expires them after the day", async () => {
    const { caps, config } = capsWith();
    const u = user();
    // 23:30 in Dhaka (UTC+6) two days from now: its day ends 30 minutes later, at 18:00 UTC.
    const { dayKey, endsAt } = localDay(new Date(Date.now() + 2 * 86_400_000), 'Asia/Dhaka');
    expect(endsAt.toISOString()).toMatch(/T18:00:00\.000Z$/);
    const lateEvening = new Date(endsAt.getTime() - 30 * 60_000);
    await caps.settle(await caps.reserve(u, 'chat', 'gpt-4o-mini', usage(1, 1), lateEvening), usage(10_000, 0));
    const refusal = await caps.assertAvailable(u, 'chat', lateEvening).catch((e: unknown) => e);
    expect(refusal).toMatchObject({ retryAfterMs: 30 * 60_000, resetsAt: endsAt });
    // The next local day starts afresh.
    await expect(caps.assertAvailable(u, 'chat', new Date(endsAt.getTime() + 1000))).resolves.toBeUndefined();
    // The day's counters expire an hour after it ends.
    const asked = Date.now();
    const ttl = await redis.pttl(`${config.queue.prefix}:spend:${u}:${dayKey}`);
    const answered = Date.now();
    const expiresAt = endsAt.getTime() + 3_600_000;
    // Measured between asking and the answer, so a busy machine cannot make it look late; Redis rounds the expiry
    // to its own clock, so a millisecond or two of slack.
    expect(ttl).toBeGreaterThan(expiresAt - answered - 5_000);
    expect(ttl).toBeLessThanOrEqual(expiresAt - asked + 2);
  });
});
