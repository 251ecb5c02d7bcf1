import { Injectable } from '@nestjs/common';
import type { AnyBulkWriteOperation, Document } from 'mongodb';

/**
 * A collection as far as batching needs it. Structural: mongoose's models carry their own copy of the driver, whose
 * classes are not this package's (so its errors are recognised by name, not instanceof).
 */
export interface BulkWritable<T extends Document = Document> {
  bulkWrite(operations: AnyBulkWriteOperation<T>[], options: { ordered: boolean }): Promise<unknown>;
}

/** A statement the server refused, as a single write would have thrown it (the code says why: 11000, ...). */
export class RefusedWrite extends Error {
  constructor(
    message: string,
    readonly code: number | undefined,
  ) {
    super(message);
    this.name = 'RefusedWrite';
  }
}

interface WriteErrorEntry {
  index: number;
  code?: number;
  errmsg?: string;
}

interface Queued {
  op: AnyBulkWriteOperation;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Writes that need no answer but "done" (a usage row, a reply's final state, a conversation's counters), made
 * anywhere in this process in the same turn of the event loop, go to MongoDB as one unordered bulkWrite per
 * collection: one command per kind of write instead of one per write. Under load many chat turns end in the same
 * turn of the loop, and each command costs the driver, the socket and the server far more than one more statement
 * in it; an idle process sends batches of one, a few microseconds later than it would have alone.
 *
 * Each write still settles on its own: a statement the server refused (its `writeErrors` entry) rejects only its
 * own caller, with that error's code; a failure of the whole command rejects every caller in it. Unordered, so
 * only writes that do not depend on one another's order belong here (each to its own document, or commutative).
 */
@Injectable()
export class WriteBatches {
  private readonly queued = new Map<BulkWritable, Queued[]>();
  private scheduled = false;

  write<T extends Document>(collection: BulkWritable<T>, op: AnyBulkWriteOperation<T>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const target = collection as unknown as BulkWritable;
      let queue = this.queued.get(target);
      if (!queue) this.queued.set(target, (queue = []));
      queue.push({ op: op as AnyBulkWriteOperation, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batches = [...this.queued];
    this.queued.clear();
    for (const [collection, queue] of batches) void send(collection, queue);
  }
}

async function send(collection: BulkWritable, queue: Queued[]): Promise<void> {
  try {
    await collection.bulkWrite(
      queue.map((q) => q.op),
      { ordered: false },
    );
    for (const q of queue) q.resolve();
  } catch (err) {
    const refused = statementErrors(err);
    if (!refused) {
      for (const q of queue) q.reject(err);
      return;
    }
    queue.forEach((q, i) => {
      const error = refused.get(i);
      if (error) q.reject(error);
      else q.resolve();
    });
  }
}

/**
 * The statements the server refused, by position, each as the error a single write would have thrown; null when
 * the command as a whole failed (or its write concern did: then nothing is known to be written as asked).
 */
function statementErrors(err: unknown): Map<number, RefusedWrite> | null {
  const bulk = err as {
    name?: unknown;
    writeErrors?: WriteErrorEntry | WriteErrorEntry[];
    writeConcernError?: unknown;
  };
  if (bulk?.name !== 'MongoBulkWriteError' || !bulk.writeErrors || bulk.writeConcernError) return null;
  const entries = Array.isArray(bulk.writeErrors) ? bulk.writeErrors : [bulk.writeErrors];
  // The driver reports a command the server refused as a whole as a bulk error with no statement errors.
  if (!entries.length) return null;
  const refused = new Map<number, RefusedWrite>();
  for (const entry of entries) refused.set(entry.index, new RefusedWrite(entry.errmsg ?? 'write refused', entry.code));
  return refused;
}
