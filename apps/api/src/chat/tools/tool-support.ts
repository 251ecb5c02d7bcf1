import {
  addDaysToDateKey,
  currencyMinorDigits,
  daysInMonth,
  localDateKey,
  parseMonthKey,
  quoteUserText,
  startOfLocalDay,
  type MonthKey,
} from '@app/finance';
import { FactSheetBuilder, type Fact, type FactUnit } from '@app/prompts';
import { ToolInputError, type ToolContext } from './chat-tool';

/**
 * What the ledger tools share: figures that are formatted and recorded as facts in one step (so `data` never
 * shows a figure the verifier was not given), user-typed names made safe to show, and dates read in the user's
 * zone.
 */

/** Longest user-typed name a tool shows (expense, budget, goal, subscription names). */
export const TOOL_NAME_MAX_CHARS = 60;

/** Money as a tool shows it: formatted the app's way, and in minor units for arithmetic. */
export interface MoneyField {
  text: string;
  minor: number;
}

/**
 * Formats each figure a tool puts in `data` and records it as a fact at the same time, in the app's money format
 * (the context's currency and locale), whatever the reply's language.
 */
export class ToolFigures {
  private readonly sheet: FactSheetBuilder;
  readonly minorDigits: number;

  constructor(
    readonly tool: string,
    ctx: Pick<ToolContext, 'currency' | 'locale'>,
  ) {
    this.sheet = new FactSheetBuilder(ctx.currency, ctx.locale);
    this.minorDigits = currencyMinorDigits(ctx.currency);
  }

  /** Formatting only: for a figure that is already recorded by another fact. */
  money = (minor: number): string => this.sheet.money(minor);
  pct = (p: number | null): string => this.sheet.pct(p);

  /** A money figure, recorded; `text` replaces the formatted amount when the fact line shows more. */
  amount(key: string, label: string, minor: number, text?: string): string {
    this.sheet.figure(this.key(key), label, minor, 'money', text);
    return this.money(minor);
  }

  percent(key: string, label: string, value: number | null): string {
    this.sheet.figure(this.key(key), label, value, 'percent');
    return this.pct(value);
  }

  count(key: string, label: string, n: number, unit: Extract<FactUnit, 'count' | 'months'> = 'count'): number {
    this.sheet.figure(this.key(key), label, n, unit);
    return n;
  }

  /** Words or several figures in one line (dates, a plan's problem); every number in `text` counts as shown. */
  line(key: string, label: string, text = ''): void {
    this.sheet.line(this.key(key), label, text);
  }

  facts(): Fact[] {
    return this.sheet.facts;
  }

  /** Where the facts stand, for `rollback`: an item left out of `data` must leave no fact behind. */
  mark(): number {
    return this.sheet.facts.length;
  }

  rollback(mark: number): void {
    this.sheet.facts.length = mark;
  }

  private key(key: string): string {
    return `${this.tool}.${key}`;
  }
}

/**
 * Characters a tool's list may take in `data`: with the rest of a result it stays under the registry's cut
 * (TOOL_CONTENT_MAX_CHARS), so the model reads whole JSON, and what did not fit is summed or counted instead.
 */
export const TOOL_LIST_MAX_CHARS = 4500;

/**
 * Builds list items in order (recording their facts) while their JSON fits in `maxChars`; the first that does not,
 * and every one after it, is left out with its facts. Callers sum or count the omitted items in the data.
 */
export function fitList<T, R>(
  items: readonly T[],
  f: ToolFigures,
  build: (item: T, index: number) => R,
  maxChars = TOOL_LIST_MAX_CHARS,
): { shown: R[]; omitted: T[] } {
  const shown: R[] = [];
  let used = 2;
  for (let i = 0; i < items.length; i++) {
    const mark = f.mark();
    const built = build(items[i], i);
    const size = JSON.stringify(built).length + 1;
    if (used + size > maxChars) {
      f.rollback(mark);
      return { shown, omitted: items.slice(i) };
    }
    used += size;
    shown.push(built);
  }
  return { shown, omitted: [] };
}

