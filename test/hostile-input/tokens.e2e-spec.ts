import jwt from 'jsonwebtoken';
import { Db, ObjectId } from 'mongodb';
import { loadConfig } from '@app/config';
import { dbSnapshot, handshakeRefusal } from '../support/hostile';
import { request } from '../support/http';
import { connectDb, Infra, RunningApi, startApi, startInfra, testEnv } from '../support/stack';
import { signMainBackendToken, TEST_JWT_SECRET } from '../support/tokens';
import { seedUser, SeedUser } from '../support/users';

const HOUR = 3600;

/**
 * Tokens the main backend would never issue, or that should no longer count: no expiry, a lifetime past
 * JWT_MAX_LIFETIME_S, the wrong issuer or audience, a role the user document does not give, a blocked status in
 * another case. Each is refused with its exact status and code, and changes nothing.
 */
describe('hostile input: tokens', () => {
  let infra: Infra;
  let db: Db;
  let closeDb: () => Promise<void>;
  /** Defaults: no iss/aud check, the default longest lifetime. */
  let api: RunningApi;
  /** JWT_MAX_LIFETIME_S=3600, JWT_ISSUER and JWT_AUDIENCE set. */
  let strict: RunningApi;
  let user: SeedUser;

  beforeAll(async () => {
    infra = await startInfra();
    const env = testEnv(infra, { USER_CACHE_TTL_MS: '0' });
    const config = loadConfig(env);
    ({ db, close: closeDb } = await connectDb(config));
    user = await seedUser(db);
    api = await startApi(config);
    strict = await startApi(
      loadConfig({
        ...env,
        JWT_MAX_LIFETIME_S: String(HOUR),
        JWT_ISSUER: 'reho-main-backend',
        JWT_AUDIENCE: 'finance-ai,reho-ai',
      }),
    );
  });

  afterAll(async () => {
    await strict?.close();
    await api?.close();
    await closeDb?.();
    await infra?.stop();
  });

  const sign = (claims: object, opts: jwt.SignOptions = {}) =>
    jwt.sign({ id: user._id.toHexString(), email: user.email, role: 'USER', ...claims }, TEST_JWT_SECRET, opts);

  /** A write (a chat turn, which would also call the model) refused with exactly this answer, changing nothing. */
  async function refusedWithoutChange(on: RunningApi, token: string, status: number, code: string) {
    const before = await dbSnapshot(db);
    const calls = infra.model.requests.length;
    const res = await request(on.url, 'POST', '/chat/messages', {
      token,
      body: { text: 'hello', clientMessageId: 'x' },
    });
    expect([res.status, res.body.code]).toEqual([status, code]);
    expect(res.body).toMatchObject({ statusCode: status, message: expect.any(String) });
    expect(infra.model.requests.length).toBe(calls);
    expect(await dbSnapshot(db)).toBe(before);
  }

  it('refuses a token without exp on HTTP and on both socket namespaces', async () => {
    const forever = sign({});
    expect(jwt.decode(forever)).not.toHaveProperty('exp');
    await refusedWithoutChange(api, forever, 401, 'token_invalid');
    expect((await request(api.url, 'GET', '/conversations', { token: forever })).status).toBe(401);
    expect(await handshakeRefusal(api.url, forever)).toEqual({ status: 401, code: 'token_invalid' });
    expect(await handshakeRefusal(`${api.url}/chat`, forever)).toEqual({ status: 401, code: 'token_invalid' });
  });

  it("accepts the lifetimes real tokens have (npm start's 7 days) and refuses one past JWT_MAX_LIFETIME_S", async () => {
    const sevenDays = sign({}, { expiresIn: '7d' });
    expect((await request(api.url, 'GET', '/conversations', { token: sevenDays })).status).toBe(200);

    const claims = { issuer: 'reho-main-backend', audience: 'reho-ai' };
    const hour = sign({}, { expiresIn: HOUR, ...claims });
    expect((await request(strict.url, 'GET', '/conversations', { token: hour })).status).toBe(200);
    const longer = sign({}, { expiresIn: HOUR + 60, ...claims });
    await refusedWithoutChange(strict, longer, 401, 'token_invalid');
    // An iat set in the future does not make a far exp look short.
    const now = Math.floor(Date.now() / 1000);
    const postdated = sign({ iat: now + 30 * 24 * HOUR, exp: now + 30 * 24 * HOUR + 60 }, claims);
    await refusedWithoutChange(strict, postdated, 401, 'token_invalid');
    expect(await handshakeRefusal(`${strict.url}/chat`, longer)).toEqual({ status: 401, code: 'token_invalid' });
  });

  it('checks iss and aud when they are configured, and only then', async () => {
    const plain = sign({}, { expiresIn: '1h' });
    const wrongIssuer = sign({}, { expiresIn: '1h', issuer: 'someone-else', audience: 'reho-ai' });
    const wrongAudience = sign({}, { expiresIn: '1h', issuer: 'reho-main-backend', audience: 'another-app' });
    const right = sign({}, { expiresIn: '1h', issuer: 'reho-main-backend', audience: 'finance-ai' });
    for (const token of [plain, wrongIssuer, wrongAudience]) {
      await refusedWithoutChange(strict, token, 401, 'token_invalid');
      expect(await handshakeRefusal(strict.url, token)).toEqual({ status: 401, code: 'token_invalid' });
    }
    expect((await request(strict.url, 'GET', '/conversations', { token: right })).status).toBe(200);
    expect(await handshakeRefusal(strict.url, right)).toBe('connected');
    // Unconfigured, the main backend's tokens (which carry neither) and these all pass.
    for (const token of [plain, wrongIssuer, right])
      expect((await request(api.url, 'GET', '/conversations', { token })).status).toBe(200);
  });

  it('takes the role from the user document only: no role on the document is USER, whatever the token claims', async () => {
    const noRole = await seedUser(db);
    await db.collection('users').updateOne({ _id: noRole._id }, { $unset: { role: '' } });
    const claimsAdmin = signMainBackendToken({ id: noRole._id.toHexString(), role: 'ADMIN' });
    for (const path of ['/admin/ai-usage', '/admin/alerts']) {
      const res = await request(api.url, 'GET', path, { token: claimsAdmin });
      expect([path, res.status, res.body.code]).toEqual([path, 403, 'admin_only']);
    }
    const before = await dbSnapshot(db);
    const patch = await request(api.url, 'PATCH', `/admin/alerts/${new ObjectId().toHexString()}`, {
      token: claimsAdmin,
      body: { status: 'resolved' },
    });
    expect([patch.status, patch.body.code]).toEqual([403, 'admin_only']);
    expect(await dbSnapshot(db)).toBe(before);
    // The document's role is what counts, in both directions.
    const admin = await seedUser(db, { role: 'ADMIN' });
    const real = signMainBackendToken({ id: admin._id.toHexString(), role: 'USER' });
    expect((await request(api.url, 'GET', '/admin/ai-usage', { token: real })).status).toBe(200);
  });

  it.each(['Blocked', 'BLOCKED', ' blocked'])('refuses a user whose status is %j as blocked', async (status) => {
    const blocked = await seedUser(db);
    await db.collection('users').updateOne({ _id: blocked._id }, { $set: { status } });
    const token = signMainBackendToken({ id: blocked._id.toHexString() });
    await refusedWithoutChange(api, token, 403, 'user_blocked');
    expect(await handshakeRefusal(api.url, token)).toEqual({ status: 403, code: 'user_blocked' });
    expect(await handshakeRefusal(`${api.url}/chat`, token)).toEqual({ status: 403, code: 'user_blocked' });
  });
});
