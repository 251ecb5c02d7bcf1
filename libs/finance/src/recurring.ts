import { CATEGORY_NEEDS, classifyExpenseName } from './categories';
import type { OccurrenceGroup } from './inputs';
import { divRound, toMinorOrZero } from './money';
import { normaliseName } from './normalise';
import { addDaysToDateKey, addMonthsToDateKey, DEFAULT_TIME_ZONE, localDateKey } from './periods';

/**
 * Recurring payments and likely subscriptions, found from per-name occurrence lists. Cadence is judged on local
 * calendar days (time of day is noise), with several charges on one day counted once for the cadence.
 * A cadence matches when there are enough distinct days, the median gap lies in its band and at least
 * `intervalAgreement` of the gaps do too (one late or skipped payment does not hide a monthly bill).
 */

export type Cadence = 'weekly' | 'monthly' | 'yearly';

export interface CadenceRule {
  cadence: Cadence;
  minDays: number;
  maxDays: number;
  minOccurrences: number;
}

export const DEFAULT_CADENCE_RULES: readonly CadenceRule[] = Object.freeze([
  { cadence: 'weekly', minDays: 6, maxDays: 8, minOccurrences: 3 },
  { cadence: 'monthly', minDays: 26, maxDays: 35, minOccurrences: 3 },
  { cadence: 'yearly', minDays: 350, maxDays: 380, minOccurrences: 2 },
]);

/** Merchants that are subscriptions whatever the amount (whole words of the normalised name). */
export const SUBSCRIPTION_KEYWORDS: readonly string[] = Object.freeze([
  'netflix',
  'spotify',
  'disney',
  'prime video',
  'amazon prime',
  'apple',
  'icloud',
  'youtube',
  'google one',
  'google storage',
  'xbox',
  'playstation',
  'nintendo',
  'adobe',
  'microsoft',
  'office',
  'dropbox',
  'audible',
  'now tv',
  'sky',
  'patreon',
  'chatgpt',
  'openai',
  'notion',
  'canva',
  'gym',
  'puregym',
  'gym group',
  'fitness',
  'david lloyd',
  'headspace',
  'calm',
  'duolingo',
  'deezer',
  'tidal',
  'crunchyroll',
  'paramount',
  'hbo',
  'hulu',
  'dazn',
  'britbox',
  'linkedin premium',
  'strava',
  'zwift',
  'subscription',
  'membership',
]);

export interface RecurringOptions {
  now: Date;
  timeZone?: string;
  minorDigits?: number;
  rules?: readonly CadenceRule[];
  /** Share of gaps that must fall in the cadence band (0..1). */
  intervalAgreement?: number;
  /** An amount is stable when every occurrence is within this percent of the median. */
  amountTolerancePct?: number;
  /** Monthly-equivalent ceiling for "stable small amount" subscriptions without a known name. */
  smallSubscriptionMaxMinor?: number;
  /** Active while the last occurrence is at most this many cadence-band maxima ago. */
  lapseAfterCycles?: number;
}

export const DEFAULT_RECURRING_OPTIONS = Object.freeze({
  intervalAgreement: 0.75,
  amountTolerancePct: 10,
  smallSubscriptionMaxMinor: 3000,
  lapseAfterCycles: 1.5,
});

export interface RecurringItem {
  name: string;
  nameKey: string;
  cadence: Cadence;
  occurrences: number;
  firstDate: string;
  lastDate: string;
  medianIntervalDays: number;
  typicalAmountMinor: number;
  latestAmountMinor: number;
  minAmountMinor: number;
  maxAmountMinor: number;
  amountStable: boolean;
  /** Stable: latest amount (today's price); variable: median; converted to a month (weekly * 52 / 12, yearly / 12). */
  estimatedMonthlyCostMinor: number;
  /** The same charge over a year: weekly * 52, monthly * 12, yearly * 1. */
  estimatedYearlyCostMinor: number;
  /** Local date 'YYYY-MM-DD': last occurrence plus one cadence (calendar months for monthly/yearly). */
  nextExpectedDate: string;
  /** False when the last charge is older than lapseAfterCycles cadences: probably cancelled. */
  active: boolean;
  likelySubscription: boolean;
  subscriptionReason: 'known-name' | 'stable-small-amount' | null;
}

interface Occ {
  id?: string;
  date: Date;
  amountMinor: number;
}

const DAY_MS = 86_400_000;
const dayNumber = (dateKey: string): number => {
  const [y, m, d] = dateKey.split('-').map(Number);
  return Date.UTC(y, m - 1, d) / DAY_MS;
};
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const wordRe = (k: string): RegExp => new RegExp(`(?:^| )${k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?= |$)`);
const SUBSCRIPTION_RES = SUBSCRIPTION_KEYWORDS.map(wordRe);

export function isKnownSubscriptionName(name: string): boolean {
  const n = normaliseName(name);
  return SUBSCRIPTION_RES.some((re) => re.test(n));
}

