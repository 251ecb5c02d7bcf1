import { Db } from 'mongodb';
import { AppConfig } from '@app/config';
import { request } from '../support/http';
import { connectDb, Infra, RunningApi, startApi, startInfra, testConfig } from '../support/stack';
import { signMainBackendToken } from '../support/tokens';
import { seedUser, SeedUser } from '../support/users';

const METRICS_TOKEN = 'metrics-token-for-the-health-suite';

/**
 * /health is public, so it says only whether the service is up. Which dependency is down, queue names and
 * depths, worker counts, the model mode and uptime are for admins and the metrics token. Each call pings
 * MongoDB and Redis and counts every queue, so it is throttled per client IP.
 */
describe('hostile input: /health', () => {
  let infra: Infra;
  let config: AppConfig;
  let api: RunningApi;
  let db: Db;
  let closeDb: () => Promise<void>;
  let admin: SeedUser;
  let user: SeedUser;
  let nextIp = 10;

  /** Each test speaks from its own client IP (through X-Forwarded-For), so the throttle of one never meets another. */
  const freshClient = () => `203.0.113.${nextIp++}`;
  const health = (ip: string, headers: Record<string, string> = {}) =>
    request(api.url, 'GET', '/health', { headers: { 'x-forwarded-for': ip, ...headers } });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    infra = await startInfra();
    config = testConfig(infra, { METRICS_TOKEN, HEALTH_RATE_LIMIT: '5', TRUST_PROXY: '1' });
    ({ db, close: closeDb } = await connectDb(config));
    admin = await seedUser(db, { role: 'ADMIN' });
    user = await seedUser(db);
    api = await startApi(config);
  });

  afterAll(async () => {
    await api?.close();
    await closeDb?.();
    await infra?.stop();
  });

  it('tells the public only that the service is up', async () => {
    const res = await health(freshClient());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', message: 'AI service is healthy' });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('tells users, forged admins and wrong metrics tokens no more than the public', async () => {
    const ip = freshClient();
    const callers: [string, Record<string, string>][] = [
      ['a user', bearer(signMainBackendToken({ id: user._id.toHexString() }))],
      ['a user whose token claims ADMIN', bearer(signMainBackendToken({ id: user._id.toHexString(), role: 'ADMIN' }))],
      [
        'an admin token signed with another secret',
        bearer(signMainBackendToken({ id: admin._id.toHexString(), role: 'ADMIN' }, { secret: 'not-the-secret' })),
      ],
      ['a wrong metrics token', bearer(`${METRICS_TOKEN}-but-not-quite`)],
      ['the metrics token as basic auth', { authorization: `Basic ${Buffer.from(METRICS_TOKEN).toString('base64')}` }],
    ];
    for (const [who, headers] of callers) {
      const res = await health(ip, headers);
      expect({ who, status: res.status, body: res.body }).toEqual({
        who,
        status: 200,
        body: { status: 'ok', message: 'AI service is healthy' },
      });
    }
  });

  it('gives admins and the metrics token every check', async () => {
    const ip = freshClient();
    for (const headers of [
      bearer(signMainBackendToken({ id: admin._id.toHexString(), role: 'ADMIN' })),
      bearer(METRICS_TOKEN),
    ]) {
      const res = await health(ip, headers);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'ok',
        checks: { mongo: { status: 'up' }, redis: { status: 'up' } },
        model: { mode: 'remote' },
      });
      expect(Object.keys(res.body.checks.queues).sort()).toEqual([
        'alerts',
        'expense-parsing',
        'reports',
        'suggestions',
        'titles',
      ]);
    }
  });

  it('throttles each client IP with 429 and Retry-After, details callers included, other IPs unaffected', async () => {
    const ip = freshClient();
    for (let i = 0; i < 5; i++) expect((await health(ip)).status).toBe(200);
    const throttled = await health(ip);
    expect(throttled.status).toBe(429);
    expect(throttled.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', code: 'rate_limited' });
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    const withToken = await health(ip, bearer(METRICS_TOKEN));
    expect(withToken.status).toBe(429);
    expect(withToken.body.checks).toBeUndefined();
    expect((await health(freshClient())).status).toBe(200);
  });

  it('cannot dodge the throttle by varying the request', async () => {
    const ip = freshClient();
    const variants = ['/health', '/health/', '/HEALTH', '/health?x=1', '/health?x=2', '/health#frag'];
    const statuses: number[] = [];
    for (const path of variants)
      statuses.push((await request(api.url, 'GET', path, { headers: { 'x-forwarded-for': ip } })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });
});
