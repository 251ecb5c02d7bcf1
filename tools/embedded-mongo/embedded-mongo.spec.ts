/** The embedded-database chooser. */
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo as startTestMongo, uniqueDbName, uniqueDbUri } from './embedded-mongo';

const ENV_KEYS = ['MONGODB_URI', 'MONGOMS_SYSTEM_BINARY'] as const;
let saved: Record<string, string | undefined>;

beforeEach(() => {
  saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
});
afterEach(() => {
  for (const k of ENV_KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe('startTestMongo', () => {
  it('uses MONGODB_URI as an external server and never stops it', async () => {
    process.env.MONGODB_URI = 'mongodb://example.invalid:27017';
    const mongo = await startTestMongo();
    expect(mongo).toMatchObject({ uri: 'mongodb://example.invalid:27017', kind: 'external' });
    await expect(mongo.stop()).resolves.toBeUndefined();
  });

  it('falls through to the wire server quickly when no mongod binary is on disk', async () => {
    delete process.env.MONGODB_URI;
    process.env.MONGOMS_SYSTEM_BINARY = '/nonexistent/mongod';
    const started = Date.now();
    const mongo = await startTestMongo();
    try {
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(mongo.kind).toBe('wire');
      expect(mongo.uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+$/);
      const client = await MongoClient.connect(uniqueDbUri(mongo.uri, 'chooser'), { serverSelectionTimeoutMS: 2_000 });
      await client.db().collection('c').insertOne({ ok: true });
      expect(await client.db().collection('c').countDocuments()).toBe(1);
      await client.close();
    } finally {
      await mongo.stop();
    }
  });

  it('on this machine (no binary cached, no env) picks the wire server in well under 2 s', async () => {
    delete process.env.MONGODB_URI;
    delete process.env.MONGOMS_SYSTEM_BINARY;
    const started = Date.now();
    const mongo = await startTestMongo();
    try {
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(['wire', 'memory-server']).toContain(mongo.kind);
    } finally {
      await mongo.stop();
    }
  });
});

describe('uniqueDbUri', () => {
  it('replaces the database path and keeps the options', () => {
    const uri = uniqueDbUri('mongodb://u:p@h1:1,h2:2/olddb?replicaSet=rs&authSource=admin', 'orders');
    expect(uri).toMatch(/^mongodb:\/\/u:p@h1:1,h2:2\/orders_[a-z0-9]+_[0-9a-f]{8}\?replicaSet=rs&authSource=admin$/);
    expect(uniqueDbUri('mongodb://127.0.0.1:27017', 'x')).toMatch(/^mongodb:\/\/127\.0\.0\.1:27017\/x_/);
    expect(uniqueDbUri('mongodb+srv://cluster.example.net/?retryWrites=true', 'y')).toMatch(
      /^mongodb\+srv:\/\/cluster\.example\.net\/y_\w+\?retryWrites=true$/,
    );
  });

  it('generates distinct, valid database names', () => {
    const names = new Set(Array.from({ length: 50 }, () => uniqueDbName('a.b/c d$e')));
    expect(names.size).toBe(50);
    for (const name of names) {
      expect(name).not.toMatch(/[/\\. "$*<>:|?]/);
      expect(Buffer.byteLength(name)).toBeLessThan(64);
    }
  });

  it('rejects strings that are not MongoDB URIs', () => {
    expect(() => uniqueDbUri('http://localhost', 'x')).toThrow(/not a MongoDB connection string/);
  });
});
