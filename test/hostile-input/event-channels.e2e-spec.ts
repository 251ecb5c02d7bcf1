import { Db, ObjectId } from 'mongodb';
import { io, Socket } from 'socket.io-client';
import { AppConfig, loadConfig } from '@app/config';
import { UserEventsPublisher, UserEvents } from '@app/queue';
import { eventually } from '../support/http';
import { connectDb, Infra, RunningApi, startApi, startInfra, testEnv, uniqueName } from '../support/stack';
import { signMainBackendToken } from '../support/tokens';
import { seedUser, SeedUser } from '../support/users';

type Received = { event: string; payload: unknown };

/**
 * Two deployments on one Redis (staging and production, say, behind the same main backend, so the same user ids):
 * an event the worker of one publishes for a user must reach that user's sockets on that deployment only. The
 * Socket.IO adapter and the worker's emitter share Pub/Sub channels; they carry QUEUE_PREFIX.
 */
describe('hostile input: socket event channels of two deployments on one Redis', () => {
  let infra: Infra;
  let configA: AppConfig;
  let configB: AppConfig;
  let apiA: RunningApi;
  let apiB: RunningApi;
  let db: Db;
  let closeDb: () => Promise<void>;
  let user: SeedUser;
  /** What each deployment's worker publishes through. */
  let publisherA: UserEventsPublisher;
  let publisherB: UserEventsPublisher;
  const sockets: Socket[] = [];

  async function connect(api: RunningApi, namespace: '' | '/chat'): Promise<Received[]> {
    const token = signMainBackendToken({ id: user._id.toHexString() });
    const socket = io(`${api.url}${namespace}`, {
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    sockets.push(socket);
    const received: Received[] = [];
    socket.onAny((event: string, payload: unknown) => received.push({ event, payload }));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return received;
  }

  beforeAll(async () => {
    infra = await startInfra();
    // One database (one main backend), two queue prefixes (two deployments), one Redis.
    const env = testEnv(infra);
    configA = loadConfig(env);
    configB = loadConfig({ ...env, QUEUE_PREFIX: uniqueName('fabtest') });
    expect(configB.queue.prefix).not.toBe(configA.queue.prefix);
    ({ db, close: closeDb } = await connectDb(configA));
    user = await seedUser(db);
    [apiA, apiB] = await Promise.all([startApi(configA), startApi(configB)]);
    publisherA = new UserEventsPublisher(configA);
    publisherB = new UserEventsPublisher(configB);
  });

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await publisherA?.onApplicationShutdown();
    await publisherB?.onApplicationShutdown();
    await Promise.all([apiA?.close(), apiB?.close()]);
    await closeDb?.();
    await infra?.stop();
  });

  it("delivers deployment A's events to the user's sockets on A only, in both namespaces", async () => {
    const onA = await connect(apiA, '');
    const onB = await connect(apiB, '');
    const chatOnA = await connect(apiA, '/chat');
    const chatOnB = await connect(apiB, '/chat');
    // A socket joins its user's room just after it connects: publish until A's sockets are reachable.
    const userId = user._id.toHexString();
    const done: UserEvents['report:done'] = { id: new ObjectId().toHexString(), type: 'debt', status: 'completed' };
    await eventually(
      async () => (publisherA.toUser(userId, 'report:done', done), onA.length > 0 && chatOnA.length > 0),
      (delivered) => delivered,
    );
    expect(onA[0]).toEqual({ event: 'report:done', payload: done });
    expect(chatOnA[0]).toEqual({ event: 'report:done', payload: done });

    // Redis delivers one channel's messages in order, so once B's own later event has arrived, anything of A's
    // that B's subscriber was going to see would already be there.
    const ownB: UserEvents['suggestions:ready'] = { id: new ObjectId().toHexString(), count: 3 };
    await eventually(
      async () => (publisherB.toUser(userId, 'suggestions:ready', ownB), onB.length > 0 && chatOnB.length > 0),
      (delivered) => delivered,
    );
    for (const received of [onB, chatOnB]) {
      expect(received.map((r) => r.event)).not.toContain('report:done');
      expect(received.every((r) => r.event === 'suggestions:ready')).toBe(true);
    }
    expect(onA.map((r) => r.event)).not.toContain('suggestions:ready');
    expect(chatOnA.map((r) => r.event)).not.toContain('suggestions:ready');
  });
});
