/**
 * A predicate for the commonest filters, `{f: v, g: {$in: [...]}}` on
 * top-level fields with exact scalars, that skips building a mingo Query for
 * each command. It decides a document only when every pinned field holds a
 * scalar it compares exactly as mingo would (mingo's own isEqual); any
 * document holding an array, an embedded document or another BSON type in one
 * of those fields is handed to the mingo predicate whole, so results never
 * differ from it.
 */
import { fastPaths } from './fast-paths';
import { isEqual } from './mingo-util';
import { bsonType, isPlainObject, type Doc } from './values';

type Predicate = (doc: Doc) => boolean;

/**
 * Filter values accepted: no null (so a missing field simply fails), and no
 * Long/Decimal128, which mingo compares as converted JS numbers.
 */
function isFastScalar(v: unknown): boolean {
  switch (typeof v) {
    case 'string':
    case 'number':
    case 'boolean':
      return true;
  }
  return v instanceof Date || bsonType(v) === 'ObjectId';
}

/** Stored values decided here; mingo sees them unchanged in a document's match view. */
const isDecidableValue = isFastScalar;

/** Values a field condition accepts (`v`, `{$eq: v}`, `{$in: [v...]}`), or undefined when mingo must decide. */
function acceptedValues(condition: unknown): unknown[] | undefined {
  if (isFastScalar(condition)) return [condition];
  if (!isPlainObject(condition)) return undefined;
  const ops = Object.keys(condition);
  if (ops.length !== 1) return undefined;
  if (ops[0] === '$eq') return isFastScalar(condition.$eq) ? [condition.$eq] : undefined;
  const list = condition.$in;
  if (ops[0] === '$in' && Array.isArray(list) && list.every(isFastScalar)) return list;
  return undefined;
}

/** Plain field names only: dotted paths traverse arrays, `$` names operators, and prototype names are not data. */
function isPlainField(field: string): boolean {
  return field.length > 0 && !field.includes('.') && !field.includes('$') && !(field in Object.prototype);
}

const UNDECIDED = Symbol('undecided');

/**
 * The fast predicate for `filter`, or undefined when its shape needs mingo.
 * `slow` yields the mingo predicate; it is only built if a document needs it.
 */
export function equalityPredicate(filter: Doc, slow: () => Predicate): Predicate | undefined {
  if (!fastPaths.enabled) return undefined;
  const conditions: Array<[string, unknown[]]> = [];
  for (const field of Object.keys(filter)) {
    if (!isPlainField(field)) return undefined;
    const values = acceptedValues(filter[field]);
    if (!values) return undefined;
    conditions.push([field, values]);
  }
  const decide = (doc: Doc): boolean | typeof UNDECIDED => {
    let undecided = false;
    for (const [field, values] of conditions) {
      const v: unknown = Object.prototype.hasOwnProperty.call(doc, field) ? doc[field] : undefined;
      // Missing and null never equal a non-null value; a false condition settles the conjunction.
      if (v === undefined || v === null) return false;
      if (!isDecidableValue(v)) {
        undecided = true;
        continue;
      }
      if (!values.some((x) => isEqual(v, x))) return false;
    }
    return undecided ? UNDECIDED : true;
  };
  let mingo: Predicate | undefined;
  return (doc) => {
    const answer = decide(doc);
    if (answer !== UNDECIDED) {
      fastPaths.filterDecided++;
      return answer;
    }
    fastPaths.filterDeferred++;
    mingo ??= slow();
    return mingo(doc);
  };
}
