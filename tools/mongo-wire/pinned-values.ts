/**
 * Which values a filter pins its fields to exactly: what lets a collection
 * answer it from `_id` or an index's postings instead of a scan.
 *
 * Only top-level conditions are read (they are ANDed, so any one of them
 * bounds the result), and only exact scalars: null, regexes, arrays and
 * embedded documents have matching rules (missing fields, whole-array and
 * field-order equality) the postings do not model.
 */
import { equalityKey, isNarrowablePath } from './postings';
import { bsonType, isPlainObject, type Doc } from './values';

const SCALAR_BSON_TYPES = new Set(['ObjectId', 'Long', 'Int32', 'Double', 'Decimal128']);

function isExactScalar(v: unknown): boolean {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return true;
  if (v instanceof Date) return true;
  const t = bsonType(v);
  return t !== undefined && SCALAR_BSON_TYPES.has(t);
}

/** Equality keys a field condition pins (`v`, `{$eq: v}`, `{$in: [v...]}` of exact scalars), or undefined. */
function pinnedKeys(condition: unknown): string[] | undefined {
  if (isExactScalar(condition)) return [equalityKey(condition)];
  if (!isPlainObject(condition)) return undefined;
  const ops = Object.keys(condition);
  if (ops.length !== 1) return undefined;
  if (ops[0] === '$eq') return isExactScalar(condition.$eq) ? [equalityKey(condition.$eq)] : undefined;
  const list = condition.$in;
  if (ops[0] === '$in' && Array.isArray(list) && list.every(isExactScalar)) return list.map(equalityKey);
  return undefined;
}

/** Top-level fields the filter pins to exact scalars, with the equality keys each may take. */
export function pinnedFields(filter: Doc): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [field, condition] of Object.entries(filter)) {
    if (field === '_id' || !isNarrowablePath(field)) continue;
    const keys = pinnedKeys(condition);
    if (keys) out.set(field, keys);
  }
  return out;
}

const isPattern = (v: unknown): boolean => v instanceof RegExp || bsonType(v) === 'BSONRegExp';

/**
 * `_id` values a filter pins down exactly (a value, `$eq` or a `$in` list,
 * embedded documents included since `_id` is looked up by its canonical key);
 * undefined when a scan is needed.
 */
export function pinnedIds(idFilter: unknown): unknown[] | undefined {
  if (idFilter === undefined || Array.isArray(idFilter) || isPattern(idFilter)) return undefined;
  if (!isPlainObject(idFilter)) return [idFilter];
  const keys = Object.keys(idFilter);
  if (keys.length === 0 || !keys[0].startsWith('$')) return [idFilter]; // embedded-document _id
  if (keys.length !== 1) return undefined;
  if (keys[0] === '$eq') return pinnedIds(idFilter.$eq);
  const list = idFilter.$in;
  if (
    keys[0] === '$in' &&
    Array.isArray(list) &&
    list.every((v) => !Array.isArray(v) && !isPattern(v) && !isPlainObject(v))
  )
    return list;
  return undefined;
}
