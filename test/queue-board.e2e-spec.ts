import { Db } from 'mongodb';
import { AppConfig } from '@app/config';
import { request } from './support/http';
import { connectDb, Infra, RunningApi, startApi, startInfra, testConfig } from './support/stack';
import { signMainBackendToken } from './support/tokens';
import { seedUser, SeedUser } from './support/users';

describe('operator dashboard at /admin/queues', () => {
  let infra: Infra;
  let config: AppConfig;
  let api: RunningApi;
  let db: Db;
  let closeDb: () => Promise<void>;
  let admin: SeedUser;
  let user: SeedUser;
  const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

  beforeAll(async () => {
    infra = await startInfra();
    config = testConfig(infra, { BULL_BOARD_USER: 'ops', BULL_BOARD_PASSWORD: 'a-long-ops-password' });
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

  const bearer = (u: SeedUser) => ({
    authorization: `Bearer ${signMainBackendToken({ id: u._id.toHexString(), role: u.role })}`,
  });

  it('serves the board to an admin token and lists every queue', async () => {
    const page = await fetch(`${api.url}/admin/queues`, { headers: bearer(admin) });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    const queues = await request(api.url, 'GET', '/admin/queues/api/queues', { headers: bearer(admin) });
    expect(queues.status).toBe(200);
    expect(queues.body.queues.map((q: { name: string }) => q.name).sort()).toEqual([
      'alerts',
      'expense-parsing',
      'reports',
      'suggestions',
      'titles',
    ]);
  });

  it('accepts the configured basic-auth pair for browsers', async () => {
    expect(
      (await fetch(`${api.url}/admin/queues`, { headers: { authorization: basic('ops', 'a-long-ops-password') } }))
        .status,
    ).toBe(200);
    expect(
      (
        await request(api.url, 'GET', '/admin/queues/api/queues', {
          headers: { authorization: basic('ops', 'wrong-password-here') },
        })
      ).status,
    ).toBe(401);
  });

  it('answers 401 with a basic-auth challenge to anonymous callers and 403 to non-admins', async () => {
    const anonymous = await request(api.url, 'GET', '/admin/queues/api/queues');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    expect(anonymous.body.code).toBe('token_missing');
    const asUser = await request(api.url, 'GET', '/admin/queues/api/queues', { headers: bearer(user) });
    expect(asUser.status).toBe(403);
    expect(asUser.body.code).toBe('admin_only');
  });
});
