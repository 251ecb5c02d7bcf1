/**
 * Money is carried as integers in minor units (pence, cents) from the moment it leaves an input, so sums,
 * averages and differences never drift and every figure shown to a user adds up.
 * Percentages are kept exact for decisions and rounded to one decimal only when written into a result.
 */

export type Minor = number;

export interface MoneyFormatOptions {
  currency?: string;
  locale?: string;
}

export const DEFAULT_CURRENCY = 'GBP';
export const DEFAULT_LOCALE = 'en-GB';

const digitsCache = new Map<string, number>();

/** Minor-unit digits of an ISO 4217 currency (GBP 2, JPY 0), as Intl knows them. */
export function currencyMinorDigits(currency: string = DEFAULT_CURRENCY): number {
  const key = currency.toUpperCase();
  let digits = digitsCache.get(key);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency: key }).resolvedOptions()
      .maximumFractionDigits as number;
    digitsCache.set(key, digits);
  }
  return digits;
}

/**
 * Rounds half away from zero after first snapping to 15 significant digits: binary floats such as
 * 1.005 * 100 = 100.49999999999999 are really 100.5, and 0.1 + 0.2 is really 0.3.
 */
export function roundHalfAwayFromZero(value: number): number {
  const snapped = Number(value.toPrecision(15));
  const rounded = Math.sign(snapped) * Math.round(Math.abs(snapped));
  return rounded === 0 ? 0 : rounded; // no -0 in results
}

/** Major units (45.5) to integer minor units (4550). Throws on NaN/Infinity: callers decide what bad data means. */
export function toMinor(amount: number, minorDigits = 2): Minor {
  if (!Number.isFinite(amount)) throw new RangeError(`toMinor: not a finite amount: ${amount}`);
  return roundHalfAwayFromZero(amount * 10 ** minorDigits);
}

/** Like toMinor, but missing or non-numeric stored values count as zero (main-backend fields are optional). */
export function toMinorOrZero(amount: number | null | undefined, minorDigits = 2): Minor {
  return typeof amount === 'number' && Number.isFinite(amount) ? toMinor(amount, minorDigits) : 0;
}

export function fromMinor(minor: Minor, minorDigits = 2): number {
  return minor / 10 ** minorDigits;
}

export function sumMinor(values: Iterable<Minor>): Minor {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

/** Integer division rounded half away from zero, so an average of minor units stays a whole minor unit. */
export function divRound(numerator: number, denominator: number): number {
  if (denominator === 0) throw new RangeError('divRound: division by zero');
  const sign = Math.sign(numerator) * Math.sign(denominator);
  const n = Math.abs(numerator);
  const d = Math.abs(denominator);
  const q = Math.floor(n / d);
  const r = n - q * d;
  const result = sign * (2 * r >= d ? q + 1 : q);
  return result === 0 ? 0 : result;
}

const formatterCache = new Map<string, Intl.NumberFormat>();

export function formatMoney(minor: Minor, options: MoneyFormatOptions = {}): string {
  const currency = (options.currency ?? DEFAULT_CURRENCY).toUpperCase();
  const locale = options.locale ?? DEFAULT_LOCALE;
  const key = `${locale}|${currency}`;
  let fmt = formatterCache.get(key);
  if (!fmt) {
    fmt = new Intl.NumberFormat(locale, { style: 'currency', currency });
    formatterCache.set(key, fmt);
  }
  return fmt.format(fromMinor(minor, currencyMinorDigits(currency)));
}

/** Exact percentage (no rounding) or null when the base is zero: used for threshold decisions. */
export function ratioPct(numerator: number, denominator: number): number | null {
  if (denominator === 0) return null;
  return (numerator / denominator) * 100;
}

/** One-decimal presentation rounding of a percentage. */
export function roundPct(pct: number): number;
export function roundPct(pct: number | null): number | null;
export function roundPct(pct: number | null): number | null {
  if (pct === null) return null;
  return roundHalfAwayFromZero(pct * 10) / 10;
}

/** numerator / denominator as a one-decimal percentage, null when the denominator is zero. */
export function pct(numerator: number, denominator: number): number | null {
  return roundPct(ratioPct(numerator, denominator));
}

/** Building an Intl formatter costs far more than using one; every rendered figure formats a percentage or two. */
const pctFormatters = new Map<string, Intl.NumberFormat>();

export function formatPct(value: number | null, locale: string = DEFAULT_LOCALE): string {
  if (value === null) return 'n/a';
  let fmt = pctFormatters.get(locale);
  if (!fmt) {
    fmt = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    pctFormatters.set(locale, fmt);
  }
  return `${fmt.format(value)}%`;
}
