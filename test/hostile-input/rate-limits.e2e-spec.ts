import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { Db } from 'mongodb';
import { io } from 'socket.io-client';
import { AppConfig } from '@app/config';
import { ALL_QUEUES } from '@app/queue';
import { JsonResponse, request } from '../support/http';
import { connectDb, Infra, RunningApi, startApi, startInfra, testConfig } from '../support/stack';
import { signMainBackendToken } from '../support/tokens';
import { seedUser, SeedUser } from '../support/users';

const PARSE_LIMIT = 10;
const PARSE_WINDOW_MS = 4_000;
const REPORTS_LIMIT = 4;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/**
 * Rate limits on every model-backed route, counted in Redis by rate-limiter-flexible across api instances. The
 * fixed window they replace let twice its limit through at a window's edge (the whole limit just before it, the
 * whole limit again just after); reports and their /feedback aliases had no limit at all.
 */
describe('hostile input: rate limits on model-backed routes', () => {
  let infra: Infra;
  let config: AppConfig;
  let api: RunningApi;
  let api2: RunningApi;
  let db: Db;
  let closeDb: () => Promise<void>;

  const tokenFor = (u: SeedUser) => signMainBackendToken({ id: u._id.toHexString(), role: u.role });
  const queue = (name: string) => api.app.get<Queue>(getQueueToken(name), { strict: false });
  const parse = (u: SeedUser, on: RunningApi) =>
    request(on.url, 'POST', '/expenses/parse', { token: tokenFor(u), body: { text: 'Coffee £3' } });
  /** Half of a burst through each api instance: the limit is one count for the cluster. */
  const burst = (u: SeedUser, n: number) =>
    Promise.all(Array.from({ length: n }, (_, i) => parse(u, i % 2 ? api2 : api)));
  const accepted = (rs: JsonResponse[]) => rs.filter((r) => r.status === 202).length;

  function expectRateLimited(res: JsonResponse) {
    expect(res.status).toBe(429);
    expect(res.body.code).toBe('rate_limited');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  }

  /** A user's records and every queue's counts: a refused request must change neither. */
  async function footprint(u: SeedUser): Promise<string> {
    const mine = { userId: u._id };
    const collections = await Promise.all(
      ['conversations', 'messages', 'reports', 'suggestions', 'expense_parses'].map(async (c) => [
        c,
        await db.collection(c).countDocuments(mine),
      ]),
    );
    const queues = await Promise.all(ALL_QUEUES.map(async (q) => [q, await queue(q).getJobCounts()]));
    return JSON.stringify({ collections, queues });
  }

  beforeAll(async () => {
    infra = await startInfra();
    config = testConfig(infra, {
      EXPENSE_PARSE_RATE_LIMIT: String(PARSE_LIMIT),
      EXPENSE_PARSE_RATE_WINDOW_MS: String(PARSE_WINDOW_MS),
      REPORTS_RATE_LIMIT: String(REPORTS_LIMIT),
      REPORTS_RATE_WINDOW_MS: '60000',
      SUGGESTIONS_REFRESH_LIMIT: '2',
      CHAT_RATE_LIMIT: '2',
    });
    ({ db, close: closeDb } = await connectDb(config));
    // No worker: queued work stays queued, so the counts show exactly what each request queued.
    api = await startApi(config);
    api2 = await startApi(config);
  });

  afterAll(async () => {
    await api2?.close();
    await api?.close();
    await closeDb?.();
    await infra?.stop();
  });

  it('lets no burst across a window edge through at twice the limit', async () => {
    const mallory = await seedUser(db);
    // The fixed window's edges were multiples of the window on the clock: burst just before one and just after.
    const edge = Math.ceil((Date.now() + 1_000) / PARSE_WINDOW_MS) * PARSE_WINDOW_MS;
    await sleep(edge - 400 - Date.now());
    const before = await burst(mallory, PARSE_LIMIT);
    await sleep(edge + 50 - Date.now());
    const after = await burst(mallory, PARSE_LIMIT);

    const through = accepted(before) + accepted(after);
    console.log(
      `burst across a window edge: ${2 * PARSE_LIMIT} parse requests, ${through} accepted ` +
        `(limit ${PARSE_LIMIT} per ${PARSE_WINDOW_MS / 1000} s; the fixed window accepted ${2 * PARSE_LIMIT})`,
    );
    expect(through).toBeLessThanOrEqual(PARSE_LIMIT);
    [...before, ...after].filter((r) => r.status !== 202).forEach(expectRateLimited);
    // A refused request wrote nothing and queued nothing.
    expect(await db.collection('expense_parses').countDocuments({ userId: mallory._id })).toBe(through);
  });

  it("bounds a burst across the limiter's own edges too, and still grants the whole limit to a steady user", async () => {
    const trudy = await seedUser(db);
    const opened = await parse(trudy, api);
    expect(opened.status).toBe(202);
    const paceEndsAt = Date.now() + Number(opened.headers.get('x-ratelimit-reset')) * 1000;
    expect(opened.headers.get('x-ratelimit-limit')).toBe(String(PARSE_LIMIT));
    // Half the limit per half window: 4 more now.
    expect(opened.headers.get('x-ratelimit-remaining')).toBe(String(PARSE_LIMIT / 2 - 1));
    await sleep(paceEndsAt - 300 - Date.now());
    const before = await burst(trudy, PARSE_LIMIT);
    await sleep(paceEndsAt + 300 - Date.now());
    const after = await burst(trudy, PARSE_LIMIT);
    const through = accepted(before) + accepted(after);
    expect(through).toBeLessThanOrEqual(PARSE_LIMIT);
    // Steady use: everything the window allows was granted (1 + 4 in the first half window, 5 in the second).
    expect(1 + through).toBe(PARSE_LIMIT);
    expectRateLimited(await parse(trudy, api2));
  });

  it('limits POST /reports and its /feedback aliases together, with X-RateLimit-* headers', async () => {
    const eve = await seedUser(db);
    const token = tokenFor(eve);
    const first = await request(api.url, 'POST', '/reports', { token, body: { type: 'expenses' } });
    expect(first.status).toBe(202);
    expect(first.headers.get('x-ratelimit-limit')).toBe(String(REPORTS_LIMIT));
    expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
    expect((await request(api2.url, 'POST', '/feedback/optimize-debt', { token })).status).toBe(202);

    const before = await footprint(eve);
    const refused = [
      await request(api.url, 'POST', '/reports', { token, body: { type: 'budget' } }),
      await request(api2.url, 'POST', '/feedback/optimize-budget', { token }),
      await request(api.url, 'POST', '/feedback/optimize-expenses', { token }),
    ];
    refused.forEach(expectRateLimited);
    expect(refused[0].headers.get('x-ratelimit-remaining')).toBe('0');
    expect(await footprint(eve)).toBe(before);
    // Another user has their own count.
    const other = await seedUser(db);
    expect(
      (await request(api.url, 'POST', '/reports', { token: tokenFor(other), body: { type: 'debt' } })).status,
    ).toBe(202);
  });

  it('limits suggestion refreshes and every chat transport the same way', async () => {
    const oscar = await seedUser(db);
    const token = tokenFor(oscar);
    expect((await request(api.url, 'POST', '/suggestions/refresh', { token })).status).toBe(202);
    const before = await footprint(oscar);
    expectRateLimited(await request(api2.url, 'POST', '/suggestions/refresh', { token }));
    expect(await footprint(oscar)).toBe(before);

    // Chat: 2 per minute, 1 per half minute; the first message spends this half minute's one.
    const said = await request(api.url, 'POST', '/chat/messages', { token, body: { text: 'Hello' } });
    expect(said.status).toBe(200);
    const afterChat = await footprint(oscar);
    expectRateLimited(await request(api2.url, 'POST', '/chat/messages', { token, body: { text: 'Again' } }));
    expectRateLimited(await request(api.url, 'POST', '/chat/messages/stream', { token, body: { text: 'Again' } }));
    const socket = io(`${api2.url}/chat`, { auth: { token }, transports: ['websocket'], reconnection: false });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const ack = await socket.timeout(8000).emitWithAck('message:send', { text: 'Again', clientMessageId: 'rl-1' });
      expect(ack).toMatchObject({ ok: false, error: { status: 429, code: 'rate_limited' } });
      expect(ack.error.retryAfterMs).toBeGreaterThan(0);
    } finally {
      socket.disconnect();
    }
    expect(await footprint(oscar)).toBe(afterChat);
  });
});
