/**
 * Calendar months in a configured IANA time zone, computed with Intl only (no tz library). A user in London
 * who spends at 00:30 on 1 April local time spent it in April, although the instant is still March in UTC.
 * Month keys are 'YYYY-MM' and match MongoDB's `$dateToString: { format: '%Y-%m', timezone }` for the
 * same zone, which is how the repository groups documents by month.
 */

export type MonthKey = string;

/** The app is UK-first: the zone that goes with the default currency (GBP) and locale (en-GB) in money.ts. */
export const DEFAULT_TIME_ZONE = 'Europe/London';

const MONTH_KEY_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;
const DAY_MS = 86_400_000;

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws RangeError for an unknown zone, which is what a misconfiguration should do.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * Intl costs microseconds a call and a year of expense dates means thousands of calls, but a zone's offset is the
 * same for a whole UTC day on all but the few days it changes. So the offset is looked up once per UTC day (checked
 * at its start, middle and last second) and local parts come from plain UTC arithmetic; on a day where the offset
 * changes, every call still goes to Intl.
 */
const OFFSET_CACHE_DAYS = 50_000;
// Date.UTC reads years 0-99 as 1900-1999, so the arithmetic path keeps to years where that cannot happen.
const FAST_PATH_FROM = Date.UTC(1800, 0, 1);
const FAST_PATH_TO = Date.UTC(9000, 0, 1);
const dayOffsets = new Map<string, Map<number, number | null>>();

function intlOffsetMs(t: number, timeZone: string): number {
  const p = intlLocalParts(new Date(t), timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(t / 1000) * 1000;
}

/** The zone's offset for the whole UTC day of `t`, or null when it changes during that day. */
function dayOffsetMs(t: number, timeZone: string): number | null {
  let zone = dayOffsets.get(timeZone);
  if (!zone) {
    zone = new Map();
    dayOffsets.set(timeZone, zone);
  }
  const day = Math.floor(t / DAY_MS);
  let offset = zone.get(day);
  if (offset === undefined) {
    const start = day * DAY_MS;
    const a = intlOffsetMs(start, timeZone);
    offset =
      a === intlOffsetMs(start + DAY_MS / 2, timeZone) && a === intlOffsetMs(start + DAY_MS - 1000, timeZone)
        ? a
        : null;
    if (zone.size >= OFFSET_CACHE_DAYS) zone.clear();
    zone.set(day, offset);
  }
  return offset;
}

function localParts(date: Date, timeZone: string): LocalParts {
  const t = date.getTime();
  const offset = t >= FAST_PATH_FROM && t < FAST_PATH_TO ? dayOffsetMs(t, timeZone) : null;
  if (offset === null) return intlLocalParts(date, timeZone);
  const local = new Date(t + offset);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
  };
}

function intlLocalParts(date: Date, timeZone: string): LocalParts {
  const out: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(date)) {
    if (p.type !== 'literal' && p.type !== 'era') out[p.type] = Number(p.value);
  }
  return {
    year: out.year,
    month: out.month,
    day: out.day,
    hour: out.hour === 24 ? 0 : out.hour,
    minute: out.minute,
    second: out.second,
  };
}

function assertDate(date: Date): void {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new RangeError('expected a valid Date');
}

