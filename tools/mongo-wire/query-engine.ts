/**
 * The single place that talks to mingo: filters, sorting, projection and
 * aggregation pipelines. Everything here works on "views" of stored
 * documents (see values.ts#matchView) so Long/Decimal128 compare as numbers,
 * and maps results back to the stored originals where types must survive.
 */
import type { Document } from 'bson';
import { Context, ProcessingMode } from 'mingo';
import type * as MingoAggregator from 'mingo/types/aggregator';
import type * as MingoCore from 'mingo/types/core';
import type * as MingoQuery from 'mingo/types/query';
import { CommandError } from './errors';
import { equalityPredicate } from './fast-filter';
import { KEYED_LOOKUP, KEYED_RESOLVER, keyedLookup, type KeyedResolver } from './keyed-lookup';
import { offsetFor, rewriteTimezones, TZ_OFFSET_OPERATOR } from './timezones';
import { cloneDoc, isPlainObject, matchView, toInteger, toMingoValue, type Doc } from './values';

/**
 * `evalExpr`, the unwrapped Query and Aggregator and the operator groups are
 * only published under mingo's subpath exports, which the repo's classic
 * `moduleResolution: node` cannot see; types come from the shipped .d.ts, the
 * values from the runtime exports.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const { evalExpr } = require('mingo/core') as typeof MingoCore;
const { Query } = require('mingo/query') as typeof MingoQuery;
const { Aggregator } = require('mingo/aggregator') as typeof MingoAggregator;
const MINGO_OPERATORS = {
  accumulator: require('mingo/operators/accumulator') as object,
  expression: require('mingo/operators/expression') as object,
  pipeline: require('mingo/operators/pipeline') as object,
  projection: require('mingo/operators/projection') as object,
  query: require('mingo/operators/query') as object,
  window: require('mingo/operators/window') as object,
};
/* eslint-enable @typescript-eslint/no-require-imports */

type MingoOptions = NonNullable<ConstructorParameters<typeof Query>[1]>;
type ContextInit = NonNullable<Parameters<typeof Context.init>[0]>;

function tzOffsetOperator(obj: unknown, expr: unknown, options: Parameters<typeof evalExpr>[2]): unknown {
  const [date, timeZone] = evalExpr(obj, expr, options) as [unknown, unknown];
  return offsetFor(date, timeZone);
}
/**
 * mingo's operators and ours, in one context built once. mingo's main export wraps Query and Aggregator to merge a
 * given context with all of mingo's operators on every construction, and mingo then copies the merged context
 * again (ComputeOptions.init): each freshness probe built several. The unwrapped classes are given the merged
 * context and make only that one copy.
 * Cast: mingo's operator union type is too large for the checker to relate a single function to it.
 */
const ENGINE_CONTEXT = Context.init({
  ...MINGO_OPERATORS,
  expression: { ...MINGO_OPERATORS.expression, [TZ_OFFSET_OPERATOR]: tzOffsetOperator },
  pipeline: { ...MINGO_OPERATORS.pipeline, [KEYED_LOOKUP]: keyedLookup },
} as unknown as ContextInit);

export interface EngineOptions {
  /** `let` variables of the command. */
  variables?: Doc;
  /** Resolves `$lookup`/`$unionWith`/`$graphLookup` collection names in the same database. */
  resolveCollection?: (name: string) => Doc[];
  /** Feed the stored documents themselves rather than numeric views (pipeline-style updates must keep field types). */
  keepTypes?: boolean;
  /** The foreign documents of a keyed `$lookup` (keyed-lookup.ts) that may hold `value` at `field`. */
  resolveKeyed?: KeyedResolver;
  /** Called the first time mingo reads each resolved foreign document. */
  onForeignRead?: () => void;
}

/**
 * Foreign documents are copied: mingo embeds them by reference and later
 * stages may mutate them. Copying each on its first read keeps the ones never
 * read free, e.g. a whole collection resolved for a `$lookup` nested in a
 * sub-pipeline no document reaches (mingo resolves when it builds the stage).
 */
function copiedOnRead(docs: Doc[], onRead?: () => void): Doc[] {
  const copies: Array<Doc | undefined> = new Array(docs.length);
  return new Proxy(docs, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key) && Number(key) < target.length) {
        const i = Number(key);
        if (!copies[i]) {
          copies[i] = cloneDoc(matchView(target[i]));
          onRead?.();
        }
        return copies[i];
      }
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

function mingoOptions(opts: EngineOptions = {}): MingoOptions {
  const { resolveCollection, resolveKeyed, onForeignRead } = opts;
  const keyed: KeyedResolver | undefined = resolveKeyed
    ? (from, field, value) => {
        const docs = resolveKeyed(from, field, value);
        return docs && copiedOnRead(docs, onForeignRead);
      }
    : undefined;
  return {
    idKey: '_id',
    context: ENGINE_CONTEXT,
    variables: opts.variables ? toMingoValue(opts.variables) : undefined,
    collectionResolver: resolveCollection ? (name) => copiedOnRead(resolveCollection(name), onForeignRead) : undefined,
    // mingo passes unknown options through to operators untouched.
    ...(keyed ? { [KEYED_RESOLVER]: keyed } : {}),
  };
}

