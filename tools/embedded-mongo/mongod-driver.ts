/**
 * A real `mongod` through mongodb-memory-server-core: find a binary already on disk, download one, start one.
 * The chooser (embedded-mongo.ts) decides which of these to try and bounds each in time.
 */
import { mkdir } from 'node:fs/promises';

export interface RunningMongod {
  /** Server URI without a database path. */
  uri: string;
  stop(): Promise<void>;
}

export interface MongodDriver {
  /** The version a download fetches (MONGOMS_VERSION or the library's default), for messages. */
  version(): Promise<string>;
  /** A mongod already on disk: MONGOMS_SYSTEM_BINARY, `downloadDir` or the library's caches. Never downloads. */
  locate(downloadDir?: string): Promise<string | undefined>;
  /** Downloads mongod into `downloadDir`, printing the library's progress lines; one attempt, no retries. */
  download(downloadDir: string): Promise<string>;
  /** Starts `binary`; with `dbPath` the data files live there and survive a restart, else in a temporary folder. */
  start(binary: string, dbPath?: string): Promise<RunningMongod>;
}

const lib = () => import('mongodb-memory-server-core');

export const mongodDriver: MongodDriver = {
  async version() {
    const { DryMongoBinary } = await lib();
    return DryMongoBinary.getEnsuredOptions().version;
  },

  async locate(downloadDir) {
    const { DryMongoBinary } = await lib();
    return DryMongoBinary.locateBinary(DryMongoBinary.getEnsuredOptions({ downloadDir }));
  },

  async download(downloadDir) {
    const { DryMongoBinary, MongoBinary } = await lib();
    await mkdir(downloadDir, { recursive: true });
    const options = await DryMongoBinary.generateOptions({ downloadDir });
    // The library retries network errors (3 attempts with growing back-off by default), which turns "no network"
    // into seconds of waiting; one attempt fails at once. MONGOMS_* is how the library reads its settings.
    try {
      return await withEnv({ MONGOMS_MAX_RETRIES: '1' }, () =>
        MongoBinary.download({ ...options, checkMD5: true, systemBinary: '' }),
      );
    } catch (err) {
      // The library's message repeats the whole URL over two lines; the cause alone ("getaddrinfo ENOTFOUND
      // fastdl.mongodb.org") says what went wrong.
      const detail = (err as { msg?: unknown }).msg;
      throw typeof detail === 'string' ? new Error(detail, { cause: err }) : err;
    }
  },

  async start(binary, dbPath) {
    const { MongoMemoryServer } = await lib();
    if (dbPath) await mkdir(dbPath, { recursive: true });
    const server = await MongoMemoryServer.create({
      // A located path as systemBinary means create() itself can never fall back to downloading.
      binary: { systemBinary: binary },
      // wiredTiger keeps data on disk; older mongod versions would otherwise default to an in-memory engine.
      instance: dbPath ? { dbPath, storageEngine: 'wiredTiger' } : {},
    });
    return {
      uri: server.getUri().replace(/\/$/, ''),
      // Without `force`, stop() removes only a temporary folder it created itself, never `dbPath`.
      stop: async () => {
        await server.stop();
      },
    };
  },
};

async function withEnv<T>(vars: Record<string, string>, run: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await run();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
