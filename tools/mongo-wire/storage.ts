/**
 * In-memory databases and collections.
 *
 * Documents live in a Map keyed by the canonical `_id` key, whose insertion
 * order is the collection's natural order. Stored documents are treated as
 * immutable: an update builds a new object and swaps it in, so cursors and
 * cached views that still hold the old version are never affected.
 *
 * A filter that pins `_id`, or the first field of a declared index, to exact
 * values is answered from the documents holding them (`candidates`), as
 * mongod's planner would, so its cost follows the matches rather than the
 * collection size. Each document keeps the sequence number of its insert so
 * those few candidates can be put back in natural order.
 */
import { UUID } from 'bson';
import { CommandError } from './errors';
import { duplicateKeyError, ID_INDEX_NAME, idIndexSpec, Index, sameIndexOptions, type IndexSpec } from './indexes';
import { pinnedFields, pinnedIds } from './pinned-values';
import { isPlainObject, valueKey, type Doc } from './values';

export class Collection {
  readonly uuid = new UUID();
  private readonly docs = new Map<string, Doc>();
  /** Insert sequence by `_id` key: the natural order, survives replace like the Map order does. */
  private readonly sequence = new Map<string, number>();
  private nextSequence = 0;
  /** Secondary indexes by name; `_id_` is implicit and enforced by `docs`. */
  private readonly indexes = new Map<string, Index>();

  constructor(
    readonly dbName: string,
    readonly name: string,
    readonly options: Doc = {},
  ) {}

  get ns(): string {
    return `${this.dbName}.${this.name}`;
  }

  get count(): number {
    return this.docs.size;
  }

  /** Snapshot of the documents in natural order. */
  documents(): Doc[] {
    return [...this.docs.values()];
  }

  /**
   * The documents that may match `filter`, in natural order, when it pins
   * `_id` or the first field of a usable index to exact values; undefined
   * when only a scan can answer it. Callers still apply the filter.
   */
  candidates(filter: unknown): Doc[] | undefined {
    if (!isPlainObject(filter)) return undefined;
    const ids = pinnedIds(filter._id);
    if (ids) return this.inNaturalOrder(ids.map(valueKey));
    let best: { index: Index; keys: string[]; size: number } | undefined;
    for (const [field, keys] of pinnedFields(filter)) {
      for (const index of this.indexes.values()) {
        if (!index.narrows(field)) continue;
        const size = index.estimate(keys);
        if (!best || size < best.size) best = { index, keys, size };
      }
    }
    return best && this.inNaturalOrder(best.index.candidateIds(best.keys));
  }

  /** Whether `candidates` answers exact equality on `field` (it is `_id` or an index may narrow it). */
  answersEquality(field: string): boolean {
    return field === '_id' || [...this.indexes.values()].some((index) => index.narrows(field));
  }

  private inNaturalOrder(idKeys: Iterable<string>): Doc[] {
    const hits: Array<[number, Doc]> = [];
    for (const idKey of new Set(idKeys)) {
      const doc = this.docs.get(idKey);
      if (doc) hits.push([this.sequence.get(idKey) ?? 0, doc]);
    }
    return hits.sort((a, b) => a[0] - b[0]).map(([, doc]) => doc);
  }

  insert(doc: Doc): void {
    const idKey = valueKey(doc._id);
    if (this.docs.has(idKey)) throw duplicateKeyError(this.ns, idIndexSpec(), { _id: doc._id });
    for (const index of this.indexes.values()) index.check(doc, idKey);
    for (const index of this.indexes.values()) index.add(doc, idKey);
    this.docs.set(idKey, doc);
    this.sequence.set(idKey, this.nextSequence++);
  }

  /** Swaps in a new version of a document; `_id` must be unchanged (callers enforce it with mongod's error). */
  replace(oldDoc: Doc, newDoc: Doc): void {
    const idKey = valueKey(oldDoc._id);
    if (this.docs.get(idKey) !== oldDoc)
      throw new CommandError('InternalError', 'document changed while it was being updated');
    for (const index of this.indexes.values()) index.check(newDoc, idKey);
    for (const index of this.indexes.values()) {
      index.remove(oldDoc, idKey);
      index.add(newDoc, idKey);
    }
    this.docs.set(idKey, newDoc); // Map.set on an existing key keeps the natural order
  }

  remove(doc: Doc): void {
    const idKey = valueKey(doc._id);
    if (this.docs.get(idKey) !== doc) return;
    for (const index of this.indexes.values()) index.remove(doc, idKey);
    this.docs.delete(idKey);
    this.sequence.delete(idKey);
  }

  indexSpecs(): IndexSpec[] {
    return [idIndexSpec(), ...[...this.indexes.values()].map((i) => i.spec)];
  }

  get indexCount(): number {
    return this.indexes.size + 1;
  }

