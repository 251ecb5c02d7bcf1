import { Types, type PipelineStage } from 'mongoose';

/**
 * Query pieces every reader of the main backend's `expenses` shares, so the financial context and the chat tools
 * put the same expense in the same month and under the same budget (and so the same category).
 */

export const RECURRING_FREQUENCIES = ['weekly', 'monthly', 'yearly'];

/** The name as series and merchants are keyed in MongoDB: lower-cased and trimmed (the library normalises further). */
export const LOWER_TRIMMED_NAME: Record<string, unknown> = {
  $toLower: { $trim: { input: { $ifNull: ['$name', ''] } } },
};

/**
 * The main backend copies a weekly, monthly or yearly expense a period ahead WITHOUT its `budgetId`, so every copy
 * would lose the category its budget gives. These stages give a copy the budget of its series: the nearest earlier
 * row of the same user, lower-cased trimmed name and frequency that has one (`$locf` over the series sorted by
 * date). Series that began before the scanned range are seeded with their latest budgeted row from before it,
 * added by `$unionWith` and dropped again after the window stage. A row's own budget always wins; one-off
 * expenses never inherit. Must follow a `$project` that keeps userId, name, endDate, budgetId and frequency.
 */
export function seriesBudgetStages(
  uid: Types.ObjectId,
  start: Date,
  lowerName: Record<string, unknown> = LOWER_TRIMMED_NAME,
): PipelineStage[] {
  return [
    {
      $unionWith: {
        coll: 'expenses',
        pipeline: [
          // The read-only plugin only guards the outer pipeline.
          {
            $match: {
              userId: uid,
              isDeleted: { $ne: true },
              endDate: { $lt: start },
              budgetId: { $ne: null },
              frequency: { $in: RECURRING_FREQUENCIES },
            },
          },
          { $sort: { endDate: 1, _id: 1 } },
          {
            $group: {
              _id: { u: '$userId', n: lowerName, f: '$frequency' },
              budgetId: { $last: '$budgetId' },
              endDate: { $last: '$endDate' },
            },
          },
          {
            $project: {
              _id: 0,
              seriesSeed: { $literal: true },
              userId: '$_id.u',
              name: '$_id.n',
              frequency: '$_id.f',
              budgetId: 1,
              endDate: 1,
            },
          },
        ],
      },
    },
    {
      $setWindowFields: {
        partitionBy: { u: '$userId', n: lowerName, f: '$frequency' },
        sortBy: { endDate: 1 },
        output: { seriesBudgetId: { $locf: '$budgetId' } },
      },
    },
    { $match: { seriesSeed: { $ne: true } } },
    {
      $set: {
        budgetId: {
          $ifNull: ['$budgetId', { $cond: [{ $in: ['$frequency', RECURRING_FREQUENCIES] }, '$seriesBudgetId', null] }],
        },
      },
    },
  ];
}

/** The library's month keys are local months; grouping must use the same zone or month-edge spending moves. */
export function monthOf(field: string, timeZone: string): Record<string, unknown> {
  return { $dateToString: { format: '%Y-%m', date: field, timezone: timeZone } };
}

/** ObjectIds as hex; the main backend may also hold ids as strings (older documents, hand edits). */
export function hex(v: unknown): string | null {
  if (v instanceof Types.ObjectId) return v.toHexString();
  if (typeof v === 'string' && v.length > 0) return v;
  if (v && typeof v === 'object' && typeof (v as { toHexString?: unknown }).toHexString === 'function') {
    return (v as { toHexString(): string }).toHexString();
  }
  return null;
}
