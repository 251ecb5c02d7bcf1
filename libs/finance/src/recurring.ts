import type { BudgetInput, OccurrenceGroup } from './inputs';
import { divRound, toMinorOrZero } from './money';
import { normaliseName } from './normalise';
import { addDaysToDateKey, addMonthsToDateKey, DEFAULT_TIME_ZONE, localDateKey } from './periods';

/**
 * Recurring payments and likely subscriptions, found from per-name occurrence lists. Cadence is judged on local
 * calendar days (time of day is noise), with several charges on one day counted once for the cadence.
 * A cadence matches when there are enough distinct days, the median gap lies in its band and at least
 * `intervalAgreement` of the gaps do too (one late or skipped payment does not hide a monthly bill).
 *
 * Rows dated after `now` are not charges yet: the main backend records the next charge of a live series one period
 * ahead. The first of them still counts as a day for the cadence and gives the next date, never an amount.
 */

export type Cadence = 'weekly' | 'fortnightly' | 'monthly' | 'quarterly' | 'yearly';

export interface CadenceRule {
  cadence: Cadence;
  minDays: number;
  maxDays: number;
  minOccurrences: number;
}

export const DEFAULT_CADENCE_RULES: readonly CadenceRule[] = Object.freeze([
  { cadence: 'weekly', minDays: 6, maxDays: 8, minOccurrences: 3 },
  { cadence: 'fortnightly', minDays: 12, maxDays: 16, minOccurrences: 3 },
  { cadence: 'monthly', minDays: 26, maxDays: 35, minOccurrences: 3 },
  { cadence: 'quarterly', minDays: 80, maxDays: 100, minOccurrences: 3 },
  { cadence: 'yearly', minDays: 350, maxDays: 380, minOccurrences: 2 },
]);

/** Charges a year, and the step from one charge to the next (calendar months where the cadence is in months). */
export const CADENCES: Readonly<Record<Cadence, { perYear: number; stepDays?: number; stepMonths?: number }>> =
  Object.freeze({
    weekly: { perYear: 52, stepDays: 7 },
    fortnightly: { perYear: 26, stepDays: 14 },
    monthly: { perYear: 12, stepMonths: 1 },
    quarterly: { perYear: 4, stepMonths: 3 },
    yearly: { perYear: 1, stepMonths: 12 },
  });

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
  'subscriptions',
  'membership',
  'memberships',
  'streaming',
]);

/**
 * A budget category or budget name that says its expenses are subscriptions (whole words of the normalised text).
 * Narrower than the merchant names: a budget called "Office" or "Apple" says nothing.
 */
const SUBSCRIPTION_CATEGORY_RE = /(?:^| )(?:subscriptions?|memberships?|streaming)(?= |$)/;

export interface RecurringOptions {
  now: Date;
  timeZone?: string;
  minorDigits?: number;
  rules?: readonly CadenceRule[];
  /** Share of gaps that must fall in the cadence band (0..1). */
  intervalAgreement?: number;
  /** Two amounts are the same price when within this percent (of the median, or of the price run's first charge). */
  amountTolerancePct?: number;
  /** Active while the last charge is at most this many cadence-band maxima ago. */
  lapseAfterCycles?: number;
  /** The budgets the groups' `budgetIds` point at: their category or name can say "subscription". */
  budgets?: ReadonlyArray<Pick<BudgetInput, 'id' | 'name' | 'category'>>;
}

export const DEFAULT_RECURRING_OPTIONS = Object.freeze({
  intervalAgreement: 0.75,
  amountTolerancePct: 10,
  lapseAfterCycles: 1.5,
});

export interface PriceChange {
  /** The last charge at the previous price. */
  fromMinor: number;
  /** The current price (the latest charge). */
  toMinor: number;
  /** Local date 'YYYY-MM-DD' of the first charge at the current price. */
  since: string;
}

