/** The embedded-database chooser. */
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo, startEmbeddedMongo as startTestMongo, uniqueDbName, uniqueDbUri } from './embedded-mongo';
import { MongodDriver, RunningMongod } from './mongod-driver';

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

/** A mongod driver whose steps do what a test says; by default a binary is on disk and starts. */
function fakeDriver(steps: Partial<MongodDriver> = {}) {
  const running: RunningMongod = { uri: 'mongodb://127.0.0.1:27999', stop: jest.fn(async () => undefined) };
  const driver = {
    version: jest.fn(async () => '8.2.6'),
    locate: jest.fn(async (): Promise<string | undefined> => '/cache/mongod'),
    download: jest.fn(async () => '/downloads/mongod'),
    start: jest.fn(async () => running),
    ...steps,
  };
  return { driver, running };
}

/** The wire server the chooser fell back to really stores documents. */
async function expectUsable(uri: string): Promise<void> {
  const client = await MongoClient.connect(uniqueDbUri(uri, 'fallback'), { serverSelectionTimeoutMS: 2_000 });
  try {
    await client.db().collection('c').insertOne({ ok: true });
    expect(await client.db().collection('c').countDocuments()).toBe(1);
  } finally {
    await client.close();
  }
}

describe('startEmbeddedMongo with failures injected', () => {
  const noUri = { env: {} as NodeJS.ProcessEnv };

  it('starts a binary already on disk with the persistent dbPath, without downloading', async () => {
    const { driver, running } = fakeDriver();
    const mongo = await startEmbeddedMongo({ ...noUri, mongod: driver, downloadDir: '/dl', dbPath: '/data/mongo' });
    expect(mongo).toMatchObject({ kind: 'memory-server', uri: running.uri, dbPath: '/data/mongo' });
    expect(driver.locate).toHaveBeenCalledWith('/dl');
    expect(driver.download).not.toHaveBeenCalled();
    expect(driver.start).toHaveBeenCalledWith('/cache/mongod', '/data/mongo');
    await mongo.stop();
    expect(running.stop).toHaveBeenCalledTimes(1);
  });

  it('downloads a missing binary once when allowed, says so, and starts what it downloaded', async () => {
    const { driver } = fakeDriver({ locate: jest.fn(async () => undefined) });
    const lines: string[] = [];
    const mongo = await startEmbeddedMongo({ ...noUri, mongod: driver, downloadDir: '/dl', log: (l) => lines.push(l) });
    expect(mongo.kind).toBe('memory-server');
    expect(driver.download).toHaveBeenCalledTimes(1);
    expect(driver.download).toHaveBeenCalledWith('/dl');
    expect(driver.start).toHaveBeenCalledWith('/downloads/mongod', undefined);
    expect(lines[0]).toMatch(/downloading mongod 8\.2\.6 into \/dl/);
    expect(lines[1]).toMatch(/downloaded mongod 8\.2\.6 in \d+\.\d s/);
  });

  it('never downloads without a downloadDir (the tests), and says why it fell back', async () => {
    const { driver } = fakeDriver({ locate: jest.fn(async () => undefined) });
    const mongo = await startEmbeddedMongo({ ...noUri, mongod: driver });
    try {
      expect(driver.download).not.toHaveBeenCalled();
      expect(mongo).toMatchObject({ kind: 'wire', fallbackReason: 'no mongod binary on disk' });
      await expectUsable(mongo.uri);
    } finally {
      await mongo.stop();
    }
  });

  it('a failed download is tried exactly once, then the wire server runs with the reason', async () => {
    const { driver } = fakeDriver({
      locate: jest.fn(async () => undefined),
      download: jest.fn(async () => {
        throw new Error('getaddrinfo ENOTFOUND fastdl.mongodb.org');
      }),
    });
    const mongo = await startEmbeddedMongo({ ...noUri, mongod: driver, downloadDir: '/dl', dbPath: '/data/mongo' });
    try {
      expect(driver.download).toHaveBeenCalledTimes(1);
      expect(driver.start).not.toHaveBeenCalled();
      expect(mongo.kind).toBe('wire');
      expect(mongo.dbPath).toBeUndefined();
      expect(mongo.fallbackReason).toMatch(
        /^mongod download failed after \d+\.\d s: getaddrinfo ENOTFOUND fastdl\.mongodb\.org$/,
      );
      await expectUsable(mongo.uri);
    } finally {
      await mongo.stop();
    }
  });

  it('a download that never finishes is abandoned at its bound', async () => {
    const { driver } = fakeDriver({
      locate: jest.fn(async () => undefined),
      download: jest.fn(() => new Promise<string>(() => undefined)),
    });
    const mongo = await startEmbeddedMongo({ ...noUri, mongod: driver, downloadDir: '/dl', downloadTimeoutMs: 50 });
    try {
      expect(mongo.kind).toBe('wire');
      expect(mongo.fallbackReason).toMatch(/^mongod download not finished after .*goes on in the background/);
    } finally {
      await mongo.stop();
    }
  });

  it('a MONGOMS_SYSTEM_BINARY that is not there is reported, not replaced by a download', async () => {
    const { driver } = fakeDriver({
      locate: jest.fn(async () => {
        throw new Error('No Binary at path "/opt/mongod" was found! (ENOENT) (systemBinary)');
      }),
    });
    const mongo = await startEmbeddedMongo({ ...noUri, mongod: driver, downloadDir: '/dl' });
    try {
      expect(driver.download).not.toHaveBeenCalled();
      expect(mongo.kind).toBe('wire');
      expect(mongo.fallbackReason).toBe(
        'no usable mongod binary (No Binary at path "/opt/mongod" was found! (ENOENT) (systemBinary))',
      );
    } finally {
      await mongo.stop();
    }
  });

  it('a binary lookup that hangs falls through', async () => {
    const { driver } = fakeDriver({ locate: jest.fn(() => new Promise<undefined>(() => undefined)) });
    const mongo = await startEmbeddedMongo({ ...noUri, mongod: driver, downloadDir: '/dl', locateTimeoutMs: 50 });
    try {
      expect(driver.download).not.toHaveBeenCalled();
      expect(mongo.kind).toBe('wire');
      expect(mongo.fallbackReason).toMatch(/^no usable mongod binary \(no answer within/);
    } finally {
      await mongo.stop();
    }
  });

  it('a mongod that throws on start falls through with its error', async () => {
    const { driver } = fakeDriver({
      start: jest.fn(async () => {
        throw new Error('Instance closed unexpectedly with code "100" and signal "null"');
      }),
    });
    const mongo = await startEmbeddedMongo({ ...noUri, mongod: driver, downloadDir: '/dl', dbPath: '/data/mongo' });
    try {
      expect(mongo.kind).toBe('wire');
      expect(mongo.fallbackReason).toBe(
        'mongod at /cache/mongod did not start (Instance closed unexpectedly with code "100" and signal "null")',
      );
      await expectUsable(mongo.uri);
    } finally {
      await mongo.stop();
    }
  });

  it('a mongod too slow to start is given up, and stopped once it does come up', async () => {
    let finishStarting!: (m: RunningMongod) => void;
    const late: RunningMongod = { uri: 'mongodb://127.0.0.1:27998', stop: jest.fn(async () => undefined) };
    const { driver } = fakeDriver({ start: jest.fn(() => new Promise<RunningMongod>((r) => (finishStarting = r))) });
    const mongo = await startEmbeddedMongo({ ...noUri, mongod: driver, startTimeoutMs: 50 });
    try {
      expect(mongo.kind).toBe('wire');
      expect(mongo.fallbackReason).toMatch(/^mongod at \/cache\/mongod did not start \(no answer within/);
      expect(late.stop).not.toHaveBeenCalled();
      finishStarting(late);
      await new Promise((r) => setImmediate(r));
      expect(late.stop).toHaveBeenCalledTimes(1);
    } finally {
      await mongo.stop();
    }
  });

  it('MONGODB_URI wins and no mongod step runs', async () => {
    const { driver } = fakeDriver();
    const mongo = await startEmbeddedMongo({
      env: { MONGODB_URI: 'mongodb://db:27017' },
      mongod: driver,
      downloadDir: '/dl',
    });
    expect(mongo).toMatchObject({ kind: 'external', uri: 'mongodb://db:27017' });
    expect(driver.locate).not.toHaveBeenCalled();
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
