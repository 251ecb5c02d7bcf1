/**
 * Narrows what an aggregate reads from storage with the collections'
 * indexes, as mongod's planner would: the input when the pipeline opens with
 * `$match` (several in a row are one to the planner, so the narrowest of
 * them is used), and the foreign collection of a `$lookup` or `$unionWith`
 * whose sub-pipeline opens with `$match` (also when nested in other
 * sub-pipelines or `$facet`). That `$match` still runs, so the narrowed
 * documents only have to include every match, in natural order. When the
 * opening matches are followed by `$sort` and `$limit`, only the rows that
 * limit keeps are read on (firstRows), as an index on the match and sort
 * fields would give them to mongod.
 *
 * A `$lookup` correlated by `$expr: { $eq }` on `_id` or an indexed field
 * becomes a keyed lookup (keyed-lookup.ts), which narrows per input document.
 *
 * mingo asks for foreign collections by name only, so a narrowed stage is
 * copied with a private name that engineOptions resolves to the candidates;
 * the client's pipeline is left as it came.
 */
import { fastPaths } from '../fast-paths';
import { correlatedEquality, KEYED_LOOKUP, type KeyedLookupSpec } from '../keyed-lookup';
import { compileFilter, sortDocuments } from '../query-engine';
import type { Collection } from '../storage';
import { isPlainObject, toInteger, type Doc } from '../values';

/** Collection names cannot contain NUL, so these never shadow a real one. */
const PRIVATE_PREFIX = '\0narrowed:';

export interface NarrowedPipeline {
  pipeline: unknown;
  /** Private name -> the documents standing in for the foreign collection. */
  foreign: Map<string, Doc[]>;
}

/** The single-key stage's operand under `name`, or undefined. */
function stageOperand(stage: unknown, name: string): unknown {
  return isPlainObject(stage) && Object.keys(stage).length === 1 ? stage[name] : undefined;
}

/** The `$match` stages the pipeline opens with. */
function leadingMatches(pipeline: unknown): Doc[] {
  const matches: Doc[] = [];
  if (!Array.isArray(pipeline)) return matches;
  for (const stage of pipeline) {
    const match = stageOperand(stage, '$match');
    if (!isPlainObject(match)) break;
    matches.push(match);
  }
  return matches;
}

/**
 * The documents that can pass the opening matches: the fewest candidates any of them has (every one must hold),
 * cut to the rows a following `$sort` and `$limit` keep. Undefined when no match narrows.
 */
function narrowedRows(collection: Collection, pipeline: unknown): Doc[] | undefined {
  const matches = leadingMatches(pipeline);
  let rows: Doc[] | undefined;
  for (const match of matches) {
    const candidates = collection.candidates(match);
    if (candidates && (!rows || candidates.length < rows.length)) rows = candidates;
  }
  return rows && (firstRows(rows, pipeline as unknown[], matches) ?? rows);
}

/** Operators through which a `$match` can read the command's variables, which only the pipeline can evaluate. */
const READS_VARIABLES = new Set(['$expr', '$where', '$function']);

function readsVariables(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(readsVariables);
  if (!isPlainObject(value)) return false;
  return Object.entries(value).some(([key, v]) => READS_VARIABLES.has(key) || readsVariables(v));
}

/**
 * After the opening matches, `$sort` then `$limit n` pass on only the first n matches in that order: those, in
 * natural order, are all the pipeline needs to read, as mongod reads them off an index on the match and sort fields
 * (the freshness probe's newest row per collection). They are chosen by the same stable mingo sort, over the same
 * natural order, that the pipeline's `$sort` then applies to them, so it picks the same rows; mingo no longer copies
 * every other match first. Only over candidates an index gave (a scan stays a scan, as mongod's would); undefined
 * when the pipeline has no such stages or a match reads variables.
 */