export interface RecurringItem {
  name: string;
  nameKey: string;
  cadence: Cadence;
  /** Charges made (dated up to now); a recorded upcoming charge is not one of them. */
  occurrences: number;
  firstDate: string;
  lastDate: string;
  medianIntervalDays: number;
  typicalAmountMinor: number;
  latestAmountMinor: number;
  minAmountMinor: number;
  maxAmountMinor: number;
  /** Every charge within amountTolerancePct of the median. */
  amountStable: boolean;
  /** The last move beyond the tolerance when the costs use the latest price (stable, held or yearly), else null. */
  priceChange: PriceChange | null;
  /**
   * The charge converted to a month (x perYear / 12) from the current price: the latest charge when the amount is
   * stable, changed price or yearly; the median when it varies.
   */
  estimatedMonthlyCostMinor: number;
  /** The same charge over a year: weekly x 52, fortnightly x 26, monthly x 12, quarterly x 4, yearly x 1. */
  estimatedYearlyCostMinor: number;
  /** Local date 'YYYY-MM-DD': the recorded upcoming charge, else the last charge plus one cadence. */
  nextExpectedDate: string;
  /** True when nextExpectedDate is an upcoming charge the app has already recorded. */
  nextRecorded: boolean;
  /** False when the last charge is older than lapseAfterCycles cadences and none is recorded: probably cancelled. */
  active: boolean;
  likelySubscription: boolean;
  /** Only a name or a category says "subscription": a small regular purchase (a monthly coffee) is not one. */
  subscriptionReason: 'known-name' | 'category' | null;
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

/** A budget whose category or name says its expenses are subscriptions ("Subscriptions", "Streaming", ...). */
export function isSubscriptionBudget(budget: Pick<BudgetInput, 'name' | 'category'>): boolean {
  return (
    SUBSCRIPTION_CATEGORY_RE.test(normaliseName(budget.category)) ||
    SUBSCRIPTION_CATEGORY_RE.test(normaliseName(budget.name))
  );
}

/** Merges groups whose names normalise alike; the display name is the one of the latest occurrence. */
export function mergeOccurrenceGroups(
  groups: OccurrenceGroup[],
  minorDigits = 2,
): Array<{ nameKey: string; name: string; occurrences: Occ[]; budgetIds: string[] }> {
  const merged = new Map<
    string,
    { nameKey: string; name: string; latest: number; occurrences: Occ[]; ids: Set<string>; budgetIds: Set<string> }
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
      budgetIds: new Set<string>(),
    };
    for (const b of g.budgetIds ?? []) if (typeof b === 'string' && b) m.budgetIds.add(b);
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
    .map(({ nameKey, name, occurrences, budgetIds }) => ({
      nameKey,
      name,
      occurrences: occurrences.sort(
        (a, b) => a.date.getTime() - b.date.getTime() || ((a.id ?? '') < (b.id ?? '') ? -1 : 1),
      ),
      budgetIds: [...budgetIds].sort(),
    }))
    .sort((a, b) => (a.nameKey < b.nameKey ? -1 : 1));
}

/** |a - ref| <= tolerance % of ref, in integers (tolerance to 0.01 %). */
const near = (a: number, ref: number, tolerancePct: number): boolean =>
  Math.abs(a - ref) * 10000 <= Math.round(tolerancePct * 100) * Math.abs(ref);

/**
 * The price a series charges now, from its charges in date order. Stable amounts: the latest. A price that moved
 * and held (every earlier price run, cut where a charge leaves the tolerance of its run's first charge, has at
 * least two charges): the latest. A yearly charge is a renewal at that year's price: the latest. Anything else
 * varies (a metered bill): the median. `change` is the start of the latest run when the price is the latest.
 */
export function currentPrice(
  amounts: readonly number[],
  days: readonly string[],
  cadence: Cadence,
  tolerancePct: number,
): { typical: number; stable: boolean; priceMinor: number; change: PriceChange | null } {
  const typical = Math.round(median([...amounts]));
  const latest = amounts[amounts.length - 1];
  const stable = amounts.every((a) => near(a, typical, tolerancePct));
  const runStarts = [0];
  for (let i = 1; i < amounts.length; i++) {
    if (!near(amounts[i], amounts[runStarts[runStarts.length - 1]], tolerancePct)) runStarts.push(i);
  }
  const lastRun = runStarts[runStarts.length - 1];
  const held = runStarts.every((start, k) => k === runStarts.length - 1 || runStarts[k + 1] - start >= 2);
  if (!(stable || held || cadence === 'yearly')) return { typical, stable, priceMinor: typical, change: null };
  const change = lastRun > 0 ? { fromMinor: amounts[lastRun - 1], toMinor: latest, since: days[lastRun] } : null;
  return { typical, stable, priceMinor: latest, change };
}

