/** Types and argument helpers shared by every command handler. */
import type { CursorManager } from '../cursors';
import { CommandError } from '../errors';
import { compileFilter, type EngineOptions } from '../query-engine';
import { validateCollectionName, type Collection, type Store } from '../storage';
import { bsonType, isPlainObject, valueKey, type Doc } from '../values';

export interface ServerStats {
  connectionsOpened: number;
  activeConnections: number;
  /** Commands received, by name (including unsupported ones). */
  commands: Record<string, number>;
  /** Sessions the clients ended or killed (endSessions/killSessions entries). */
  endedSessions: number;
}

export interface ServerState {
  store: Store;
  cursors: CursorManager;
  stats: ServerStats;
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

/** Engine options that resolve `$lookup` & co. against the command's database. */
export function engineOptions(ctx: CommandContext, variables?: unknown): EngineOptions {
  return {
    variables: isPlainObject(variables) ? variables : undefined,
    resolveCollection: (name) => ctx.server.store.collection(ctx.db, name)?.documents() ?? [],
  };
}

/**
 * Documents matching `filter` in natural order. Filters on a single `_id`
 * value (or `$in` list) look documents up directly instead of scanning,
 * which keeps findById/save-style traffic cheap on bigger collections.
 */
export function findMatching(
  collection: Collection,
  filter: unknown,
  opts: EngineOptions & { limit?: number } = {},
): Doc[] {
  const predicate = compileFilter(filter, opts);
  const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
  let candidates: Iterable<Doc> = collection.documents();
  const ids = isPlainObject(filter) ? directIds(filter._id) : undefined;
  if (ids) {
    const byId = new Map<string, Doc>();
    for (const id of ids) {
      const doc = collection.getById(id);
      if (doc) byId.set(valueKey(doc._id), doc);
    }
    // keep natural order among the hits
    candidates = byId.size > 1 ? collection.documents().filter((d) => byId.has(valueKey(d._id))) : byId.values();
  }
  const out: Doc[] = [];
  for (const doc of candidates) {
    if (out.length >= limit) break;
    if (predicate(doc)) out.push(doc);
  }
  return out;
}

/** `_id` values a filter pins down exactly (scalar, `$eq` or a `$in` of scalars); undefined when a scan is needed. */
function directIds(idFilter: unknown): unknown[] | undefined {
  const isPattern = (v: unknown): boolean => v instanceof RegExp || bsonType(v) === 'BSONRegExp';
  if (idFilter === undefined || Array.isArray(idFilter) || isPattern(idFilter)) return undefined;
  if (!isPlainObject(idFilter)) return [idFilter];
  const keys = Object.keys(idFilter);
  if (keys.length === 0 || !keys[0].startsWith('$')) return [idFilter]; // embedded-document _id
  if (keys.length !== 1) return undefined;
  if (keys[0] === '$eq') return directIds(idFilter.$eq);
  const list = idFilter.$in;
  if (
    keys[0] === '$in' &&
    Array.isArray(list) &&
    list.every((v) => !Array.isArray(v) && !isPattern(v) && !isPlainObject(v))
  )
    return list;
  return undefined;
}
