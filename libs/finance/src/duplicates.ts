import type { DuplicateCandidateGroup } from './inputs';
import { toMinorOrZero } from './money';
import { normaliseName } from './normalise';

/**
 * Likely duplicate expenses: same normalised name, same amount, recorded within `windowDays` of the first entry
 * of the cluster. Clusters are anchored on their first entry rather than chained, so a daily habit does not fold
 * a whole month into one "duplicate".
 */

export const DEFAULT_DUPLICATE_WINDOW_DAYS = 2;

export interface DuplicateOptions {
  windowDays?: number;
  minorDigits?: number;
}

export interface DuplicateCluster {
  name: string;
  nameKey: string;
  amountMinor: number;
  count: number;
  expenseIds: string[];
  dates: string[];
  /** Hours between the first and the last entry. */
  spanHours: number;
  /** What the extra entries add up to: amount * (count - 1). */
  extraMinor: number;
}

const HOUR_MS = 3_600_000;

export function findDuplicates(groups: DuplicateCandidateGroup[], options: DuplicateOptions = {}): DuplicateCluster[] {
  const windowMs = (options.windowDays ?? DEFAULT_DUPLICATE_WINDOW_DAYS) * 24 * HOUR_MS;
  const digits = options.minorDigits ?? 2;
  const merged = new Map<string, { name: string; nameKey: string; amountMinor: number; occ: Map<string, Date> }>();
  for (const g of groups) {
    const nameKey = normaliseName(g.name);
    const amountMinor = toMinorOrZero(g.amount, digits);
    if (!nameKey || amountMinor === 0) continue;
    const key = `${nameKey}|${amountMinor}`;
    const m = merged.get(key) ?? { name: g.name, nameKey, amountMinor, occ: new Map<string, Date>() };
    for (const o of g.occurrences ?? []) {
      if (o.date instanceof Date && !Number.isNaN(o.date.getTime())) m.occ.set(o.id, o.date);
    }
    merged.set(key, m);
  }

  const out: DuplicateCluster[] = [];
  for (const m of merged.values()) {
    const occ = [...m.occ.entries()].sort((a, b) => a[1].getTime() - b[1].getTime() || (a[0] < b[0] ? -1 : 1));
    let i = 0;
    while (i < occ.length) {
      const anchor = occ[i][1].getTime();
      let j = i + 1;
      while (j < occ.length && occ[j][1].getTime() - anchor <= windowMs) j++;
      if (j - i >= 2) {
        const cluster = occ.slice(i, j);
        out.push({
          name: m.name,
          nameKey: m.nameKey,
          amountMinor: m.amountMinor,
          count: cluster.length,
          expenseIds: cluster.map(([id]) => id),
          dates: cluster.map(([, d]) => d.toISOString()),
          spanHours: Math.round(((cluster[cluster.length - 1][1].getTime() - anchor) / HOUR_MS) * 10) / 10,
          extraMinor: m.amountMinor * (cluster.length - 1),
        });
      }
      i = j;
    }
  }
  return out.sort((a, b) =>
    a.dates[0] < b.dates[0] ? 1 : a.dates[0] > b.dates[0] ? -1 : a.nameKey < b.nameKey ? -1 : 1,
  );
}
