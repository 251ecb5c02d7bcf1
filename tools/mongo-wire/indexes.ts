/**
 * Index specs, unique-key enforcement and equality postings.
 *
 * createIndexes/listIndexes/dropIndexes behave like mongod, and `unique` is
 * enforced with mongod's E11000 error shape. Keys follow mongod's rules:
 * multikey (one key per array element), missing == null, and
 * `sparse`/`partialFilterExpression` decide which documents participate.
 *
 * Every index also keeps postings for its first field (postings.ts), which
 * storage.ts uses to answer equality filters on that field from the matching
 * documents instead of a scan, as mongod's planner would use the index. Only
 * indexes that hold every document may do so: a sparse or partial index
 * misses documents a query can still match.
 */
import { CommandError } from './errors';
import { compileFilter, type Predicate } from './query-engine';
import { isNarrowablePath, Postings } from './postings';
import { formatValue, isPlainObject, valueKey, valuesAtPath, type Doc } from './values';

export interface IndexSpec extends Doc {
  v: number;
  key: Doc;
  name: string;
}

export const ID_INDEX_NAME = '_id_';

export function idIndexSpec(): IndexSpec {
  return { v: 2, key: { _id: 1 }, name: ID_INDEX_NAME };
}

/** The name drivers and mongod derive from a key pattern: `a_1_b_-1`. */
export function defaultIndexName(key: Doc): string {
  return Object.entries(key)
    .map(([field, dir]) => `${field}_${String(dir)}`)
    .join('_');
}

/** Validates one element of createIndexes' `indexes` array into a stored spec. */
export function normaliseIndexSpec(raw: unknown): IndexSpec {
  if (!isPlainObject(raw)) throw new CommandError('TypeMismatch', 'Index specification must be an object');
  const { key, name, v: _version, ...options } = raw;
  if (!isPlainObject(key) || Object.keys(key).length === 0) {
    throw new CommandError(
      'FailedToParse',
      `Error in specification ${formatValue(raw)} :: caused by :: The 'key' field must be a non-empty object`,
    );
  }
  if (name !== undefined && (typeof name !== 'string' || name.length === 0)) {
    throw new CommandError(
      'TypeMismatch',
      `Error in specification ${formatValue(raw)} :: caused by :: The 'name' field must be a non-empty string`,
    );
  }
  if (options.partialFilterExpression !== undefined && !isPlainObject(options.partialFilterExpression)) {
    throw new CommandError('TypeMismatch', 'partialFilterExpression must be an object');
  }
  return { v: 2, key, name: (name as string | undefined) ?? defaultIndexName(key), ...options };
}

/** Options that make two same-named specs "different" for IndexOptionsConflict purposes. */
export function sameIndexOptions(a: IndexSpec, b: IndexSpec): boolean {
  const strip = ({ v: _v, name: _n, background: _b, ...rest }: IndexSpec): Doc => rest;
  const x = strip(a);
  const y = strip(b);
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  return [...keys].every((k) => valueKey(x[k]) === valueKey(y[k]));
}

interface KeyEntry {
  key: string;
  keyValue: Doc;
}

export class Index {
  readonly fields: string[];
  readonly unique: boolean;
  private readonly sparse: boolean;
  private readonly partial?: Predicate;
  /** Unique indexes only: composite key -> `_id` key of the document holding it. */
  private readonly owners = new Map<string, string>();
  /** Documents by the value of the first field, kept for every index. */
  private readonly postings: Postings;

  constructor(
    readonly spec: IndexSpec,
    private readonly ns: string,
  ) {
    this.fields = Object.keys(spec.key);
    this.unique = spec.unique === true || spec.unique === 1;
    this.sparse = spec.sparse === true || spec.sparse === 1;
    if (isPlainObject(spec.partialFilterExpression)) this.partial = compileFilter(spec.partialFilterExpression);
    this.postings = new Postings(this.fields[0]);
  }

  get name(): string {
    return this.spec.name;
  }

  /**
   * Whether an equality filter on `field` can be answered from this index's
   * postings. mongod also skips hidden indexes; a sparse or partial one does
   * not hold every document.
   */
  narrows(field: string): boolean {
    const hidden = this.spec.hidden === true || this.spec.hidden === 1;
    return this.fields[0] === field && !this.sparse && !this.partial && !hidden && isNarrowablePath(field);
  }

  /** Upper bound of how many documents `candidateIds(keys)` returns. */
  estimate(keys: string[]): number {
    return this.postings.estimate(keys);
  }

  /** `_id` keys of the documents whose first field may equal one of `keys` (equality keys, postings.ts). */
  candidateIds(keys: string[]): Set<string> {
    return this.postings.idKeysFor(keys);
  }

  private participates(doc: Doc): boolean {
    if (this.partial && !this.partial(doc)) return false;
    return !this.sparse || this.fields.some((f) => valuesAtPath(doc, f).length > 0);
  }

  /** Every distinct key a participating `doc` contributes (cartesian product over multikey fields). */
  private entries(doc: Doc): KeyEntry[] {
    const perField = this.fields.map((field) => {
      const values = valuesAtPath(doc, field);
      if (values.length === 0) return [null]; // missing indexes as null
      return values.flatMap((v) => (Array.isArray(v) ? (v.length ? v : [undefined]) : [v]));
    });
    let combos: unknown[][] = [[]];
    for (const values of perField) combos = combos.flatMap((prefix) => values.map((v) => [...prefix, v]));
    const seen = new Map<string, KeyEntry>();
    for (const combo of combos) {
      const key = combo.map(valueKey).join('|');
      if (!seen.has(key)) {
        const keyValue: Doc = {};
        this.fields.forEach((f, i) => (keyValue[f] = combo[i] === undefined ? null : combo[i]));
        seen.set(key, { key, keyValue });
      }
    }
    return [...seen.values()];
  }

  /** Throws the E11000 error if `doc` would collide with another document. */
  check(doc: Doc, idKey: string): void {
    if (!this.unique || !this.participates(doc)) return;
    for (const entry of this.entries(doc)) {
      const owner = this.owners.get(entry.key);
      if (owner !== undefined && owner !== idKey) throw duplicateKeyError(this.ns, this.spec, entry.keyValue);
    }
  }

  add(doc: Doc, idKey: string): void {
    if (!this.participates(doc)) return;
    if (this.unique) for (const entry of this.entries(doc)) this.owners.set(entry.key, idKey);
    this.postings.add(doc, idKey);
  }

  remove(doc: Doc, idKey: string): void {
    if (!this.participates(doc)) return;
    if (this.unique)
      for (const entry of this.entries(doc)) if (this.owners.get(entry.key) === idKey) this.owners.delete(entry.key);
    this.postings.remove(doc, idKey);
  }
}

export function duplicateKeyError(ns: string, spec: IndexSpec, keyValue: Doc): CommandError {
  return new CommandError(
    'DuplicateKey',
    `E11000 duplicate key error collection: ${ns} index: ${spec.name} dup key: ${formatValue(keyValue)}`,
    { keyPattern: spec.key, keyValue },
  );
}
