/**
 * Narrows what an aggregate reads from storage with the collections'
 * indexes, as mongod's planner would: the input when the pipeline opens with
 * `$match`, and the foreign collection of a `$lookup` or `$unionWith` whose
 * sub-pipeline opens with `$match` (also when nested in other sub-pipelines
 * or `$facet`). That `$match` still runs, so the narrowed documents only have
 * to include every match, in natural order.
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
import type { Collection } from '../storage';
import { isPlainObject, type Doc } from '../values';

/** Collection names cannot contain NUL, so these never shadow a real one. */
const PRIVATE_PREFIX = '\0narrowed:';

export interface NarrowedPipeline {
  pipeline: unknown;
  /** Private name -> the documents standing in for the foreign collection. */
  foreign: Map<string, Doc[]>;
}

function leadingMatch(pipeline: unknown): Doc | undefined {
  if (!Array.isArray(pipeline)) return undefined;
  const first: unknown = pipeline[0];
  if (!isPlainObject(first) || Object.keys(first).length !== 1) return undefined;
  return isPlainObject(first.$match) ? first.$match : undefined;
}

/** The aggregate's input: only the candidates of an opening `$match` when `_id` or an index answers it. */
export function pipelineInput(collection: Collection | undefined, pipeline: unknown): Doc[] {
  if (!collection) return [];
  const match = leadingMatch(pipeline);
  return (match && collection.candidates(match)) ?? collection.documents();
}

export function narrowPipeline(
  pipeline: unknown,
  collectionNamed: (name: string) => Collection | undefined,
): NarrowedPipeline {
  const foreign = new Map<string, Doc[]>();

  const privateSource = (name: unknown, subPipeline: unknown): string | undefined => {
    const match = leadingMatch(subPipeline);
    if (typeof name !== 'string' || !match) return undefined;
    const docs = collectionNamed(name)?.candidates(match);
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
