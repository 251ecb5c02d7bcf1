import { setTimeout as sleep } from 'node:timers/promises';
import mongoose, { type Connection } from 'mongoose';
import { loadConfig } from '@app/config';
import { startTestMongo, uniqueDbUri, type TestMongo } from '../../../test/support/mongo';
import { RoundTripCounter } from './round-trips';

/** The counter against a real MongoDB connection: what it counts, and which work it samples. */
describe('RoundTripCounter', () => {
  let mongo: TestMongo;
  let connection: Connection;
  const connections: Connection[] = [];

  beforeAll(async () => {
    mongo = await startTestMongo();
  });
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.close()));
    await mongo.stop();
  });

  /** A counter on a connection of its own (one counter listens per connection, as in the app). */
  const counter = async (sampleMs: number) => {
    // As DatabaseModule connects: command events on.
    connection = await mongoose
      .createConnection(uniqueDbUri(mongo.uri, 'roundtrips'), { monitorCommands: true })
      .asPromise();
    connections.push(connection);
    const config = loadConfig({
      MONGODB_URI: 'mongodb://127.0.0.1:27017/unused',
      JWT_SECRET: 'a-long-enough-secret',
      OPENAI_API_KEY: 'sk-test',
      CHAT_ROUND_TRIPS_SAMPLE_MS: String(sampleMs),
    });
    const made = new RoundTripCounter(connection, config);
    made.onModuleInit();
    return made;
  };
  /** `n` commands, one after another, each behind a timer so concurrent work interleaves. */
  const commands = async (n: number) => {
    for (let i = 0; i < n; i++) {
      await sleep(5);
      await connection.db!.collection('items').findOne({ n: i });
    }
    return n;
  };

  it('counts each piece of concurrent work apart when it counts every one', async () => {
    const all = await counter(0);
    const [one, three] = await Promise.all([all.count(() => commands(1)), all.count(() => commands(3))]);
    expect(one).toEqual({ value: 1, roundTrips: 1 });
    expect(three).toEqual({ value: 3, roundTrips: 3 });
  });

  it('samples one piece of work at a time, at most one per interval, and still runs the rest', async () => {
    const sampled = await counter(300);
    const started = Date.now();
    const [first, beside] = await Promise.all([sampled.count(() => commands(2)), sampled.count(() => commands(1))]);
    const took = Date.now() - started;
    expect(first).toEqual({ value: 2, roundTrips: 2 });
    expect(beside).toEqual({ value: 1, roundTrips: null });
    expect(await sampled.count(() => commands(1))).toEqual({ value: 1, roundTrips: null });
    // Past the interval, and past twenty times the sample's own length (a slow machine's).
    await sleep(Math.max(started + 350, started + took * 21) - Date.now());
    expect(await sampled.count(() => commands(3))).toEqual({ value: 3, roundTrips: 3 });
  });

  it('under load samples less often, so the tracking stays on for a small share of the time', async () => {
    const sampled = await counter(100);
    const started = Date.now();
    expect(await sampled.count(() => commands(4))).toEqual({ value: 4, roundTrips: 4 });
    const took = Date.now() - started;
    // Past the interval, but not yet twenty times the sample's length since it began (nor ten intervals).
    const held = Math.min(Math.max(100, took * 20), 1000);
    await sleep(Math.max(0, started + Math.max(110, took * 5) - Date.now()));
    expect(await sampled.count(() => commands(1))).toEqual({ value: 1, roundTrips: null });
    await sleep(Math.max(0, started + held + 20 - Date.now()));
    expect(await sampled.count(() => commands(1))).toEqual({ value: 1, roundTrips: 1 });
  });

  it('holds sampling back after one slow sample for at most ten intervals', async () => {
    const sampled = await counter(10);
    const started = Date.now();
    // About 300 ms: twenty times that would be six seconds; ten intervals are 100 ms.
    await sampled.count(async () => {
      await sleep(300);
      return commands(1);
    });
    await sleep(Math.max(0, started + 110 - Date.now()));
    expect(await sampled.count(() => commands(1))).toEqual({ value: 1, roundTrips: 1 });
  });

  it('passes a failure of the work through, and samples again afterwards', async () => {
    const sampled = await counter(1);
    const started = Date.now();
    await expect(
      sampled.count(async () => {
        await commands(1);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await sleep((Date.now() - started) * 21);
    expect(await sampled.count(() => commands(1))).toEqual({ value: 1, roundTrips: 1 });
  });
});
