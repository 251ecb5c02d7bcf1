import { Db } from 'mongodb';
import { AppConfig, loadConfig } from '@app/config';
import { UserEventsPublisher } from '@app/queue';
import { connectRecorder, handshakeRefusal, SocketRecorder } from '../support/hostile';
import { eventually } from '../support/http';
import { connectDb, Infra, RunningApi, startApi, startInfra, testEnv } from '../support/stack';
import { signMainBackendToken } from '../support/tokens';
import { seedUser, SeedUser } from '../support/users';

const CACHE_TTL_MS = 300;

/**
 * An open socket stays only as allowed as its handshake: a user blocked or deleted since, or a token that has
 * expired since, loses every namespace's socket (told why by `session:ended`) without the client having to send
 * anything, and gets none of the user's events after that.
 */
describe('hostile input: open sockets are rechecked', () => {
  let infra: Infra;
  let config: AppConfig;
  let db: Db;
  let closeDb: () => Promise<void>;
  /** USER_CACHE_TTL_MS=300: the sweep rereads accounts every 150 ms. */
  let api: RunningApi;
  /** USER_CACHE_TTL_MS=0: every event reads the account afresh; the sweep runs once a second. */
  let uncached: RunningApi;
  let publisher: UserEventsPublisher;
  const recorders: SocketRecorder[] = [];

  beforeAll(async () => {
    infra = await startInfra();
    const env = testEnv(infra, { USER_CACHE_TTL_MS: String(CACHE_TTL_MS) });
    config = loadConfig(env);
    ({ db, close: closeDb } = await connectDb(config));
    api = await startApi(config);
    uncached = await startApi(loadConfig({ ...env, USER_CACHE_TTL_MS: '0' }));
    // What the worker publishes report, suggestion and title events with.
    publisher = new UserEventsPublisher(config);
  });

  afterAll(async () => {
    recorders.forEach((r) => r.socket.disconnect());
    await publisher?.onApplicationShutdown();
    await uncached?.close();
    await api?.close();
    await closeDb?.();
    await infra?.stop();
  });

  const tokenFor = (u: SeedUser, expiresInS = 3600) =>
    signMainBackendToken({ id: u._id.toHexString(), email: u.email, role: u.role }, { expiresIn: expiresInS });

  async function connect(url: string, token: string): Promise<SocketRecorder> {
    const recorder = await connectRecorder(url, token);
    recorders.push(recorder);
    // A round trip on the default namespace: by its answer the socket has joined the user's room.
    if (!url.endsWith('/chat')) await recorder.socket.timeout(5000).emitWithAck('whoami');
    return recorder;
  }

  const userEvents = (r: SocketRecorder) =>
    r.events.filter((e) => ['report:done', 'suggestions:ready', 'conversation:title'].includes(e.name));

  it("closes a blocked user's default-namespace socket with no client event, and sends it no more events", async () => {
    const eve = await seedUser(db, { name: 'Eve' });
    const bob = await seedUser(db, { name: 'Bob' });
    const eveSocket = await connect(api.url, tokenFor(eve));
    const bobSocket = await connect(api.url, tokenFor(bob));
    // Before the block the path works: Eve gets her report's progress.
    publisher.toUser(eve._id.toHexString(), 'report:progress', {
      id: 'r0',
      type: 'debt',
      status: 'running',
      progress: 5,
    });
    await eventually(
      async () => eveSocket.of('report:progress').length,
      (n) => n === 1,
    );

    await db.collection('users').updateOne({ _id: eve._id }, { $set: { status: 'Blocked' } });
    expect((await eveSocket.disconnected).reason).toBe('io server disconnect');
    expect(eveSocket.of('session:ended')).toEqual([
      { status: 403, code: 'user_blocked', message: 'User account is blocked' },
    ]);

    for (const u of [eve, bob]) {
      const id = u._id.toHexString();
      publisher.toUser(id, 'report:done', { id: `r-${id}`, type: 'debt', status: 'completed' });
      publisher.toUser(id, 'suggestions:ready', { id: `s-${id}`, count: 3 });
      publisher.toUser(id, 'conversation:title', { conversationId: `c-${id}`, title: 'Secret plans' });
    }
    // Bob, still allowed, gets his three; by then Eve's would have arrived too, had her socket stayed.
    await eventually(
      async () => userEvents(bobSocket).length,
      (n) => n === 3,
    );
    expect(bobSocket.socket.connected).toBe(true);
    expect(userEvents(eveSocket)).toEqual([]);
    expect(await handshakeRefusal(api.url, tokenFor(eve))).toEqual({ status: 403, code: 'user_blocked' });
  });

  it("closes a deleted user's sockets on every namespace", async () => {
    const dan = await seedUser(db, { name: 'Dan' });
    const token = tokenFor(dan);
    const onDefault = await connect(api.url, token);
    const onChat = await connect(`${api.url}/chat`, token);

    await db.collection('users').updateOne({ _id: dan._id }, { $set: { isDeleted: true } });
    const ended = { status: 401, code: 'user_not_found', message: 'User does not exist' };
    for (const r of [onDefault, onChat]) {
      expect((await r.disconnected).reason).toBe('io server disconnect');
      expect(r.of('session:ended')).toEqual([ended]);
    }
  });

  it('closes sockets on both namespaces when their token expires, not before', async () => {
    const tia = await seedUser(db, { name: 'Tia' });
    const token = tokenFor(tia, 2);
    const expiresAt = (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).exp as number) * 1000;
    const onDefault = await connect(api.url, token);
    const onChat = await connect(`${api.url}/chat`, token);
    for (const r of [onDefault, onChat]) {
      const { reason, at } = await r.disconnected;
      expect(reason).toBe('io server disconnect');
      expect(at).toBeGreaterThanOrEqual(expiresAt);
      expect(r.of('session:ended')).toEqual([{ status: 401, code: 'token_expired', message: 'Token has expired' }]);
    }
  });

  it('refuses a client event from a user blocked since the handshake, on both namespaces, and stores nothing', async () => {
    const mia = await seedUser(db, { name: 'Mia' });
    const token = tokenFor(mia);
    const onDefault = await connect(uncached.url, token);
    const onChat = await connect(`${uncached.url}/chat`, token);
    expect(await onDefault.socket.timeout(5000).emitWithAck('whoami')).toEqual({
      id: mia._id.toHexString(),
      role: 'USER',
    });

    // No cache on this api: the next event sees the block before the once-a-second sweep does.
    await db.collection('users').updateOne({ _id: mia._id }, { $set: { status: 'BLOCKED' } });
    const refusal = { ok: false, error: { status: 403, code: 'user_blocked', message: 'User account is blocked' } };
    expect(await onDefault.socket.timeout(5000).emitWithAck('whoami')).toEqual(refusal);
    expect(
      await onChat.socket
        .timeout(5000)
        .emitWithAck('message:send', { text: 'Am I still here?', clientMessageId: 'm1' }),
    ).toEqual(refusal);
    for (const r of [onDefault, onChat]) expect((await r.disconnected).reason).toBe('io server disconnect');
    expect(await db.collection('messages').countDocuments({ userId: mia._id })).toBe(0);
    expect(await db.collection('conversations').countDocuments({ userId: mia._id })).toBe(0);
    expect(infra.model.requests).toHaveLength(0);
  });
});
