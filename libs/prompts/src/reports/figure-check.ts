import { currencyMinorDigits, roundHalfAwayFromZero } from '@app/finance';
import type { ReportFact } from './report-facts';

/**
 * Finds amounts of money and percentages in the model's wording that none of the facts shows. The figures we store
 * are ours; this keeps the words next to them from introducing others (a computed total, a guessed saving).
 * A figure copied with its decimals must match exactly; one written in whole units may be a fact rounded.
 */

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Style {
  symbols: string[];
  group: string;
  decimal: string;
  digits: number;
}

function styleOf(currency: string, locale: string): Style {
  const parts = (display: 'symbol' | 'narrowSymbol') =>
    new Intl.NumberFormat(locale, { style: 'currency', currency, currencyDisplay: display }).formatToParts(12345.5);
  const wide = parts('symbol');
  const symbols = new Set([
    currency,
    ...[wide, parts('narrowSymbol')].map((p) => p.find((x) => x.type === 'currency')?.value ?? currency),
  ]);
  return {
    // Longest first so "US$" is preferred to "$".
    symbols: [...symbols].sort((a, b) => b.length - a.length),
    group: wide.find((x) => x.type === 'group')?.value ?? ',',
    decimal: wide.find((x) => x.type === 'decimal')?.value ?? '.',
    digits: currencyMinorDigits(currency),
  };
}

/** `group` is null for numbers written without grouping (percentages). */
function parse(raw: string, decimal: string, group: string | null): { value: number; whole: boolean } {
  const [int, frac] = raw.split(decimal);
  const digits = group === null ? int : int.split(group).join('');
  return { value: Number(frac === undefined ? digits : `${digits}.${frac}`), whole: frac === undefined };
}

export function uncitedFigures(
  texts: string[],
  facts: ReportFact[],
  opts: { currency: string; locale: string },
): string[] {
  const style = styleOf(opts.currency, opts.locale);
  const scale = 10 ** style.digits;
  const amounts = new Set<number>([0]);
  const wholeAmounts = new Set<number>([0]);
  for (const minor of facts.flatMap((f) => f.amountsMinor)) {
    amounts.add(Math.abs(minor));
    wholeAmounts.add(roundHalfAwayFromZero(Math.abs(minor) / scale));
  }
  const percents = [0, 100, ...facts.flatMap((f) => f.percents.map(Math.abs))];

  const g = escape(style.group);
  const dec = escape(style.decimal);
  const num = `\\d{1,3}(?:${g}\\d{3})+(?:${dec}\\d+)?|\\d+(?:${dec}\\d+)?`;
  const sym = style.symbols.map(escape).join('|');
  const moneyRe = new RegExp(`(?:${sym})\\s?(${num})|(${num})\\s?(?:${sym})`, 'g');
  const pctRe = new RegExp(`(\\d+(?:${dec}\\d+)?)\\s?%`, 'g');

  const found = new Set<string>();
  for (const text of texts) {
    for (const m of text.matchAll(moneyRe)) {
      const { value, whole } = parse(m[1] ?? m[2], style.decimal, style.group);
      const minor = roundHalfAwayFromZero(value * scale);
      if (!(amounts.has(minor) || (whole && wholeAmounts.has(value)))) found.add(m[0].trim());
    }
    for (const m of text.matchAll(pctRe)) {
      const { value, whole } = parse(m[1], style.decimal, null);
      const known = percents.some((p) => Math.abs(p - value) < 0.05 + 1e-9 || (whole && Math.round(p) === value));
      if (!known) found.add(m[0].trim());
    }
  }
  return [...found];
}