/** Prepares user-supplied query/pipeline input for mingo. */
function prepare<T>(expr: T): T {
  return toMingoValue(rewriteTimezones(expr));
}

export type Predicate = (doc: Doc) => boolean;

export function compileFilter(filter: unknown, opts?: EngineOptions): Predicate {
  if (filter === undefined || filter === null) return () => true;
  if (!isPlainObject(filter))
    throw new CommandError('TypeMismatch', `filter must be an object, found ${typeof filter}`);
  if (Object.keys(filter).length === 0) return () => true;
  const slow = (): Predicate => {
    const query = new Query(prepare(filter), mingoOptions(opts));
    return (doc) => query.test(matchView(doc));
  };
  // Building a mingo Query costs more than most commands' whole work; plain equality filters skip it.
  return equalityPredicate(filter, slow) ?? slow();
}

/** Validates a sort spec and normalises directions to 1/-1. */
function normaliseSort(sort: Doc): Record<string, 1 | -1> {
  const out: Record<string, 1 | -1> = {};
  for (const [field, dir] of Object.entries(sort)) {
    const n = toInteger(dir, NaN);
    if (n !== 1 && n !== -1) {
      if (isPlainObject(dir) && '$meta' in dir)
        throw new CommandError('BadValue', `$meta sort is not supported by the in-process MongoDB test server`);
      throw new CommandError('BadValue', '$sort key ordering must be 1 (for ascending) or -1 (for descending)');
    }
    out[field] = n;
  }
  return out;
}

/** Sorts stored documents (natural order when `sort` is empty, `$natural` honoured). */
export function sortDocuments(docs: Doc[], sort: unknown): Doc[] {
  if (sort === undefined || sort === null) return docs;
  if (!isPlainObject(sort)) throw new CommandError('TypeMismatch', 'sort must be an object');
  const spec = normaliseSort(sort);
  const fields = Object.keys(spec);
  if (fields.length === 0) return docs;
  if ('$natural' in spec) return spec.$natural === -1 ? [...docs].reverse() : docs;
  const views = docs.map(matchView);
  const sorted = new Query({}, mingoOptions()).find<Doc>(views).sort(spec).all();
  if (views.every((v, i) => v === docs[i])) return sorted;
  const original = new Map(views.map((v, i) => [v, docs[i]]));
  return sorted.map((v) => original.get(v) ?? v);
}

/**
 * Applies a find/findAndModify projection. Output keeps the stored field
 * order (mingo appends `_id` last, mongod keeps it first).
 */
export function projectDocuments(docs: Doc[], projection: unknown, filter?: unknown): Doc[] {
  if (projection === undefined || projection === null) return docs;
  if (!isPlainObject(projection)) throw new CommandError('TypeMismatch', 'projection must be an object');
  if (Object.keys(projection).length === 0) return docs;
  const positional = Object.keys(projection).some((k) => k.endsWith('.$'));
  const condition = positional && isPlainObject(filter) ? prepare(filter) : {};
  const projected = new Query(condition, mingoOptions()).find<Doc>(docs, prepare(projection)).all();
  return projected.map((out, i) => reorderLike(docs[i], out));
}

function reorderLike(source: Doc | undefined, projected: Doc): Doc {
  if (!source) return projected;
  const out: Doc = {};
  for (const k of Object.keys(source)) if (k in projected && projected[k] !== undefined) out[k] = projected[k];
  for (const k of Object.keys(projected)) if (!(k in out) && projected[k] !== undefined) out[k] = projected[k];
  return out;
}

const UNSUPPORTED_STAGES: Record<string, CommandError> = {
  $out: new CommandError('CommandNotSupported', '$out is not supported by the in-process MongoDB test server'),
  $merge: new CommandError('CommandNotSupported', '$merge is not supported by the in-process MongoDB test server'),
  $changeStream: new CommandError('Location40573', 'The $changeStream stage is only supported on replica sets'),
};

/** Runs an aggregation pipeline over stored documents (input is never mutated). */
export function runPipeline(input: Doc[], pipeline: unknown, opts?: EngineOptions): Document[] {
  if (!Array.isArray(pipeline))
    throw new CommandError('TypeMismatch', "'pipeline' option must be specified as an array");
  for (const stage of pipeline) {
    if (!isPlainObject(stage) || Object.keys(stage).length !== 1) {
      throw new CommandError('Location40324', 'A pipeline stage specification object must contain exactly one field.');
    }
    const name = Object.keys(stage)[0];
    if (UNSUPPORTED_STAGES[name]) throw UNSUPPORTED_STAGES[name];
  }
  if (pipeline.length === 0) return input.map((d) => cloneDoc(d));
  const aggregator = new Aggregator(prepare(pipeline as Doc[]), {
    ...mingoOptions(opts),
    processingMode: ProcessingMode.CLONE_INPUT,
  });
  return aggregator.run<Document>(opts?.keepTypes ? input : input.map(matchView));
}
