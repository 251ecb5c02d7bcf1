/**
 * Test hooks of the fast paths (fast-filter.ts, fast-update.ts, keyed-lookup.ts,
 * the sort-and-limit cut in commands/pipeline-narrowing.ts): counters of how
 * often they answered without mingo, which result comparisons alone cannot
 * show, and a switch that sends everything down the mingo paths so specs can
 * compare the two on the same commands.
 */
export const fastPaths = {
  enabled: true,
  /** Documents an equality filter decided without mingo. */
  filterDecided: 0,
  /** Documents an equality filter handed to mingo (arrays, embedded documents, wide numbers...). */
  filterDeferred: 0,
  /** Operator updates applied without mingo's updater. */
  updates: 0,
  /** Correlated `$lookup` runs that read only the foreign documents holding the `let` value. */
  lookupsKeyed: 0,
  /** Matches an aggregate's `$sort` and `$limit` left out before mingo read them. */
  rowsCut: 0,
};