/**
 * A user-typed name as a tool shows it: control and invisible characters removed, one line, capped. Names are
 * data in a JSON value, never instructions; the cap keeps a hostile name from filling the model's context.
 */
export function displayName(value: unknown): string {
  return quoteUserText(value, TOOL_NAME_MAX_CHARS).slice(1, -1);
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The earliest and latest years a date argument may name: outside them it is a typo, not a question. */
export const TOOL_DATE_YEARS = { min: 1970, max: 2100 } as const;

/** JSON Schema for a local date argument. */
export const DATE_SCHEMA = {
  type: 'string',
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  maxLength: 10,
} as const;

/** JSON Schema for a month argument. */
export const MONTH_SCHEMA = {
  type: 'string',
  pattern: '^\\d{4}-(0[1-9]|1[0-2])$',
  maxLength: 7,
} as const;

/** A 'YYYY-MM-DD' argument checked to be a real calendar day; the argument's name goes into the error. */
export function parseDateKey(value: string, arg: string): string {
  const m = DATE_RE.exec(value);
  const [y, mo, d] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [NaN, NaN, NaN];
  if (!m || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) {
    throw new ToolInputError(`${arg} must be a real date written YYYY-MM-DD, for example 2026-04-01`);
  }
  if (y < TOOL_DATE_YEARS.min || y > TOOL_DATE_YEARS.max) {
    throw new ToolInputError(`${arg} must be between ${TOOL_DATE_YEARS.min} and ${TOOL_DATE_YEARS.max}`);
  }
  return value;
}

/** The instant a local day starts in the zone. */
export function dayStart(dateKey: string, timeZone: string): Date {
  const [y, m, d] = dateKey.split('-').map(Number);
  return startOfLocalDay(y, m, d, timeZone);
}

export interface DateRange {
  /** Inclusive. */
  start: Date | null;
  /** Exclusive. */
  end: Date | null;
  /** The days as the user would name them ('YYYY-MM-DD', inclusive), null where open. */
  fromKey: string | null;
  toKey: string | null;
}

/** `from` and `to` (inclusive local days) as instants in the user's zone; `to` before `from` is refused. */
export function dateRange(from: string | undefined, to: string | undefined, timeZone: string): DateRange {
  const fromKey = from === undefined ? null : parseDateKey(from, 'from');
  const toKey = to === undefined ? null : parseDateKey(to, 'to');
  if (fromKey && toKey && toKey < fromKey) throw new ToolInputError('to must not be before from');
  return {
    start: fromKey ? dayStart(fromKey, timeZone) : null,
    end: toKey ? dayStart(addDaysToDateKey(toKey, 1), timeZone) : null,
    fromKey,
    toKey,
  };
}

/** A month argument, refused when it is after the current month (nothing has happened in it yet). */
export function pastOrCurrentMonth(value: string, current: MonthKey): MonthKey {
  const { year } = parseMonthKey(value);
  if (year < TOOL_DATE_YEARS.min) throw new ToolInputError(`month must be ${TOOL_DATE_YEARS.min} or later`);
  if (value > current) throw new ToolInputError(`month ${value} has not started yet; the current month is ${current}`);
  return value;
}

/** The local day of an instant, for showing. */
export const dayOf = (date: Date, timeZone: string): string => localDateKey(date, timeZone);

/** A major-units argument to minor units, refusing more decimals than the currency has (10.005 GBP). */
export function argumentMinor(value: number, arg: string, minorDigits: number): number {
  const scaled = value * 10 ** minorDigits;
  const minor = Math.round(scaled);
  if (Math.abs(scaled - minor) > 1e-6) {
    throw new ToolInputError(`${arg} must have at most ${minorDigits} decimal places`);
  }
  return minor;
}

/** "1 transaction" / "2 transactions". */
export const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