  /**
   * Adds an index the way createIndexes does. Returns false when an identical
   * index already exists; throws mongod's conflict errors otherwise.
   */
  createIndex(spec: IndexSpec): boolean {
    if (spec.name === ID_INDEX_NAME || valueKey(spec.key) === valueKey({ _id: 1 })) {
      if (spec.name === ID_INDEX_NAME && valueKey(spec.key) !== valueKey({ _id: 1 })) {
        throw new CommandError(
          'IndexKeySpecsConflict',
          `An existing index has the same name as the requested index but different key: ${ID_INDEX_NAME}`,
        );
      }
      return false;
    }
    const sameName = this.indexes.get(spec.name);
    if (sameName) {
      if (valueKey(sameName.spec.key) !== valueKey(spec.key)) {
        throw new CommandError(
          'IndexKeySpecsConflict',
          `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(sameName.spec)}`,
        );
      }
      if (!sameIndexOptions(sameName.spec, spec)) {
        throw new CommandError(
          'IndexOptionsConflict',
          `An existing index has the same name as the requested index but different options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(sameName.spec)}`,
        );
      }
      return false;
    }
    // mongod allows one index per key pattern, unless they differ in partial filter or collation.
    const variant = (s: IndexSpec): string => valueKey([s.key, s.partialFilterExpression, s.collation]);
    for (const existing of this.indexes.values()) {
      if (variant(existing.spec) !== variant(spec)) continue;
      if (sameIndexOptions(existing.spec, spec)) {
        throw new CommandError('IndexOptionsConflict', `Index already exists with a different name: ${existing.name}`);
      }
      throw new CommandError(
        'IndexOptionsConflict',
        `An equivalent index already exists with a different name and options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(existing.spec)}`,
      );
    }
    // Build against current data first so a duplicate leaves the collection untouched.
    const index = new Index(spec, this.ns);
    for (const [idKey, doc] of this.docs) {
      index.check(doc, idKey);
      index.add(doc, idKey);
    }
    this.indexes.set(spec.name, index);
    return true;
  }

  /** Drops an index by name or key pattern. */
  dropIndex(nameOrKey: string | Doc): void {
    let index: Index | undefined;
    if (typeof nameOrKey === 'string') {
      if (nameOrKey === ID_INDEX_NAME) throw new CommandError('InvalidOptions', 'cannot drop _id index');
      index = this.indexes.get(nameOrKey);
      if (!index) throw new CommandError('IndexNotFound', `index not found with name [${nameOrKey}]`);
    } else {
      if (valueKey(nameOrKey) === valueKey({ _id: 1 }))
        throw new CommandError('InvalidOptions', 'cannot drop _id index');
      const key = valueKey(nameOrKey);
      const matches = [...this.indexes.values()].filter((i) => valueKey(i.spec.key) === key);
      if (matches.length === 0)
        throw new CommandError('IndexNotFound', `can't find index with key: ${JSON.stringify(nameOrKey)}`);
      if (matches.length > 1)
        throw new CommandError(
          'IndexNotFound',
          `${matches.length} indexes found for key: ${JSON.stringify(nameOrKey)}, identify by name instead.`,
        );
      index = matches[0];
    }
    this.indexes.delete(index.name);
  }

  dropAllIndexes(): void {
    this.indexes.clear();
  }
}

export class Database {
  readonly collections = new Map<string, Collection>();

  constructor(readonly name: string) {}
}

const INVALID_DB_CHARS = /[/\\. "$*<>:|?\0]/;

export function validateDbName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0 || name.length >= 64 || INVALID_DB_CHARS.test(name)) {
    throw new CommandError('InvalidNamespace', `Invalid database name: '${String(name)}'`);
  }
  return name;
}

export function validateCollectionName(db: string, name: unknown): string {
  if (typeof name !== 'string')
    throw new CommandError('InvalidNamespace', `collection name has invalid type ${typeof name}`);
  if (name.length === 0 || name.includes('\0') || name.includes('$') || name.startsWith('.')) {
    throw new CommandError('InvalidNamespace', `Invalid namespace specified '${db}.${name}'`);
  }
  return name;
}

export class Store {
  private readonly dbs = new Map<string, Database>();

  databases(): Database[] {
    return [...this.dbs.values()];
  }

  database(name: string): Database | undefined {
    return this.dbs.get(name);
  }

  collection(db: string, name: string): Collection | undefined {
    return this.dbs.get(db)?.collections.get(name);
  }

  /** Returns the collection, creating it (and its database) implicitly as writes do. */
  ensureCollection(db: string, name: string): Collection {
    return this.collection(db, name) ?? this.createCollection(db, name, {});
  }

  createCollection(db: string, name: string, options: Doc): Collection {
    validateDbName(db);
    validateCollectionName(db, name);
    let database = this.dbs.get(db);
    if (!database) {
      database = new Database(db);
      this.dbs.set(db, database);
    }
    if (database.collections.has(name))
      throw new CommandError('NamespaceExists', `Collection ${db}.${name} already exists.`);
    const collection = new Collection(db, name, options);
    database.collections.set(name, collection);
    return collection;
  }

  dropCollection(db: string, name: string): Collection | undefined {
    const database = this.dbs.get(db);
    const collection = database?.collections.get(name);
    if (!database || !collection) return undefined;
    database.collections.delete(name);
    if (database.collections.size === 0) this.dbs.delete(db); // mongod forgets empty databases
    return collection;
  }

  dropDatabase(name: string): void {
    this.dbs.delete(name);
  }

  renameCollection(fromDb: string, from: string, toDb: string, to: string, dropTarget: boolean): void {
    const source = this.collection(fromDb, from);
    if (!source) throw new CommandError('NamespaceNotFound', 'source namespace does not exist');
    if (this.collection(toDb, to)) {
      if (!dropTarget) throw new CommandError('NamespaceExists', 'target namespace exists');
      this.dropCollection(toDb, to);
    }
    const target = this.createCollection(toDb, to, source.options);
    for (const spec of source.indexSpecs().slice(1)) target.createIndex(spec);
    for (const doc of source.documents()) target.insert(doc);
    this.dropCollection(fromDb, from);
  }
}
