/**
 * Update-document semantics shared by `update` and `findAndModify`:
 * operator updates (via mingo's updater), replacement documents, pipeline
 * updates, and the document an upsert inserts. Functions never mutate the
 * stored document; they return a new version for Collection.replace().
 */
import { update as mingoUpdate } from 'mingo';
import { CommandError } from './errors';
import { applySimpleOperators } from './fast-update';
import { resolveWideArithmetic } from './numeric-updates';
import { compileFilter, runPipeline } from './query-engine';
import {
  bsonType,
  cloneDoc,
  isPlainObject,
  newObjectId,
  sameValue,
  setPath,
  valueKey,
  valuesAtPath,
  withIdFirst,
  type Doc,
} from './values';

export type UpdateKind = 'operators' | 'replacement' | 'pipeline';

const UPDATE_OPERATORS = new Set([
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$rename',
  '$push',
  '$pull',
  '$pullAll',
  '$addToSet',
  '$pop',
  '$bit',
  '$currentDate',
  '$setOnInsert',
]);
const PIPELINE_UPDATE_STAGES = new Set(['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith']);

export interface UpdateContext {
  /** The statement's filter: seeds upserts and resolves the positional `$`. */
  filter: Doc;
  arrayFilters?: Doc[];
  /** `c`/`let` constants for pipeline updates. */
  variables?: Doc;
}

