/**
 * The MongoDB the tests (and the dev "embedded MongoDB") talk to, picked in order:
 *  1. `MONGODB_URI` when set: an external server, left running on stop();
 *  2. mongodb-memory-server with a mongod binary that is ALREADY on disk
 *     (MONGOMS_SYSTEM_BINARY or its download cache). We never let it download:
 *     lookup is bounded so a machine without a binary falls through in well
 *     under a second;
 *  3. the in-process wire-protocol server in ./mongo-wire.
 */
import { randomBytes } from 'node:crypto';
import { startMongoWireServer } from '../mongo-wire';

export type EmbeddedMongoKind = 'external' | 'memory-server' | 'wire';

export interface EmbeddedMongo {
  /** Server URI without a database path (see uniqueDbUri). */
  uri: string;
  kind: EmbeddedMongoKind;
  stop(): Promise<void>;
}

/** How long we wait to learn whether a mongod binary is already on disk. */
const LOCATE_BINARY_TIMEOUT_MS = 1_500;
/** How long a found binary gets to start before we give up on it. */
const MEMORY_SERVER_START_TIMEOUT_MS = 20_000;

export async function startEmbeddedMongo(): Promise<EmbeddedMongo> {
  const external = process.env.MONGODB_URI?.trim();
  if (external) return { uri: external, kind: 'external', stop: async () => undefined };

  const memory = await tryMemoryServer();
  if (memory) return memory;

  const wire = await startMongoWireServer({ port: 0 });
  return { uri: wire.uri, kind: 'wire', stop: () => wire.close() };
}

async function tryMemoryServer(): Promise<EmbeddedMongo | undefined> {
  try {
    const { DryMongoBinary, MongoMemoryServer } = await import('mongodb-memory-server-core');
    // locateBinary only inspects MONGOMS_SYSTEM_BINARY and the download cache; it never downloads.
    const binary = await withTimeout(
      DryMongoBinary.locateBinary(DryMongoBinary.getEnsuredOptions()),
      LOCATE_BINARY_TIMEOUT_MS,
    );
    if (!binary) return undefined;
    // Passing the located path as systemBinary guarantees create() cannot fall back to downloading.
    const starting = MongoMemoryServer.create({ binary: { systemBinary: binary } });
    const server = await withTimeout(starting, MEMORY_SERVER_START_TIMEOUT_MS);
    if (!server) {
      // Too slow: let it finish in the background, then shut it down.
      void starting.then((late) => late.stop()).catch(() => undefined);
      return undefined;
    }
    return {
      uri: server.getUri().replace(/\/$/, ''),
      kind: 'memory-server',
      stop: async () => {
        await server.stop();
      },
    };
  } catch {
    return undefined;
  }
}

/** Resolves to undefined if `promise` has not settled within `ms`. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A database name that is unique per call and valid for MongoDB (≤ 63 bytes, no `/\\. "$*<>:|?`). */
export function uniqueDbName(prefix = 'test'): string {
  const safePrefix = prefix.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40);
  return `${safePrefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** `base` with its database path replaced by a fresh unique database; query options are kept. */
export function uniqueDbUri(base: string, prefix = 'test'): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(?:\/[^?]*)?(\?.*)?$/.exec(base.trim());
  if (!match) throw new Error(`uniqueDbUri: not a MongoDB connection string: ${base}`);
  return `${match[1]}/${uniqueDbName(prefix)}${match[2] ?? ''}`;
}
