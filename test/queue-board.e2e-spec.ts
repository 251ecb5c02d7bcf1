import { Db } from 'mongodb';
import { AppConfig } from '@app/config';
import { eventually, request } from './support/http';
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
    config = testConfig(infra, {
      BULL_BOARD_USER: 'ops',
      BULL_BOARD_PASSWORD: 'a-long-ops-password',
      BULL_BOARD_SESSION_TTL_MS: '120000',
      USER_CACHE_TTL_MS: '100',
    });
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

  const tokenOf = (u: SeedUser) => signMainBackendToken({ id: u._id.toHexString(), role: u.role });
  const bearer = (u: SeedUser) => ({ authorization: `Bearer ${tokenOf(u)}` });
  const html = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
  const form = (fields: Record<string, string>) => ({
    method: 'POST',
    redirect: 'manual' as const,
    headers: { ...html, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  /** The session cookie's name=value, ready for a Cookie header. */
  const sessionCookieOf = (res: Response) => {
    const line = res.headers.getSetCookie().find((c) => c.startsWith('fab_board_session='));
    return line?.split(';')[0];
  };
  async function signIn(u: SeedUser, headers: Record<string, string> = {}) {
    const res = await fetch(`${api.url}/admin/queues/sign-in`, {
      ...form({ token: tokenOf(u) }),
      headers: { ...form({}).headers, ...headers },
    });
    return { res, cookie: sessionCookieOf(res) };
  }

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

  it('shows a browser the login prompt and a page pointing to the admin sign-in', async () => {
    const res = await fetch(`${api.url}/admin/queues`, { headers: html });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="[^"]+"/);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toContain('href="/admin/queues/sign-in"');
  });

  it('exchanges an admin JWT for a short-lived HttpOnly, SameSite=Strict cookie scoped to the board', async () => {
    const page = await fetch(`${api.url}/admin/queues/sign-in`, { headers: html });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(await page.text()).toMatch(/<form method="post" action="\/admin\/queues\/sign-in">/);

    const before = Date.now();
    const { res, cookie } = await signIn(admin);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/queues');
    const line = res.headers.getSetCookie().find((c) => c.startsWith('fab_board_session='))!;
    expect(line).toMatch(/; Path=\/admin\/queues(;|$)/);
    expect(line).toMatch(/; HttpOnly(;|$)/);
    expect(line).toMatch(/; SameSite=Strict(;|$)/);
    expect(line).not.toMatch(/; Secure/); // plain http here: a Secure cookie would never come back
    const expires = Date.parse(/Expires=([^;]+)/.exec(line)![1]);
    expect(expires).toBeGreaterThan(before);
    expect(expires).toBeLessThanOrEqual(before + 120_000 + 1000);
    expect(cookie).not.toContain(tokenOf(admin).split('.')[1]);

    const queues = await request(api.url, 'GET', '/admin/queues/api/queues', { headers: { cookie: cookie! } });
    expect(queues.status).toBe(200);
    expect(queues.body.queues).toHaveLength(5);
    const board = await fetch(`${api.url}/admin/queues`, { headers: { ...html, cookie: cookie! } });
    expect(board.status).toBe(200);
    const session = await fetch(`${api.url}/admin/queues/sign-in`, { headers: { ...html, cookie: cookie! } });
    expect(await session.text()).toContain(`Signed in as <strong>${admin.email}</strong>`);
  });

  it('marks the cookie Secure when the browser came over https through a proxy', async () => {
    const { cookie, res } = await signIn(admin, { 'x-forwarded-proto': 'https' });
    expect(cookie).toBeDefined();
    expect(res.headers.getSetCookie().find((c) => c.startsWith('fab_board_session='))).toMatch(/; Secure(;|$)/);
  });

  it('refuses a non-admin, a bad token and an empty form, without a cookie', async () => {
    const asUser = await signIn(user);
    expect(asUser.res.status).toBe(403);
    expect(asUser.cookie).toBeUndefined();
    expect(await asUser.res.text()).toContain('Administrator role required');

    const json = await request(api.url, 'POST', '/admin/queues/sign-in', { body: { token: tokenOf(user) } });
    expect(json.status).toBe(403);
    expect(json.body.code).toBe('admin_only');
    const forged = signMainBackendToken({ id: admin._id.toHexString(), role: 'ADMIN' }, { secret: 'not-our-secret' });
    const bad = await request(api.url, 'POST', '/admin/queues/sign-in', { body: { token: forged } });
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('token_invalid');
    const empty = await request(api.url, 'POST', '/admin/queues/sign-in', { body: {} });
    expect(empty.status).toBe(400);
    expect(empty.body.code).toBe('token_missing');
  });

  it('refuses and clears a cookie that is not a board session, such as a main-backend token', async () => {
    const res = await fetch(`${api.url}/admin/queues/api/queues`, {
      headers: { cookie: `fab_board_session=${tokenOf(admin)}` },
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: string }).code).toBe('session_expired');
    expect(res.headers.getSetCookie().join()).toMatch(/fab_board_session=;.*Expires=Thu, 01 Jan 1970/);
  });

  it('ends a session once its admin is demoted or blocked', async () => {
    const demoted = await seedUser(db, { role: 'ADMIN' });
    const blocked = await seedUser(db, { role: 'ADMIN' });
    const a = (await signIn(demoted)).cookie!;
    const b = (await signIn(blocked)).cookie!;
    const boardWith = (cookie: string) => request(api.url, 'GET', '/admin/queues/api/queues', { headers: { cookie } });
    expect((await boardWith(a)).status).toBe(200);
    expect((await boardWith(b)).status).toBe(200);
    await db.collection('users').updateOne({ _id: demoted._id }, { $set: { role: 'USER' } });
    await db.collection('users').updateOne({ _id: blocked._id }, { $set: { status: 'blocked' } });
    const afterDemotion = await eventually(
      () => boardWith(a),
      (r) => r.status !== 200,
    );
    expect(afterDemotion.status).toBe(403);
    expect(afterDemotion.body.code).toBe('admin_only');
    expect(afterDemotion.headers.getSetCookie().join()).toMatch(/fab_board_session=;/);
    const afterBlock = await eventually(
      () => boardWith(b),
      (r) => r.status !== 200,
    );
    expect(afterBlock.status).toBe(403);
    expect(afterBlock.body.code).toBe('user_blocked');
  });

  it('signs out by clearing the cookie', async () => {
    const res = await fetch(`${api.url}/admin/queues/sign-out`, { ...form({}) });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/queues/sign-in');
    expect(res.headers.getSetCookie().join()).toMatch(
      /fab_board_session=; Path=\/admin\/queues;.*Expires=Thu, 01 Jan 1970/,
    );
  });

  it("refuses board writes another site's page made a browser send, even with the basic-auth pair", async () => {
    const auth = { authorization: basic('ops', 'a-long-ops-password') };
    const resume = (headers: Record<string, string>) =>
      request(api.url, 'PUT', '/admin/queues/api/queues/titles/resume', { headers: { ...auth, ...headers } });
    const crossSite = await resume({ 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(crossSite.body.code).toBe('cross_site_request');
    expect((await resume({ origin: 'https://evil.example' })).body.code).toBe('cross_site_request');
    // From our own page or a script the request gets past this check, to the read-only board's refusal.
    expect((await resume({ 'sec-fetch-site': 'same-origin', origin: api.url })).body.code).toBe('board_read_only');
    expect((await resume({})).body.code).toBe('board_read_only'); // curl and scripts send neither header
    const signOut = await request(api.url, 'POST', '/admin/queues/sign-out', {
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(signOut.status).toBe(403);
  });
});