/** Offset of the zone from UTC at an instant, in milliseconds (London in summer: +3_600_000). */
export function timeZoneOffsetMs(date: Date, timeZone: string): number {
  const p = localParts(date, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  const wholeSeconds = Math.floor(date.getTime() / 1000) * 1000;
  return asUtc - wholeSeconds;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

export function toMonthKey(year: number, month: number): MonthKey {
  return `${String(year).padStart(4, '0')}-${pad2(month)}`;
}

export function parseMonthKey(key: MonthKey): { year: number; month: number } {
  const m = MONTH_KEY_RE.exec(key);
  if (!m) throw new RangeError(`not a month key (YYYY-MM): ${key}`);
  return { year: Number(m[1]), month: Number(m[2]) };
}

export function isMonthKey(key: unknown): key is MonthKey {
  return typeof key === 'string' && MONTH_KEY_RE.test(key);
}

export function monthKey(date: Date, timeZone: string = DEFAULT_TIME_ZONE): MonthKey {
  assertDate(date);
  const p = localParts(date, timeZone);
  return toMonthKey(p.year, p.month);
}

/** Local calendar date 'YYYY-MM-DD' of an instant in the zone. */
export function localDateKey(date: Date, timeZone: string = DEFAULT_TIME_ZONE): string {
  assertDate(date);
  const p = localParts(date, timeZone);
  return `${toMonthKey(p.year, p.month)}-${pad2(p.day)}`;
}

export function addMonths(key: MonthKey, n: number): MonthKey {
  const { year, month } = parseMonthKey(key);
  const index = year * 12 + (month - 1) + n;
  return toMonthKey(Math.floor(index / 12), (index % 12) + 1);
}

/** Whole months from a to b (b - a); negative when b is earlier. */
export function monthsBetween(a: MonthKey, b: MonthKey): number {
  const pa = parseMonthKey(a);
  const pb = parseMonthKey(b);
  return pb.year * 12 + pb.month - (pa.year * 12 + pa.month);
}

/** Inclusive list of month keys from `from` to `to`; empty when `to` is before `from`. */
export function monthSpan(from: MonthKey, to: MonthKey): MonthKey[] {
  const n = monthsBetween(from, to);
  const out: MonthKey[] = [];
  for (let i = 0; i <= n; i++) out.push(addMonths(from, i));
  return out;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function compareLocalDay(p: LocalParts, year: number, month: number, day: number): number {
  return Date.UTC(p.year, p.month - 1, p.day) - Date.UTC(year, month - 1, day);
}

/**
 * UTC instant at which the local calendar day begins. Usually local midnight; on the days where a DST gap
 * swallows midnight (e.g. America/Sao_Paulo 2018-11-04) it is the first instant that exists that day.
 */
export function startOfLocalDay(year: number, month: number, day: number, timeZone: string = DEFAULT_TIME_ZONE): Date {
  const wallAsUtc = Date.UTC(year, month - 1, day);
  // Two passes: the offset at the guessed instant may differ from the offset at the real answer near a DST change.
  let t = wallAsUtc - timeZoneOffsetMs(new Date(wallAsUtc), timeZone);
  t = wallAsUtc - timeZoneOffsetMs(new Date(t), timeZone);
  const p = localParts(new Date(t), timeZone);
  const exact = compareLocalDay(p, year, month, day) === 0 && p.hour === 0 && p.minute === 0 && p.second === 0;
  if (exact && compareLocalDay(localParts(new Date(t - 1000), timeZone), year, month, day) < 0) return new Date(t);
  // Gap at midnight: search for the first second whose local day is not before the wanted day.
  let lo = t - 6 * 3_600_000;
  let hi = t + 6 * 3_600_000;
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2000) * 1000;
    if (compareLocalDay(localParts(new Date(mid), timeZone), year, month, day) >= 0) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}

export interface InstantRange {
  /** Inclusive. */
  start: Date;
  /** Exclusive: the start of the next month. Query with `$gte: start, $lt: end`. */
  end: Date;
}

export function monthRange(key: MonthKey, timeZone: string = DEFAULT_TIME_ZONE): InstantRange {
  const { year, month } = parseMonthKey(key);
  const next = parseMonthKey(addMonths(key, 1));
  return {
    start: startOfLocalDay(year, month, 1, timeZone),
    end: startOfLocalDay(next.year, next.month, 1, timeZone),
  };
}

/** Calendar-month arithmetic on a local date key 'YYYY-MM-DD', clamping the day (31 Jan + 1 month = 28/29 Feb). */
export function addMonthsToDateKey(dateKey: string, n: number): string {
  const [y, m, d] = dateKey.split('-').map(Number);
  const target = addMonths(toMonthKey(y, m), n);
  const { year, month } = parseMonthKey(target);
  return `${target}-${pad2(Math.min(d, daysInMonth(year, month)))}`;
}

export function addDaysToDateKey(dateKey: string, n: number): string {
  const [y, m, d] = dateKey.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d) + n * DAY_MS);
  return `${toMonthKey(t.getUTCFullYear(), t.getUTCMonth() + 1)}-${pad2(t.getUTCDate())}`;
}

export type PeriodSpec =
  | { kind: 'this-month' }
  | { kind: 'last-month' }
  /**
   * The n whole calendar months before the current one (the partial current month is left out so averages
   * are not dragged down by it); set includeCurrentMonth to end the range at the current month instead.
   */
  | { kind: 'last-n-months'; n: number; includeCurrentMonth?: boolean }
  /** Explicit inclusive month range. */
  | { kind: 'months'; from: MonthKey; to: MonthKey };

export interface ResolvedPeriod {
  kind: PeriodSpec['kind'];
  /** e.g. '2026-04' or '2026-01..2026-03'. */
  label: string;
  months: MonthKey[];
  start: Date;
  end: Date;
  /** True when the period contains the current month, which has not finished yet. */
  partial: boolean;
}

export function resolvePeriod(spec: PeriodSpec, now: Date, timeZone: string = DEFAULT_TIME_ZONE): ResolvedPeriod {
  const current = monthKey(now, timeZone);
  let from: MonthKey;
  let to: MonthKey;
  switch (spec.kind) {
    case 'this-month':
      from = to = current;
      break;
    case 'last-month':
      from = to = addMonths(current, -1);
      break;
    case 'last-n-months': {
      if (!Number.isInteger(spec.n) || spec.n < 1) throw new RangeError(`last-n-months needs n >= 1, got ${spec.n}`);
      to = spec.includeCurrentMonth ? current : addMonths(current, -1);
      from = addMonths(to, -(spec.n - 1));
      break;
    }
    case 'months':
      from = spec.from;
      to = spec.to;
      if (monthsBetween(from, to) < 0) throw new RangeError(`period ends before it starts: ${from}..${to}`);
      break;
  }
  return periodFromMonths(spec.kind, from, to, current, timeZone);
}

function periodFromMonths(
  kind: PeriodSpec['kind'],
  from: MonthKey,
  to: MonthKey,
  current: MonthKey,
  timeZone: string,
): ResolvedPeriod {
  const months = monthSpan(from, to);
  return {
    kind,
    label: from === to ? from : `${from}..${to}`,
    months,
    start: monthRange(from, timeZone).start,
    end: monthRange(to, timeZone).end,
    partial: months.includes(current),
  };
}

/** Accepts either a spec or an already resolved period, so callers can resolve once and reuse. */
export function ensurePeriod(
  p: PeriodSpec | ResolvedPeriod,
  now: Date,
  timeZone: string = DEFAULT_TIME_ZONE,
): ResolvedPeriod {
  return 'start' in p ? p : resolvePeriod(p, now, timeZone);
}

/** The period of equal length immediately before (for month-over-month comparisons). */
export function previousPeriod(
  period: ResolvedPeriod,
  now: Date,
  timeZone: string = DEFAULT_TIME_ZONE,
): ResolvedPeriod {
  const n = period.months.length;
  const from = addMonths(period.months[0], -n);
  const to = addMonths(period.months[0], -1);
  return periodFromMonths('months', from, to, monthKey(now, timeZone), timeZone);
}

export function dayDifference(later: Date, earlier: Date): number {
  return (later.getTime() - earlier.getTime()) / DAY_MS;
}