function matchCadence(days: string[], rules: readonly CadenceRule[], agreement: number) {
  if (days.length < 2) return null;
  const gaps = days.slice(1).map((d, i) => dayNumber(d) - dayNumber(days[i]));
  const medianGap = median(gaps);
  const rule = rules.find(
    (r) =>
      days.length >= r.minOccurrences &&
      medianGap >= r.minDays &&
      medianGap <= r.maxDays &&
      gaps.filter((x) => x >= r.minDays && x <= r.maxDays).length >= agreement * gaps.length,
  );
  return rule ? { rule, medianGap } : null;
}

export function detectRecurring(groups: OccurrenceGroup[], options: RecurringOptions): RecurringItem[] {
  const tz = options.timeZone ?? DEFAULT_TIME_ZONE;
  const rules = options.rules ?? DEFAULT_CADENCE_RULES;
  const agreement = options.intervalAgreement ?? DEFAULT_RECURRING_OPTIONS.intervalAgreement;
  const tolerance = options.amountTolerancePct ?? DEFAULT_RECURRING_OPTIONS.amountTolerancePct;
  const lapse = options.lapseAfterCycles ?? DEFAULT_RECURRING_OPTIONS.lapseAfterCycles;
  const nowMs = options.now.getTime();
  const today = dayNumber(localDateKey(options.now, tz));
  const subscriptionBudgets = new Set((options.budgets ?? []).filter(isSubscriptionBudget).map((b) => b.id));

  const out: RecurringItem[] = [];
  for (const g of mergeOccurrenceGroups(groups, options.minorDigits ?? 2)) {
    const charges = g.occurrences.filter((o) => o.date.getTime() <= nowMs);
    if (charges.length === 0) continue;
    const chargeDays = charges.map((o) => localDateKey(o.date, tz));
    const days = [...new Set(chargeDays)];
    const lastDate = days[days.length - 1];
    const upcoming = g.occurrences
      .filter((o) => o.date.getTime() > nowMs)
      .map((o) => localDateKey(o.date, tz))
      .find((k) => k > lastDate);
    // With the recorded next charge when it fits the cadence; a stray future row must not hide the paid history.
    let withNext = upcoming ? matchCadence([...days, upcoming], rules, agreement) : null;
    if (withNext && upcoming) {
      const gap = dayNumber(upcoming) - dayNumber(lastDate);
      if (gap < withNext.rule.minDays || gap > withNext.rule.maxDays) withNext = null;
    }
    const match = withNext ?? matchCadence(days, rules, agreement);
    if (!match) continue;
    const { rule, medianGap } = match;
    const step = CADENCES[rule.cadence];

    const amounts = charges.map((o) => o.amountMinor);
    const price = currentPrice(amounts, chargeDays, rule.cadence, tolerance);
    // The yearly figure comes from the charge itself, not from the rounded monthly one (£10 a week is £520 a year).
    const yearly = price.priceMinor * step.perYear;
    const monthly = step.perYear === 12 ? price.priceMinor : divRound(yearly, 12);
    const nextRecorded = withNext !== null && upcoming !== undefined;
    const nextExpectedDate = nextRecorded
      ? (upcoming as string)
      : step.stepDays
        ? addDaysToDateKey(lastDate, step.stepDays)
        : addMonthsToDateKey(lastDate, step.stepMonths ?? 1);
    const active = nextRecorded || today - dayNumber(lastDate) <= rule.maxDays * lapse;

    const reason: RecurringItem['subscriptionReason'] = isKnownSubscriptionName(g.nameKey)
      ? 'known-name'
      : g.budgetIds.some((id) => subscriptionBudgets.has(id))
        ? 'category'
        : null;

    out.push({
      name: g.name,
      nameKey: g.nameKey,
      cadence: rule.cadence,
      occurrences: charges.length,
      firstDate: days[0],
      lastDate,
      medianIntervalDays: medianGap,
      typicalAmountMinor: price.typical,
      latestAmountMinor: amounts[amounts.length - 1],
      minAmountMinor: Math.min(...amounts),
      maxAmountMinor: Math.max(...amounts),
      amountStable: price.stable,
      priceChange: price.change,
      estimatedMonthlyCostMinor: monthly,
      estimatedYearlyCostMinor: yearly,
      nextExpectedDate,
      nextRecorded,
      active,
      likelySubscription: reason !== null,
      subscriptionReason: reason,
    });
  }
  return out.sort(
    (a, b) => b.estimatedMonthlyCostMinor - a.estimatedMonthlyCostMinor || (a.nameKey < b.nameKey ? -1 : 1),
  );
}
