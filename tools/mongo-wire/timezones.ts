/**
 * Olson time-zone support for mingo's date operators.
 *
 * mingo 7 only recognises `Area/City` names (not `UTC`, `Etc/GMT+5` or
 * `America/Argentina/Buenos_Aires`) and derives their offset by re-parsing
 * locale strings in the process time zone. mongod accepts any Olson name, so
 * before a query/pipeline reaches mingo we rewrite every `timezone` argument
 * into `{$__tzOffset: [<date expr>, <timezone expr>]}`, an operator that
 * returns the exact `+HH:MM` offset for that instant (via Intl), a format
 * mingo handles natively.
 */
import type { Document } from 'bson';
import { CommandError } from './errors';
import { bsonType, isPlainObject } from './values';

export const TZ_OFFSET_OPERATOR = '$__tzOffset';

/** Operators whose argument has the instant to convert in `date`. */
const DATE_FIELD_OPERATORS = new Set([
  '$year',
  '$month',
  '$dayOfMonth',
  '$dayOfWeek',
  '$dayOfYear',
  '$hour',
  '$minute',
  '$second',
  '$millisecond',
  '$week',
  '$isoWeek',
  '$isoWeekYear',
  '$isoDayOfWeek',
  '$dateToString',
  '$dateToParts',
  '$dateTrunc',
]);
/** Operators whose instant is in `startDate`. */
const START_DATE_OPERATORS = new Set(['$dateAdd', '$dateSubtract', '$dateDiff']);
/** Operators that build a date from parts: mingo uses the offset at "now", so do we. */
const NO_DATE_OPERATORS = new Set(['$dateFromParts', '$dateFromString']);

/** Returns `expr` with every date operator's `timezone` routed through {@link TZ_OFFSET_OPERATOR}. */
export function rewriteTimezones<T>(expr: T): T {
  return rewrite(expr) as T;
}

function rewrite(expr: unknown): unknown {
  if (Array.isArray(expr)) return expr.map(rewrite);
  if (!isPlainObject(expr)) return expr;
  const keys = Object.keys(expr);
  if (keys.length === 1 && keys[0] === '$literal') return expr;
  const out: Document = {};
  for (const k of keys) out[k] = rewrite(expr[k]);
  if (keys.length !== 1) return out;
  const op = keys[0];
  const arg = out[op];
  if (!isPlainObject(arg) || !('timezone' in arg)) return out;
  let instant: unknown = null;
  if (DATE_FIELD_OPERATORS.has(op)) instant = arg.date;
  else if (START_DATE_OPERATORS.has(op)) instant = arg.startDate;
  else if (!NO_DATE_OPERATORS.has(op)) return out;
  return { [op]: { ...arg, timezone: { [TZ_OFFSET_OPERATOR]: [instant ?? null, arg.timezone] } } };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new CommandError('Location40485', `unrecognized time zone identifier: "${timeZone}"`);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** Minutes east of UTC for `timeZone` (Olson name or ±HH[:MM]) at `at`. */
export function timezoneOffsetMinutes(timeZone: string, at: Date): number {
  const fixed = /^([+-])(\d{2}):?(\d{2})?$/.exec(timeZone);
  if (fixed) return (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3] ?? 0));
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(at)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const wallClockAsUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  const instant = at.getTime() - at.getUTCMilliseconds();
  return Math.round((wallClockAsUtc - instant) / 60_000);
}

export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Implementation of {@link TZ_OFFSET_OPERATOR} once its arguments are evaluated. */
export function offsetFor(date: unknown, timeZone: unknown): string | null {
  if (timeZone === null || timeZone === undefined) return null;
  if (typeof timeZone !== 'string')
    throw new CommandError('Location40485', `timezone must evaluate to a string, found ${typeof timeZone}`);
  let at = new Date();
  if (date instanceof Date) at = date;
  else if (bsonType(date) === 'ObjectId') at = (date as { getTimestamp(): Date }).getTimestamp();
  if (Number.isNaN(at.getTime())) at = new Date();
  return formatOffset(timezoneOffsetMinutes(timeZone, at));
}
