/** Types and argument helpers shared by every command handler. */
import type { CursorManager } from '../cursors';
import type { FailCommandPoint } from './fail-points';
import { CommandError } from '../errors';
import { compileFilter, type EngineOptions } from '../query-engine';
import { validateCollectionName, type Collection, type Store } from '../storage';
import { isPlainObject, valueKey, type Doc } from '../values';

export interface ServerStats {
  connectionsOpened: number;
  activeConnections: number;
  /** Commands received, by name (including unsupported ones). */
  commands: Record<string, number>;
  /** Sessions the clients ended or killed (endSessions/killSessions entries). */
  endedSessions: number;
  /**
   * Stored documents queries read, scans and index candidates alike (mongod's
   * `metrics.queryExecutor.scannedObjects`): shows whether indexes narrowed them.
   */
  documentsExamined: number;
}

export interface ServerState {
  store: Store;
  cursors: CursorManager;
  stats: ServerStats;
  /** The failCommand fail point, while configured (commands/fail-points.ts). */
  failCommand: FailCommandPoint | null;
}

export interface ConnectionInfo {
  id: number;
}

export interface CommandContext {
  server: ServerState;
  connection: ConnectionInfo;
  /** Target database (`$db`). */
  db: string;
  /** Command name: the first field of the command document. */
  name: string;
  command: Doc;
  /** Key of the command's logical session (`lsid`), if any. */
  session?: string;
}

/** Handlers return the reply without `ok`; throwing a CommandError yields an `ok: 0` reply. */
export type CommandHandler = (ctx: CommandContext) => Doc;

export function sessionKey(lsid: unknown): string | undefined {
  return isPlainObject(lsid) && lsid.id !== undefined ? valueKey(lsid.id) : undefined;
}

/** The collection named by the command's first field (e.g. `{find: 'users'}`). */
export function collectionName(ctx: CommandContext): string {
  return validateCollectionName(ctx.db, ctx.command[ctx.name]);
}

export function existingCollection(ctx: CommandContext): Collection | undefined {
  return ctx.server.store.collection(ctx.db, collectionName(ctx));
}

export function optionalObject(ctx: CommandContext, field: string): Doc | undefined {
  const v = ctx.command[field];
  if (v === undefined || v === null) return undefined;
  if (!isPlainObject(v))
    throw new CommandError(
      'TypeMismatch',
      `BSON field '${ctx.name}.${field}' is the wrong type '${Array.isArray(v) ? 'array' : typeof v}', expected type 'object'`,
    );
  return v;
}

export function requiredArray(ctx: CommandContext, field: string): unknown[] {
  const v = ctx.command[field];
  if (v === undefined)
    throw new CommandError('FailedToParse', `BSON field '${ctx.name}.${field}' is missing but a required field`);
  if (!Array.isArray(v))
    throw new CommandError(
      'TypeMismatch',
      `BSON field '${ctx.name}.${field}' is the wrong type '${typeof v}', expected type 'array'`,
    );
  return v;
}

/** Engine options of a command: counts what it reads into the server's stats. */
export interface CommandEngineOptions extends EngineOptions {
  stats: ServerStats;
}

/**
 * Engine options that resolve `$lookup` & co. against the command's database;
 * `foreign` holds the narrowed stand-ins a rewritten pipeline names instead
 * (see pipeline-narrowing.ts).
 */
export function engineOptions(
  ctx: CommandContext,
  variables?: unknown,
  foreign?: ReadonlyMap<string, Doc[]>,
): CommandEngineOptions {
  const { stats } = ctx.server;
  return {
    variables: isPlainObject(variables) ? variables : undefined,
    // A fresh array each time: the engine receives it to own.
    resolveCollection: (name) =>
      foreign?.get(name)?.slice() ?? ctx.server.store.collection(ctx.db, name)?.documents() ?? [],
    resolveKeyed: (from, field, value) => ctx.server.store.collection(ctx.db, from)?.candidates({ [field]: value }),
    onForeignRead: () => stats.documentsExamined++,
    stats,
  };
}

/**
 * Documents matching `filter` in natural order. Filters pinning `_id` or an
 * indexed field to exact values read only the documents holding them
 * (Collection#candidates), which keeps findById- and per-user traffic cheap on
 * bigger collections.
 */
export function findMatching(
  collection: Collection,
  filter: unknown,
  opts: CommandEngineOptions & { limit?: number },
): Doc[] {
  const predicate = compileFilter(filter, opts);
  const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
  const candidates = collection.candidates(filter) ?? collection.documents();
  const out: Doc[] = [];
  for (const doc of candidates) {
    if (out.length >= limit) break;
    opts.stats.documentsExamined++;
    if (predicate(doc)) out.push(doc);
  }
  return out;
}
