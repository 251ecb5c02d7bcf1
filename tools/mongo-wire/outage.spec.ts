/**
 * suspend()/resume(): the in-process server going away like a crashed mongod and coming back on the same port
 * with its data, so fault tests can show what the application does while its database is unreachable.
 */
import { MongoClient } from 'mongodb';
import { uniqueDbName } from '../embedded-mongo/embedded-mongo';
import { isListening } from '../ports';
import { startMongoWireServer, type MongoWireServer } from './index';

describe('mongo-wire outage (suspend / resume)', () => {
  let server: MongoWireServer;
  let client: MongoClient;

  beforeEach(async () => {
    server = await startMongoWireServer();
    // Short timeouts so refused operations fail fast; long enough for the monitor to find a resumed server.
    client = await MongoClient.connect(server.uri, { serverSelectionTimeoutMS: 1_500, heartbeatFrequencyMS: 500 });
  });
  afterEach(async () => {
    await client?.close();
    await server?.close();
  });

  it('refuses connections while suspended, then serves the same data on the same port to the same client', async () => {
    const coll = client.db(uniqueDbName('outage')).collection('items');
    await coll.insertMany([{ n: 1 }, { n: 2 }]);

    await server.suspend();
    expect(await isListening(server.port)).toBe(false);
    // The pooled connection finds its socket ended (how depends on timing); then nothing is listening.
    await expect(coll.countDocuments()).rejects.toThrow();
    await expect(coll.countDocuments()).rejects.toThrow(/ECONNREFUSED/);

    await server.resume();
    expect(await isListening(server.port)).toBe(true);
    // No new client: the driver's monitor finds the server again by itself.
    expect(await coll.countDocuments()).toBe(2);
    await coll.insertOne({ n: 3 });
    expect((await coll.find().sort({ n: 1 }).toArray()).map((d) => d.n)).toEqual([1, 2, 3]);
  });

  it('drops every open connection and cursor at once, as a crash would', async () => {
    const coll = client.db(uniqueDbName('outage')).collection('items');
    await coll.insertMany(Array.from({ length: 5 }, (_, n) => ({ n })));
    const cursor = coll.find({}, { batchSize: 2 });
    await cursor.next();
    expect(server.stats()).toMatchObject({ openCursors: 1 });
    expect(server.stats().activeConnections).toBeGreaterThan(0);

    await server.suspend();
    expect(server.stats()).toMatchObject({ openCursors: 0, activeConnections: 0 });
    await server.resume();
    // The cursor's server side died with its connection: fetching the next batch fails, the client recovers.
    await expect(cursor.toArray()).rejects.toThrow();
    expect(await coll.countDocuments()).toBe(5);
  });

  it('treats repeated calls as no-ops and still closes cleanly while suspended', async () => {
    await server.suspend();
    await server.suspend();
    await server.close();
    await expect(server.resume()).rejects.toThrow(/closed/);
  });

  it('resumes twice without complaint', async () => {
    await server.resume();
    await server.suspend();
    await server.resume();
    await server.resume();
    // A retryable read: the first attempt may still meet a pooled connection from before the outage.
    expect(await client.db(uniqueDbName('outage')).collection('items').countDocuments()).toBe(0);
  });
});
