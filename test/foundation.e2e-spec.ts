import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { Db, ObjectId } from 'mongodb';
import { io, Socket } from 'socket.io-client';
import { INestApplicationContext } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { matchers } from '../tools/fake-openai';
import { eventually, request } from './support/http';
import { startRedisServer, RedisServerHandle } from './support/redis';
import { connectDb, Infra, RunningApi, startApi, startInfra, startWorker, testConfig } from './support/stack';
import { signMainBackendToken, unsignedToken } from './support/tokens';
import { seedUser, SeedUser } from './support/users';

/**
 * The foundation end to end: both apps started as production starts them, against a private
 * redis-server (so it can be stopped), the test MongoDB and the fake model.
 */
describe('foundation (api + worker end to end)', () => {
  let infra: Infra;
  let redis: RedisServerHandle;
  let config: AppConfig;
  let api: RunningApi;
  let worker: INestApplicationContext;
  let db: Db;
  let closeDb: () => Promise<void>;
  let user: SeedUser;
  let admin: SeedUser;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    infra = await startInfra();
    redis = await startRedisServer();
    // /health is polled below until Redis is back: more calls than its default per-IP throttle allows.
    config = testConfig({ ...infra, redisUrl: redis.url }, { USER_CACHE_TTL_MS: '300', HEALTH_RATE_LIMIT: '1000' });
    ({ db, close: closeDb } = await connectDb(config));
    user = await seedUser(db);
    admin = await seedUser(db, { role: 'ADMIN' });
    api = await startApi(config);
    worker = await startWorker(config);
  });

  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await worker?.close();
    await api?.close();
    await closeDb?.();
    await redis?.stop();
    await infra?.stop();
  });

  const tokenFor = (u: SeedUser, extra: Partial<{ role: string }> = {}) =>
    signMainBackendToken({ id: u._id.toHexString(), email: u.email, role: u.role, ...extra });

  function connect(auth: Record<string, unknown> | undefined, query?: Record<string, string>): Socket {
    const socket = io(api.url, { auth, query, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    return socket;
  }

  function handshake(socket: Socket): Promise<{ ok: true } | { ok: false; message: string; data: any }> {
    return new Promise((resolve) => {
      socket.once('connect', () => resolve({ ok: true }));
      socket.once('connect_error', (err: Error & { data?: unknown }) =>
        resolve({ ok: false, message: err.message, data: err.data }),
      );
    });
  }

  describe('health', () => {
    it('reports Mongo, Redis and every queue up with 200 to an admin, and only "ok" to the public', async () => {
      const anonymous = await request(api.url, 'GET', '/health');
      expect(anonymous.status).toBe(200);
      expect(anonymous.body).toEqual({ status: 'ok', message: 'AI service is healthy' });
      const res = await request(api.url, 'GET', '/health', { token: tokenFor(admin) });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('ok');
      expect(res.body.checks.mongo.status).toBe('up');
      expect(res.body.checks.redis.status).toBe('up');
      expect(Object.keys(res.body.checks.queues).sort()).toEqual([
        'alerts',
        'expense-parsing',
        'reports',
        'suggestions',
        'titles',
      ]);
      expect(res.body.checks.queues['expense-parsing'].workers).toBeGreaterThanOrEqual(1);
    });

    it('answers 503 naming Redis (to an admin) while it is down, and recovers without a restart', async () => {
      await redis.stop();
      try {
        const anonymous = await request(api.url, 'GET', '/health');
        expect(anonymous.status).toBe(503);
        expect(anonymous.body).toEqual({ status: 'unavailable', message: 'AI service is unavailable' });
        const res = await request(api.url, 'GET', '/health', { token: tokenFor(admin) });
        expect(res.status).toBe(503);
        expect(res.body.status).toBe('unavailable');
        expect(res.body.checks.redis).toEqual({
          status: 'down',
          error: expect.stringMatching(/^(timeout|unreachable)$/),
        });
        expect(res.body.checks.mongo.status).toBe('up');
      } finally {
        await redis.start();
      }
      const back = await eventually(
        () => request(api.url, 'GET', '/health', { token: tokenFor(admin) }),
        (r) => r.status === 200,
        15_000,
        200,
      );
      expect(back.body.checks.redis.status).toBe('up');
    });
  });

  describe('HTTP authentication', () => {
    it('accepts a token signed by jsonwebtoken the way the main backend signs it', async () => {
      const res = await request(api.url, 'GET', '/expenses/categories', { token: tokenFor(user) });
      expect(res.status).toBe(200);
      expect(res.body.categories).toContain('Groceries');
    });

    const refusals: [string, () => Promise<string | undefined>, number, string][] = [
      ['no token', async () => undefined, 401, 'token_missing'],
      ['a malformed token', async () => 'not-a-jwt', 401, 'token_invalid'],
      ['alg none', async () => unsignedToken({ id: user._id.toHexString(), role: 'ADMIN' }), 401, 'token_invalid'],
      [
        'a wrong secret',
        async () => signMainBackendToken({ id: user._id.toHexString() }, { secret: 'another-secret-entirely' }),
        401,
        'token_invalid',
      ],
      [
        'an expired token',
        async () =>
          jwt.sign(
            { id: user._id.toHexString(), exp: Math.floor(Date.now() / 1000) - 60 },
            'test-secret-shared-with-main-backend',
          ),
        401,
        'token_expired',
      ],
      [
        'RS256 instead of HS256',
        async () => {
          const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
          return jwt.sign({ id: user._id.toHexString() }, privateKey, { algorithm: 'RS256' });
        },
        401,
        'token_invalid',
      ],
      ['an id that is not an ObjectId', async () => signMainBackendToken({ id: 'abc' }), 401, 'token_invalid'],
      [
        'a user that does not exist',
        async () => signMainBackendToken({ id: new ObjectId().toHexString() }),
        401,
        'user_not_found',
      ],
      ['a soft-deleted user', async () => tokenFor(await seedUser(db, { isDeleted: true })), 401, 'user_not_found'],
      ['a blocked user', async () => tokenFor(await seedUser(db, { status: 'blocked' })), 403, 'user_blocked'],
    ];

    it.each(refusals)('refuses %s', async (_name, makeToken, status, code) => {
      const res = await request(api.url, 'GET', '/expenses/categories', { token: await makeToken() });
      expect(res.status).toBe(status);
      expect(res.body).toMatchObject({ statusCode: status, code });
      expect(typeof res.body.message).toBe('string');
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(js|ts):\d+/);
    });

    it('notices a user blocked after login once the cached lookup expires', async () => {
      const later = await seedUser(db);
      const token = tokenFor(later);
      expect((await request(api.url, 'GET', '/expenses/categories', { token })).status).toBe(200);
      await db.collection('users').updateOne({ _id: later._id }, { $set: { status: 'blocked' } });
      const res = await eventually(
        () => request(api.url, 'GET', '/expenses/categories', { token }),
        (r) => r.status !== 200,
        3000,
      );
      expect(res.status).toBe(403);
    });

    it('lets admins through the admin guard and answers 403 to other users', async () => {
      const asAdmin = await request(api.url, 'GET', '/admin/ai-usage', { token: tokenFor(admin) });
      expect(asAdmin.status).toBe(200);
      expect(Array.isArray(asAdmin.body.rows)).toBe(true);
      const asUser = await request(api.url, 'GET', '/admin/ai-usage', { token: tokenFor(user) });
      expect(asUser.status).toBe(403);
      expect(asUser.body.code).toBe('admin_only');
      // The database decides the role: a USER who forges nothing but claims ADMIN in a validly signed token stays a USER.
      const claimed = await request(api.url, 'GET', '/admin/ai-usage', { token: tokenFor(user, { role: 'ADMIN' }) });
      expect(claimed.status).toBe(403);
      expect((await request(api.url, 'GET', '/admin/ai-usage')).status).toBe(401);
    });
  });

  describe('Socket.IO handshake', () => {
    it('accepts auth.token and serves the user', async () => {
      const socket = connect({ token: tokenFor(user) });
      expect(await handshake(socket)).toEqual({ ok: true });
      const me = await socket.timeout(2000).emitWithAck('whoami');
      expect(me).toEqual({ id: user._id.toHexString(), role: 'USER' });
    });

    it('accepts ?token= for older clients', async () => {
      const socket = connect(undefined, { token: tokenFor(user) });
      expect(await handshake(socket)).toEqual({ ok: true });
    });

    it.each<[string, () => Record<string, unknown> | undefined, number, string]>([
      ['no token', () => undefined, 401, 'token_missing'],
      ['alg none', () => ({ token: unsignedToken({ id: user._id.toHexString() }) }), 401, 'token_invalid'],
      [
        'an expired token',
        () => ({ token: signMainBackendToken({ id: user._id.toHexString() }, { expiresIn: -10 }) }),
        401,
        'token_expired',
      ],
      [
        'a missing user',
        () => ({ token: signMainBackendToken({ id: new ObjectId().toHexString() }) }),
        401,
        'user_not_found',
      ],
    ])('refuses %s with connect_error carrying the status', async (_n, auth, status, code) => {
      const result = await handshake(connect(auth()));
      expect(result).toMatchObject({ ok: false, data: { status, code } });
    });

    it('refuses a blocked user with 403', async () => {
      const blocked = await seedUser(db, { status: 'blocked' });
      expect(await handshake(connect({ token: tokenFor(blocked) }))).toMatchObject({
        ok: false,
        data: { status: 403, code: 'user_blocked' },
      });
    });
  });

  describe('request handling', () => {
    it('serves the OpenAPI document at /docs', async () => {
      const doc = await request(api.url, 'GET', '/docs/openapi.json');
      expect(doc.status).toBe(200);
      expect(Object.keys(doc.body.paths)).toEqual(
        expect.arrayContaining(['/health', '/expenses/parse', '/expenses/parse/{id}']),
      );
      expect((await request(api.url, 'GET', '/docs')).status).toBe(200);
    });

    it('sets security headers and a request id', async () => {
      const res = await request(api.url, 'GET', '/health', { headers: { 'x-request-id': 'trace-123' } });
      expect(res.headers.get('x-request-id')).toBe('trace-123');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-powered-by')).toBeNull();
      // Any origin may call with a bearer token, but never in credentials mode.
      const cors = await request(api.url, 'GET', '/health', { headers: { origin: 'https://evil.example' } });
      expect(cors.headers.get('access-control-allow-origin')).toBe('*');
      expect(cors.headers.get('access-control-allow-credentials')).toBeNull();
    });

    it('refuses a body over the configured limit with 413 JSON', async () => {
      const res = await request(api.url, 'POST', '/expenses/parse', {
        token: tokenFor(user),
        body: { text: 'x'.repeat(200_000) },
      });
      expect(res.status).toBe(413);
      expect(res.body.code).toBe('payload_too_large');
    });

    it('refuses unknown fields and wrong types with one JSON error shape', async () => {
      const token = tokenFor(user);
      const extra = await request(api.url, 'POST', '/expenses/parse', {
        token,
        body: { text: 'coffee £3', admin: true },
      });
      expect(extra.status).toBe(400);
      expect(extra.body).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'validation_failed' });
      expect(extra.body.details.join(' ')).toMatch(/admin should not exist/);
      const injected = await request(api.url, 'POST', '/expenses/parse', { token, body: { text: { $gt: '' } } });
      expect(injected.status).toBe(400);
      const badJson = await request(api.url, 'POST', '/expenses/parse', { token, rawBody: '{"text": ' });
      expect(badJson.status).toBe(400);
      expect(badJson.body).toMatchObject({ code: 'invalid_json', message: 'Request body is not valid JSON' });
    });

    it('rate limits expense parsing per user with headers and 429 + Retry-After', async () => {
      const limited = await startApi({
        ...config,
        // Four a minute, at most two in any half minute.
        expenses: { ...config.expenses, rateLimit: 4, rateWindowMs: 60_000 },
      });
      try {
        const token = tokenFor(await seedUser(db));
        const first = await request(limited.url, 'POST', '/expenses/parse', { token, body: { text: 'tea £2' } });
        expect(first.status).toBe(202);
        expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
        await request(limited.url, 'POST', '/expenses/parse', { token, body: { text: 'tea £2' } });
        const before = await db.collection('expense_parses').countDocuments();
        const refused = await request(limited.url, 'POST', '/expenses/parse', { token, body: { text: 'tea £2' } });
        expect(refused.status).toBe(429);
        expect(refused.body.code).toBe('rate_limited');
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(await db.collection('expense_parses').countDocuments()).toBe(before);
      } finally {
        await limited.close();
      }
    });

    it('answers 400 for a malformed id and 404 for an unknown one', async () => {
      const token = tokenFor(user);
      expect((await request(api.url, 'GET', '/expenses/parse/123', { token })).body.code).toBe('invalid_id');
      expect((await request(api.url, 'GET', `/expenses/parse/${new ObjectId().toHexString()}`, { token })).status).toBe(
        404,
      );
    });
  });

  describe('enqueue -> worker -> Mongo round trip', () => {
    it('parses an expense through the queue and the model, stores it, and accounts the usage', async () => {
      infra.model.enqueue({
        match: matchers.lastUserIncludes('Walmart'),
        json: {
          amount: 45.5,
          currency: 'USD',
          category: 'Groceries',
          description: 'Groceries at Walmart',
          date: '2026-11-24',
          unparseableReason: null,
        },
        usage: { prompt_tokens: 120, completion_tokens: 30 },
      } as any);
      const token = tokenFor(user);
      const accepted = await request(api.url, 'POST', '/expenses/parse', {
        token,
        body: { text: 'Bought groceries at Walmart for $45.50' },
      });
      expect(accepted.status).toBe(202);
      expect(accepted.body).toEqual({ id: expect.stringMatching(/^[0-9a-f]{24}$/), status: 'processing' });

      const done = await eventually(
        () => request(api.url, 'GET', `/expenses/parse/${accepted.body.id}`, { token }),
        (r) => r.body.status !== 'processing',
      );
      expect(done.body).toMatchObject({
        status: 'completed',
        result: {
          amount: 45.5,
          currency: 'USD',
          category: 'Groceries',
          description: 'Groceries at Walmart',
          date: '2026-11-24',
        },
        error: null,
      });

      const stored = await db.collection('expense_parses').findOne({ _id: new ObjectId(accepted.body.id) });
      expect(stored).toMatchObject({ status: 'completed', attempts: 1, userId: user._id });
      const usage = await db.collection('ai_usage').findOne({ userId: user._id, feature: 'expense-parse' });
      expect(usage).toMatchObject({ success: true, inputTokens: 120, outputTokens: 30 });
      expect(JSON.stringify(usage)).not.toContain('Walmart');

      // The model saw the text as quoted data with the configured category list.
      const sent = infra.model.requests.at(-1)!.body as any;
      expect(sent.response_format.type).toBe('json_schema');
      expect(sent.messages[1].content).toContain('<user_text>');

      // Another user cannot read it.
      const other = await seedUser(db);
      expect(
        (await request(api.url, 'GET', `/expenses/parse/${accepted.body.id}`, { token: tokenFor(other) })).status,
      ).toBe(404);
    });

    it('lets an in-flight job finish when the worker shuts down gracefully', async () => {
      infra.model.enqueue({
        match: matchers.lastUserIncludes('Lunch'),
        json: {
          amount: 12,
          currency: 'GBP',
          category: 'Dining',
          description: 'Lunch',
          date: '2026-11-20',
          unparseableReason: null,
        },
        delayMs: 800,
      } as any);
      const token = tokenFor(user);
      const accepted = await request(api.url, 'POST', '/expenses/parse', { token, body: { text: 'Lunch £12' } });
      await eventually(
        async () => infra.model.stats.inFlight,
        (n) => n > 0,
        5000,
        10,
      );
      await worker.close(); // waits for the active job before resolving
      const stored = await db.collection('expense_parses').findOne({ _id: new ObjectId(accepted.body.id) });
      expect(stored).toMatchObject({ status: 'completed', result: { amount: 12, category: 'Dining' } });
      worker = await startWorker(config);
    });
  });
});
