/**
 * Correlated `$lookup`s answered from `_id` or an index, as MongoDB 5.0+ does:
 * a `$lookup` whose sub-pipeline opens with
 * `{ $match: { $expr: { $eq: ['$field', '$$var'] } } }` (`var` one of its own
 * `let` variables) depends on each input document, so pipeline-narrowing.ts
 * cannot narrow its foreign collection once for all of them. This stage finds,
 * per input document, the foreign documents that may hold the variable's value
 * and hands them to mingo's own `$lookup`, which evaluates `let`, runs the
 * whole sub-pipeline (that `$match` included) and sets `as` exactly as it does
 * on the whole collection. Values whose equality the keys do not model (null,
 * arrays, documents, unsafe integers...) get the whole collection, as before.
 */
import type * as MingoCore from 'mingo/types/core';
import type * as MingoLazy from 'mingo/types/lazy';
import type * as MingoPipeline from 'mingo/types/operators/pipeline';
import type { Options } from 'mingo/types/types';
import { fastPaths } from './fast-paths';
import { isNarrowablePath } from './postings';
import { bsonType, isPlainObject, type Doc } from './values';

// Published only under subpath exports, which the repo's classic `moduleResolution: node` cannot see.
/* eslint-disable @typescript-eslint/no-require-imports */
const { evalExpr } = require('mingo/core') as typeof MingoCore;
const { Lazy } = require('mingo/lazy') as typeof MingoLazy;
const { $lookup } = require('mingo/operators/pipeline') as typeof MingoPipeline;
/* eslint-enable @typescript-eslint/no-require-imports */

/** BSON field names cannot contain NUL, so no client pipeline names this stage. */
export const KEYED_LOOKUP = '$\0keyedLookup';

/** Key of the mingo option holding the command's KeyedResolver. */
export const KEYED_RESOLVER = '\0keyedResolver';

/** The foreign documents that may hold `value` at `field`, copied for mingo; undefined when only a scan can tell. */
export type KeyedResolver = (from: string, field: string, value: unknown) => Doc[] | undefined;

export interface KeyedLookupSpec {
  /** The client's `$lookup`, its sub-pipeline already narrowed. */
  lookup: Doc & { from: string; let: Doc };
  /** The foreign field the opening `$match` compares... */
  field: string;
  /** ...with this `let` variable. */
  variable: string;
}

/** Names mingo resolves as system variables whatever `let` says. */
const SYSTEM_VARIABLES = new Set(['ROOT', 'CURRENT', 'REMOVE', 'NOW', 'KEEP', 'PRUNE', 'DESCEND']);

function fieldOperand(v: unknown): string | undefined {
  if (typeof v !== 'string' || !v.startsWith('$') || v.startsWith('$$')) return undefined;
  return isNarrowablePath(v.slice(1)) ? v.slice(1) : undefined;
}

function variableOperand(v: unknown, vars: Doc): string | undefined {
  if (typeof v !== 'string' || !v.startsWith('$$')) return undefined;
  const name = v.slice(2);
  const own = name.length > 0 && !name.includes('.') && Object.prototype.hasOwnProperty.call(vars, name);
  return own && !SYSTEM_VARIABLES.has(name) ? name : undefined;
}

/**
 * The field and variable of a `$lookup` whose sub-pipeline opens with an `$expr` equality between a foreign field
 * and one of its `let` variables, either operand first; undefined for any other `$lookup`.
 */
export function correlatedEquality(lookup: Doc): { field: string; variable: string } | undefined {
  const { from, let: vars, pipeline, localField, foreignField } = lookup;
  if (typeof from !== 'string' || localField !== undefined || foreignField !== undefined) return undefined;
  if (!isPlainObject(vars) || Object.keys(vars).some((k) => k.startsWith('$'))) return undefined;
  const first: unknown = Array.isArray(pipeline) ? pipeline[0] : undefined;
  if (!isPlainObject(first) || Object.keys(first).length !== 1 || !isPlainObject(first.$match)) return undefined;
  const match = first.$match;
  if (Object.keys(match).length !== 1 || !isPlainObject(match.$expr)) return undefined;
  const expr = match.$expr;
  if (Object.keys(expr).length !== 1 || !Array.isArray(expr.$eq) || expr.$eq.length !== 2) return undefined;
  const [a, b] = expr.$eq as unknown[];
  for (const [f, v] of [
    [a, b],
    [b, a],
  ]) {
    const field = fieldOperand(f);
    const variable = variableOperand(v, vars);
    if (field && variable) return { field, variable };
  }
  return undefined;
}

/**
 * Values whose mingo equality the `_id` map and postings keys model exactly. Integers past 2^53 are left out: a
 * stored Long keys `_id` by its exact value, while mingo compares the rounded number of its view.
 */
function isKeyable(v: unknown): boolean {
  if (typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER;
  if (v instanceof Date) return !Number.isNaN(v.getTime());
  return bsonType(v) === 'ObjectId';
}

function keyedResolver(options: Options): KeyedResolver | undefined {
  // Operators get mingo's ComputeOptions, which keeps the options it was built from (custom keys included).
  const raw = (options as { options?: unknown }).options ?? options;
  const resolver = (raw as Record<string, unknown>)[KEYED_RESOLVER];
  return typeof resolver === 'function' ? (resolver as KeyedResolver) : undefined;
}

/** The mingo pipeline operator of KEYED_LOOKUP stages. */
export function keyedLookup(coll: MingoLazy.Iterator, spec: KeyedLookupSpec, options: Options): MingoLazy.Iterator {
  const { lookup, field, variable } = spec;
  const resolve = keyedResolver(options);
  // mingo resolves the whole collection once per stage and shares its copies among input documents; so does this.
  let whole: Doc[] | undefined;
  const wholeCollection = (): Doc[] => (whole ??= options.collectionResolver?.(lookup.from) ?? []);
  return coll.map((obj) => {
    const vars = evalExpr(obj, lookup.let, options) as Doc | undefined;
    const value = vars?.[variable];
    const keyed = resolve && isKeyable(value) ? resolve(lookup.from, field, value) : undefined;
    if (keyed) fastPaths.lookupsKeyed++;
    const expr = { ...lookup, from: keyed ?? wholeCollection() } as Parameters<typeof $lookup>[1];
    return $lookup(Lazy([obj]), expr, options).collect()[0];
  });
}
