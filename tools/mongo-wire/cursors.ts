/**
 * Server-side cursors for find/aggregate/listCollections/listIndexes.
 *
 * Results are computed eagerly and handed out in batches: the first batch
 * defaults to 101 documents like mongod, getMore batches are unbounded by
 * count, and every batch stops before the 16 MiB reply limit. Cursors belong
 * to a namespace (getMore on another one is refused like mongod does) and to
 * the session that opened them, so endSessions/killSessions reap them.
 */
import { BSON, Long } from 'bson';
import { CommandError } from './errors';
import { MAX_BSON_OBJECT_SIZE } from './protocol';
import type { Doc } from './values';

const DEFAULT_FIRST_BATCH = 101;
/** Leaves room for the reply envelope around the batch. */
const MAX_BATCH_BYTES = MAX_BSON_OBJECT_SIZE - 64 * 1024;
/** mongod's default cursorTimeoutMillis. */
const IDLE_TIMEOUT_MS = 10 * 60 * 1000;

interface ServerCursor {
  id: bigint;
  ns: string;
  remaining: Doc[];
  position: number;
  session?: string;
  lastUsed: number;
}

export interface CursorReply extends Doc {
  cursor: { id: Long; ns: string; firstBatch?: Doc[]; nextBatch?: Doc[] };
}

export interface OpenCursorOptions {
  ns: string;
  batchSize?: number;
  singleBatch?: boolean;
  /** Session key (from `lsid`) that owns the cursor. */
  session?: string;
}

export class CursorManager {
  private readonly cursors = new Map<bigint, ServerCursor>();
  // Random start so ids from different server instances are unlikely to collide in logs.
  private nextId = BigInt(Math.floor(Math.random() * 2 ** 40)) + 1n;

  get openCount(): number {
    return this.cursors.size;
  }

  /** Returns the first batch, keeping a cursor open only if documents remain. */
  open(docs: Doc[], opts: OpenCursorOptions): CursorReply {
    this.reapIdle();
    const batch = takeBatch(docs, 0, opts.batchSize ?? DEFAULT_FIRST_BATCH);
    let id = 0n;
    if (!opts.singleBatch && batch.length < docs.length) {
      id = this.nextId++;
      this.cursors.set(id, {
        id,
        ns: opts.ns,
        remaining: docs,
        position: batch.length,
        session: opts.session,
        lastUsed: Date.now(),
      });
    }
    return { cursor: { firstBatch: batch, id: Long.fromBigInt(id), ns: opts.ns } };
  }

  getMore(rawId: unknown, ns: string, batchSize?: number): CursorReply {
    this.reapIdle();
    const id = toCursorId(rawId);
    const cursor = this.cursors.get(id);
    if (!cursor) throw new CommandError('CursorNotFound', `cursor id ${id} not found`);
    if (cursor.ns !== ns) {
      throw new CommandError(
        'Unauthorized',
        `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${cursor.ns}`,
      );
    }
    const batch = takeBatch(cursor.remaining, cursor.position, batchSize && batchSize > 0 ? batchSize : Infinity);
    cursor.position += batch.length;
    cursor.lastUsed = Date.now();
    let replyId = id;
    if (cursor.position >= cursor.remaining.length) {
      this.cursors.delete(id);
      replyId = 0n;
    }
    return { cursor: { nextBatch: batch, id: Long.fromBigInt(replyId), ns } };
  }

  /** killCursors semantics: returns which ids were killed and which were unknown. */
  kill(rawIds: unknown[]): { killed: Long[]; notFound: Long[] } {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const raw of rawIds) {
      const id = toCursorId(raw);
      (this.cursors.delete(id) ? killed : notFound).push(Long.fromBigInt(id));
    }
    return { killed, notFound };
  }

  killSessionCursors(sessions: Set<string>): void {
    for (const [id, cursor] of this.cursors)
      if (cursor.session && sessions.has(cursor.session)) this.cursors.delete(id);
  }

  clear(): void {
    this.cursors.clear();
  }

  private reapIdle(): void {
    const cutoff = Date.now() - IDLE_TIMEOUT_MS;
    for (const [id, cursor] of this.cursors) if (cursor.lastUsed < cutoff) this.cursors.delete(id);
  }
}

function toCursorId(raw: unknown): bigint {
  if (typeof raw === 'bigint') return raw;
  if (typeof raw === 'number' && Number.isInteger(raw)) return BigInt(raw);
  if (raw instanceof Long || (raw as { _bsontype?: string } | null)?._bsontype === 'Long')
    return BigInt((raw as Long).toString());
  throw new CommandError('TypeMismatch', `cursor id must be a long, found ${typeof raw}`);
}

/** Up to `count` documents from `start`, stopping before the reply would exceed the BSON size limit (always at least one). */
function takeBatch(docs: Doc[], start: number, count: number): Doc[] {
  const batch: Doc[] = [];
  let bytes = 0;
  for (let i = start; i < docs.length && batch.length < count; i++) {
    const size = BSON.calculateObjectSize(docs[i], { ignoreUndefined: true }) + 16;
    if (batch.length > 0 && bytes + size > MAX_BATCH_BYTES) break;
    batch.push(docs[i]);
    bytes += size;
  }
  return batch;
}
