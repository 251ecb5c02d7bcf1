/**
 * The MongoDB the tests and `npm start` talk to, best first:
 *  1. `MONGODB_URI` when set: an external server, left running on stop();
 *  2. a real mongod through mongodb-memory-server: a binary already on disk (MONGOMS_SYSTEM_BINARY or a download
 *     cache), else, only when the caller passes `downloadDir` (npm start does, tests never do, so CI stays
 *     hermetic), one bounded download attempt. With `dbPath` its data survives a restart;
 *  3. the in-process wire-protocol server in ../mongo-wire, data in memory, with the reason a mongod was not used.
 * Every step with a mongod is bounded in time, so a machine without one falls through within seconds.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { startMongoWireServer } from '../mongo-wire';
import { MongodDriver, mongodDriver } from './mongod-driver';

export type EmbeddedMongoKind = 'external' | 'memory-server' | 'wire';

export interface EmbeddedMongo {
  /** Server URI without a database path (see uniqueDbUri). */
  uri: string;
  kind: EmbeddedMongoKind;
  /** Where a memory-server keeps data that survives a restart; unset when data is temporary or in memory. */
  dbPath?: string;
  /** Why no real mongod runs (kind 'wire'), in a few words for the launcher's banner. */
  fallbackReason?: string;
  stop(): Promise<void>;
}

export interface EmbeddedMongoOptions {
  /** Where MONGODB_URI is read; process.env by default. */
  env?: NodeJS.ProcessEnv;
  /** Allows downloading a missing mongod into this folder. Unset (tests): never download. */
  downloadDir?: string;
  /** Keeps mongod's data files here across restarts. Unset: a temporary folder removed on stop(). */
  dbPath?: string;
  /** Progress lines (a download can take a minute). */
  log?: (line: string) => void;
  locateTimeoutMs?: number;
  downloadTimeoutMs?: number;
  startTimeoutMs?: number;
  /** The real mongodb-memory-server by default; tests pass one that fails in chosen ways. */
  mongod?: MongodDriver;
}

/** How long we wait to learn whether a mongod binary is already on disk. */
const LOCATE_BINARY_TIMEOUT_MS = 1_500;
/** A whole download (~80 MB). An unreachable host fails at once; a stalled transfer at the library's 60 s. */
const DOWNLOAD_TIMEOUT_MS = 180_000;
/** How long a found binary gets to start before we give up on it. */
const MEMORY_SERVER_START_TIMEOUT_MS = 20_000;

export async function startEmbeddedMongo(opts: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  const external = (opts.env ?? process.env).MONGODB_URI?.trim();
  if (external) return { uri: external, kind: 'external', stop: async () => undefined };

  const mongod = await tryMongod(opts);
  if (typeof mongod !== 'string') return mongod;

  const wire = await startMongoWireServer({ port: 0 });
  return { uri: wire.uri, kind: 'wire', fallbackReason: mongod, stop: () => wire.close() };
}

/** A running mongod, or the reason there is none. */
async function tryMongod(opts: EmbeddedMongoOptions): Promise<EmbeddedMongo | string> {
  const driver = opts.mongod ?? mongodDriver;
  const log = opts.log ?? (() => undefined);

  let binary: string | undefined;
  try {
    binary = await bounded(driver.locate(opts.downloadDir), opts.locateTimeoutMs ?? LOCATE_BINARY_TIMEOUT_MS);
  } catch (err) {
    return `no usable mongod binary (${oneLine(err)})`;
  }
  if (!binary) {
    if (!opts.downloadDir) return 'no mongod binary on disk';
    const version = await driver.version();
    log(`no mongod on disk: downloading mongod ${version} into ${shortPath(opts.downloadDir)} (once)...`);
    const started = Date.now();
    try {
      binary = await bounded(driver.download(opts.downloadDir), opts.downloadTimeoutMs ?? DOWNLOAD_TIMEOUT_MS);
    } catch (err) {
      if (err instanceof StepTimeout) {
        return `mongod download not finished after ${seconds(started)}; it goes on in the background for the next start`;
      }
      return `mongod download failed after ${seconds(started)}: ${oneLine(err)}`;
    }
    log(`downloaded mongod ${version} in ${seconds(started)}`);
  }

  const starting = driver.start(binary, opts.dbPath);
  try {
    const server = await bounded(starting, opts.startTimeoutMs ?? MEMORY_SERVER_START_TIMEOUT_MS);
    return { uri: server.uri, kind: 'memory-server', dbPath: opts.dbPath, stop: server.stop };
  } catch (err) {
    // Too slow: once it does come up, shut it down so no mongod is left behind.
    void starting.then((late) => late.stop()).catch(() => undefined);
    return `mongod at ${binary} did not start (${oneLine(err)})`;
  }
}

class StepTimeout extends Error {}

/** `promise`, or a StepTimeout rejection after `ms`. */
function bounded<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StepTimeout(`no answer within ${ms / 1000} s`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim();
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

function shortPath(p: string): string {
  const relative = path.relative(process.cwd(), p);
  return relative && !relative.startsWith('..') ? relative : p;
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