function firstRows(input: Doc[], pipeline: unknown[], matches: Doc[]): Doc[] | undefined {
  if (!fastPaths.enabled || readsVariables(matches)) return undefined;
  const sort = stageOperand(pipeline[matches.length], '$sort');
  const limit = toInteger(stageOperand(pipeline[matches.length + 1], '$limit'), NaN);
  if (!isPlainObject(sort) || '$natural' in sort || !(limit > 0) || input.length <= limit) return undefined;
  let first: Doc[];
  try {
    const filters = matches.map((m) => compileFilter(m));
    first = sortDocuments(
      input.filter((doc) => filters.every((passes) => passes(doc))),
      sort,
    ).slice(0, limit);
  } catch {
    // A bad filter or sort: the pipeline itself fails on it, with mongod's error.
    return undefined;
  }
  fastPaths.rowsCut += input.length - first.length;
  const kept = new Set(first);
  return input.filter((doc) => kept.has(doc));
}

/** The aggregate's input: only the rows the opening stages can pass, when `_id`, an index or a limit tells. */
export function pipelineInput(collection: Collection | undefined, pipeline: unknown): Doc[] {
  if (!collection) return [];
  return narrowedRows(collection, pipeline) ?? collection.documents();
}

export function narrowPipeline(
  pipeline: unknown,
  collectionNamed: (name: string) => Collection | undefined,
): NarrowedPipeline {
  const foreign = new Map<string, Doc[]>();

  const privateSource = (name: unknown, subPipeline: unknown): string | undefined => {
    const collection = typeof name === 'string' ? collectionNamed(name) : undefined;
    const docs = collection && narrowedRows(collection, subPipeline);
    if (!docs) return undefined;
    const privateName = `${PRIVATE_PREFIX}${foreign.size}:${name}`;
    foreign.set(privateName, docs);
    return privateName;
  };

  const keyedLookupOf = (lookup: Doc): Doc | undefined => {
    const correlated = fastPaths.enabled ? correlatedEquality(lookup) : undefined;
    if (!correlated || !collectionNamed(lookup.from as string)?.answersEquality(correlated.field)) return undefined;
    const spec = { lookup, ...correlated } as KeyedLookupSpec;
    return { [KEYED_LOOKUP]: spec };
  };

  const rewriteStages = (stages: unknown): unknown => {
    if (!Array.isArray(stages)) return stages;
    const out = stages.map(rewriteStage);
    return out.some((s, i) => s !== stages[i]) ? out : stages;
  };

  const rewriteStage = (stage: unknown): unknown => {
    if (!isPlainObject(stage) || Object.keys(stage).length !== 1) return stage;
    const { $lookup: lookup, $unionWith: union, $facet: facet } = stage;
    if (isPlainObject(lookup)) {
      const sub = rewriteStages(lookup.pipeline);
      const keyed = keyedLookupOf({ ...lookup, pipeline: sub });
      if (keyed) return keyed;
      // With both join fields mingo runs the sub-pipeline on the whole foreign collection whenever the join
      // matches, so narrowing it by the sub-pipeline's `$match` would change which documents join.
      const from = lookup.localField && lookup.foreignField ? undefined : privateSource(lookup.from, sub);
      if (sub === lookup.pipeline && !from) return stage;
      return { $lookup: { ...lookup, pipeline: sub, ...(from ? { from } : {}) } };
    }
    if (isPlainObject(union)) {
      const sub = rewriteStages(union.pipeline);
      const coll = privateSource(union.coll, sub);
      if (sub === union.pipeline && !coll) return stage;
      return { $unionWith: { ...union, pipeline: sub, ...(coll ? { coll } : {}) } };
    }
    if (isPlainObject(facet)) {
      const out: Doc = {};
      let changed = false;
      for (const [name, sub] of Object.entries(facet)) {
        out[name] = rewriteStages(sub);
        changed ||= out[name] !== sub;
      }
      return changed ? { $facet: out } : stage;
    }
    return stage;
  };

  return { pipeline: rewriteStages(pipeline), foreign };
}
