import { addMonths, DEFAULT_TIME_ZONE, monthKey, monthRange, type MonthKey } from './periods';
import { DEFAULT_RED_FLAG_THRESHOLDS } from './red-flags';

/**
 * What the repository must fetch for buildFinancialContext at `now`: month-keyed aggregations over `months`,
 * occurrence lists over `recurring` (24 months back, so a yearly charge renewed twice is seen twice, and 12 months
 * ahead for the copies the main backend records a period early), duplicate candidates over `duplicates`. Ranges are [start, end) instants; query `{ $gte: start, $lt: end }`.
 */

/** How far back recurring detection looks: a yearly charge renewed within the last year is seen twice. */
export const RECURRING_MONTHS_BACK = 24;

export interface DataWindows {
  months: { from: MonthKey; to: MonthKey; start: Date; end: Date };
  recurring: { start: Date; end: Date };
  duplicates: { start: Date; end: Date };
}

export interface DataWindowOptions {
  consecutiveOverspendMonths?: number;
  recurringMonths?: number;
  duplicateMonths?: number;
}

export function dataWindows(
  now: Date,
  timeZone: string = DEFAULT_TIME_ZONE,
  options: DataWindowOptions = {},
): DataWindows {
  const current = monthKey(now, timeZone);
  // 3 complete months + the 3 before them for the comparison = 6 back; overspend streaks may need more.
  const back = Math.max(
    6,
    (options.consecutiveOverspendMonths ?? DEFAULT_RED_FLAG_THRESHOLDS.consecutiveOverspendMonths) * 2,
  );
  const from = addMonths(current, -back);
  const end = monthRange(current, timeZone).end;
  return {
    months: { from, to: current, start: monthRange(from, timeZone).start, end },
    recurring: {
      start: monthRange(addMonths(current, -(options.recurringMonths ?? RECURRING_MONTHS_BACK)), timeZone).start,
      // The main backend records each recurring charge one period ahead: a yearly one up to a year ahead.
      end: monthRange(addMonths(current, 12), timeZone).end,
    },
    duplicates: { start: monthRange(addMonths(current, -(options.duplicateMonths ?? 1)), timeZone).start, end },
  };
}