/** Merges groups whose names normalise alike; the display name is the one of the latest occurrence. */
export function mergeOccurrenceGroups(
  groups: OccurrenceGroup[],
  minorDigits = 2,
): Array<{ nameKey: string; name: string; occurrences: Occ[] }> {
  const merged = new Map<
    string,
    { nameKey: string; name: string; latest: number; occurrences: Occ[]; ids: Set<string> }
  >();
  for (const g of groups) {
    const nameKey = normaliseName(g.name);
    if (!nameKey) continue;
    const m = merged.get(nameKey) ?? {
      nameKey,
      name: g.name,
      latest: -Infinity,
      occurrences: [],
      ids: new Set<string>(),
    };
    for (const o of g.occurrences ?? []) {
      if (!(o.date instanceof Date) || Number.isNaN(o.date.getTime())) continue;
      if (o.id) {
        if (m.ids.has(o.id)) continue;
        m.ids.add(o.id);
      }
      m.occurrences.push({ id: o.id, date: o.date, amountMinor: toMinorOrZero(o.amount, minorDigits) });
      if (o.date.getTime() > m.latest) {
        m.latest = o.date.getTime();
        m.name = g.name;
      }
    }
    merged.set(nameKey, m);
  }
  return [...merged.values()]
    .map(({ nameKey, name, occurrences }) => ({
      nameKey,
      name,
      occurrences: occurrences.sort(
        (a, b) => a.date.getTime() - b.date.getTime() || ((a.id ?? '') < (b.id ?? '') ? -1 : 1),
      ),
    }))
    .sort((a, b) => (a.nameKey < b.nameKey ? -1 : 1));
}

export function detectRecurring(groups: OccurrenceGroup[], options: RecurringOptions): RecurringItem[] {
  const tz = options.timeZone ?? DEFAULT_TIME_ZONE;
  const rules = options.rules ?? DEFAULT_CADENCE_RULES;
  const agreement = options.intervalAgreement ?? DEFAULT_RECURRING_OPTIONS.intervalAgreement;
  const tolerance = options.amountTolerancePct ?? DEFAULT_RECURRING_OPTIONS.amountTolerancePct;
  const smallMax = options.smallSubscriptionMaxMinor ?? DEFAULT_RECURRING_OPTIONS.smallSubscriptionMaxMinor;
  const lapse = options.lapseAfterCycles ?? DEFAULT_RECURRING_OPTIONS.lapseAfterCycles;
  const today = dayNumber(localDateKey(options.now, tz));

  const out: RecurringItem[] = [];
  for (const g of mergeOccurrenceGroups(groups, options.minorDigits ?? 2)) {
    const days = [...new Set(g.occurrences.map((o) => localDateKey(o.date, tz)))].sort();
    if (days.length < 2) continue;
    const gaps = days.slice(1).map((d, i) => dayNumber(d) - dayNumber(days[i]));
    const medianGap = median(gaps);
    const rule = rules.find(
      (r) =>
        days.length >= r.minOccurrences &&
        medianGap >= r.minDays &&
        medianGap <= r.maxDays &&
        gaps.filter((x) => x >= r.minDays && x <= r.maxDays).length >= agreement * gaps.length,
    );
    if (!rule) continue;

    const amounts = g.occurrences.map((o) => o.amountMinor);
    const typical = Math.round(median(amounts));
    const latest = amounts[amounts.length - 1];
    // |a - median| * 100 <= tolerance * median, in integers (tolerance to 0.01 %).
    const stable = amounts.every(
      (a) => Math.abs(a - typical) * 10000 <= Math.round(tolerance * 100) * Math.abs(typical),
    );
    const base = stable ? latest : typical;
    // The yearly figure comes from the charge itself, not from the rounded monthly one (£10 a week is £520 a year).
    const yearly = base * (rule.cadence === 'weekly' ? 52 : rule.cadence === 'monthly' ? 12 : 1);
    const monthly = rule.cadence === 'monthly' ? base : divRound(yearly, 12);
    const lastDate = days[days.length - 1];
    const nextExpectedDate =
      rule.cadence === 'weekly'
        ? addDaysToDateKey(lastDate, 7)
        : addMonthsToDateKey(lastDate, rule.cadence === 'monthly' ? 1 : 12);
    const active = today - dayNumber(lastDate) <= rule.maxDays * lapse;

    let reason: RecurringItem['subscriptionReason'] = null;
    if (isKnownSubscriptionName(g.nameKey)) reason = 'known-name';
    else if (
      stable &&
      rule.cadence !== 'weekly' &&
      monthly > 0 &&
      monthly <= smallMax &&
      classifyExpenseName(g.nameKey).category !== CATEGORY_NEEDS
    ) {
      reason = 'stable-small-amount';
    }

    out.push({
      name: g.name,
      nameKey: g.nameKey,
      cadence: rule.cadence,
      occurrences: g.occurrences.length,
      firstDate: days[0],
      lastDate,
      medianIntervalDays: medianGap,
      typicalAmountMinor: typical,
      latestAmountMinor: latest,
      minAmountMinor: Math.min(...amounts),
      maxAmountMinor: Math.max(...amounts),
      amountStable: stable,
      estimatedMonthlyCostMinor: monthly,
      estimatedYearlyCostMinor: yearly,
      nextExpectedDate,
      active,
      likelySubscription: reason !== null,
      subscriptionReason: reason,
    });
  }
  return out.sort(
    (a, b) => b.estimatedMonthlyCostMinor - a.estimatedMonthlyCostMinor || (a.nameKey < b.nameKey ? -1 : 1),
  );
}