export function classifyUpdate(u: unknown): UpdateKind {
  if (Array.isArray(u)) {
    for (const stage of u) {
      const name = isPlainObject(stage) ? Object.keys(stage)[0] : undefined;
      if (!name || !PIPELINE_UPDATE_STAGES.has(name)) {
        throw new CommandError(
          'InvalidOptions',
          `${name ?? 'A non-object stage'} is not allowed to be used within an update`,
        );
      }
    }
    return 'pipeline';
  }
  if (!isPlainObject(u))
    throw new CommandError('FailedToParse', 'Update argument must be either an object or an array');
  const keys = Object.keys(u);
  if (keys.length === 0 || !keys[0].startsWith('$')) {
    const dollar = keys.find((k) => k.startsWith('$'));
    if (dollar) {
      throw new CommandError(
        'DollarPrefixedFieldName',
        `The dollar ($) prefixed field '${dollar}' in '${dollar}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`,
      );
    }
    return 'replacement';
  }
  for (const op of keys) {
    if (!UPDATE_OPERATORS.has(op)) {
      throw new CommandError(
        'FailedToParse',
        `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
    }
    if (!isPlainObject(u[op])) {
      throw new CommandError(
        'FailedToParse',
        `Modifiers operate on fields but we found type ${Array.isArray(u[op]) ? 'array' : typeof u[op]} instead. For example: {$mod: {<field>: ...}} not {${op}: ${String(u[op])}}`,
      );
    }
  }
  return 'operators';
}

/** Returns the updated version of `doc` (a new object), enforcing `_id` immutability. */
export function applyUpdate(doc: Doc, u: unknown, ctx: UpdateContext, inserting = false): Doc {
  const kind = classifyUpdate(u);
  let next: Doc;
  if (kind === 'replacement') {
    const replacement = cloneDoc(u as Doc);
    if ('_id' in replacement && '_id' in doc && !sameValue(replacement._id, doc._id)) {
      throw new CommandError(
        'ImmutableField',
        `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${String(replacement._id)}`,
      );
    }
    next = '_id' in doc ? { _id: doc._id, ...replacement } : replacement;
  } else if (kind === 'pipeline') {
    const [result] = runPipeline([doc], u, { variables: ctx.variables, keepTypes: true });
    if (!isPlainObject(result)) throw new CommandError('BadValue', 'pipeline update must produce a document');
    next = result;
  } else {
    next = applyOperators(doc, u as Doc, ctx, inserting);
  }
  if ('_id' in doc && !sameValue(doc._id, next._id)) {
    throw new CommandError(
      'ImmutableField',
      "Performing an update on the path '_id' would modify the immutable field '_id'",
    );
  }
  return withIdFirst(next);
}

function applyOperators(doc: Doc, modifier: Doc, ctx: UpdateContext, inserting: boolean): Doc {
  const { $setOnInsert, ...rest } = modifier;
  // Upserts and array filters always take mingo's updater; so does anything the fast path does not apply exactly.
  if (!inserting && !ctx.arrayFilters?.length) {
    const fast = applySimpleOperators(doc, rest);
    if (fast) return fast;
  }
  const next = cloneDoc(doc);
  const ops = dedupeAddToSetEach(resolveWideArithmetic(next, resolvePositional(next, rest, ctx.filter)));
  const arrayFilters = ctx.arrayFilters ?? [];
  // No condition for mingo: `$` is already resolved, and mingo would re-test the filter
  // against the document (which an upsert seed or a Long-typed field may not pass).
  if (Object.keys(ops).length) mingoUpdate(next, ops, arrayFilters, {}, { cloneMode: 'deep' });
  if (inserting && isPlainObject($setOnInsert) && Object.keys($setOnInsert).length) {
    mingoUpdate(next, { $set: $setOnInsert }, arrayFilters, {}, { cloneMode: 'deep' });
  }
  return next;
}

/**
 * Replaces the positional `$` in update paths (`items.$.qty`) with the index
 * of the first array element that satisfies the filter's conditions on that
 * array. mingo can do this only for top-level arrays, so it is done here.
 */
function resolvePositional(doc: Doc, modifier: Doc, filter: Doc): Doc {
  const indexes = new Map<string, number>();
  const indexFor = (arrayPath: string): number => {
    let index = indexes.get(arrayPath);
    if (index === undefined) {
      const conditions = conditionsOn(filter, arrayPath);
      const array = valuesAtPath(doc, arrayPath)[0];
      index = -1;
      if (conditions.length && Array.isArray(array)) {
        const matches = compileFilter({ $and: conditions });
        index = array.findIndex((element) => {
          const probe: Doc = {};
          setPath(probe, arrayPath, [element]);
          return matches(probe);
        });
      }
      if (index < 0)
        throw new CommandError('BadValue', 'The positional operator did not find the match needed from the query.');
      indexes.set(arrayPath, index);
    }
    return index;
  };
  let result = modifier;
  for (const [op, spec] of Object.entries(modifier)) {
    if (!isPlainObject(spec)) continue;
    const rewritten: Doc = {};
    let changed = false;
    for (const [path, value] of Object.entries(spec)) {
      const parts = path.split('.');
      const at = parts.indexOf('$');
      if (at <= 0) {
        rewritten[path] = value;
        continue;
      }
      parts[at] = String(indexFor(parts.slice(0, at).join('.')));
      rewritten[parts.join('.')] = value;
      changed = true;
    }
    if (changed) result = { ...result, [op]: rewritten };
  }
  return result;
}

/** The filter's conditions that constrain `arrayPath` (directly, below it, or inside `$and`). */
function conditionsOn(filter: Doc, arrayPath: string): Doc[] {
  const out: Doc[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const part of value) if (isPlainObject(part)) out.push(...conditionsOn(part, arrayPath));
    } else if (key === arrayPath || key.startsWith(`${arrayPath}.`)) {
      out.push({ [key]: value });
    }
  }
  return out;
}

/** mongod de-duplicates `$addToSet: {f: {$each: [...]}}` even when `f` does not exist yet; mingo copies the list as is. */
function dedupeAddToSetEach(modifier: Doc): Doc {
  const spec = modifier.$addToSet;
  if (!isPlainObject(spec)) return modifier;
  const fixed: Doc = {};
  for (const [path, value] of Object.entries(spec)) {
    if (isPlainObject(value) && Array.isArray(value.$each)) {
      const seen = new Set<string>();
      fixed[path] = { ...value, $each: value.$each.filter((v) => !seen.has(valueKey(v)) && seen.add(valueKey(v))) };
    } else fixed[path] = value;
  }
  return { ...modifier, $addToSet: fixed };
}

/**
 * Fields an upsert copies from the filter: top-level (and `$and`-nested)
 * equality conditions, including `{f: {$eq: v}}`, but not other operators or regexes.
 */
export function upsertSeed(filter: Doc): Doc {
  const seed: Doc = {};
  const collect = (f: Doc): void => {
    for (const [key, value] of Object.entries(f)) {
      if (key === '$and' && Array.isArray(value)) {
        for (const part of value) if (isPlainObject(part)) collect(part);
        continue;
      }
      if (key.startsWith('$')) continue;
      if (isPlainObject(value) && Object.keys(value).some((k) => k.startsWith('$'))) {
        if ('$eq' in value) setPath(seed, key, cloneDoc(value.$eq));
        continue;
      }
      if (value instanceof RegExp || bsonType(value) === 'BSONRegExp') continue;
      setPath(seed, key, cloneDoc(value));
    }
  };
  collect(filter);
  return seed;
}

/** The document an upsert inserts when nothing matched. */
export function buildUpsertDocument(u: unknown, ctx: UpdateContext): Doc {
  const seed = upsertSeed(ctx.filter);
  let doc: Doc;
  if (classifyUpdate(u) === 'replacement') {
    doc = cloneDoc(u as Doc);
    if (!('_id' in doc) && seed._id !== undefined) doc = { _id: seed._id, ...doc };
  } else {
    doc = applyUpdate(seed, u, ctx, true);
  }
  if (doc._id === undefined) doc = { _id: newObjectId(), ...doc };
  return withIdFirst(doc);
}
