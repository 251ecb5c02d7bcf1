import { currencyMinorDigits } from '@app/finance';

/** A figure as written in a text: an amount of money, a percentage, or a bare number. */
export interface WrittenFigure {
  kind: 'money' | 'percent' | 'number';
  /** Its size (the sign is not read: "£25.00 short" states the -£25.00 it is about). */
  value: number;
  /** Digits after the decimal separator: 0 for "£1,235", 2 for "£1,234.56". */
  decimals: number;
  written: string;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Not figures: dates ("2026-04-15", "15/04/2026", "3 March", "March 2026", "in 2027") and times of day.
const MONTH =
  '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\b\\.?';
const DATES = new RegExp(
  [
    '\\b\\d{4}-\\d{2}(?:-\\d{2})?\\b',
    '\\b\\d{1,2}[/.]\\d{1,2}[/.]\\d{2,4}\\b',
    `\\b\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH}(?:,?\\s+\\d{4})?`,
    `\\b${MONTH}\\s+\\d{1,4}(?:st|nd|rd|th)?\\b(?:,?\\s+\\d{4})?`,
    '\\b(?:in|by|since|until|till|before|after|during)\\s+(?:19|20)\\d{2}\\b',
    '\\b\\d{1,2}:\\d{2}\\b',
  ].join('|'),
  'giu',
);

/**
 * Words after a bare number that make it a figure of ours: a length of time or a count of the user's records
 * ("debt-free in 14 months", "3 subscriptions"). Other small numbers ("tip 2", "the 50/30/20 rule") are prose.
 */
const COUNTED =
  /^[\s-]*(?:more\s+|extra\s+|other\s+)?(?:months?|years?|days?|debts?|loans?|cards?|subscriptions?|budgets?|goals?|payments?|entries|entry|expenses?|duplicates?|charges?|categories|category|times|incomes?)\b/i;

/** A bare number with decimals, group separators or three digits reads as an amount whatever follows it. */
const LARGE = 100;

interface Style {
  group: string;
  decimal: string;
  money: RegExp;
  percent: RegExp;
  number: RegExp;
}

const styles = new Map<string, Style>();

/** How figures are written in this currency and locale: its symbols and separators, read from Intl. */
function styleOf(currency: string, locale: string): Style {
  const cacheKey = `${locale}|${currency}`;
  const cached = styles.get(cacheKey);
  if (cached) return cached;
  const parts = (display: 'symbol' | 'narrowSymbol') =>
    new Intl.NumberFormat(locale, { style: 'currency', currency, currencyDisplay: display }).formatToParts(12345.5);
  const wide = parts('symbol');
  const symbols = new Set([
    currency,
    ...[wide, parts('narrowSymbol')].map((p) => p.find((x) => x.type === 'currency')?.value ?? currency),
  ]);
  const group = wide.find((x) => x.type === 'group')?.value ?? ',';
  const decimal = wide.find((x) => x.type === 'decimal')?.value ?? '.';
  const g = escape(group);
  const d = escape(decimal);
  const num = `\\d{1,3}(?:${g}\\d{3})+(?:${d}\\d+)?|\\d+(?:${d}\\d+)?`;
  // Longest first so "US$" is preferred to "$".
  const sym = [...symbols]
    .sort((a, b) => b.length - a.length)
    .map(escape)
    .join('|');
  const style: Style = {
    group,
    decimal,
    money: new RegExp(`(?:${sym})\\s?(${num})|(${num})\\s?(?:${sym})`, 'gu'),
    percent: new RegExp(`(${num})\\s?(?:%|per\\s?cent\\b)`, 'giu'),
    number: new RegExp(`(?<![\\p{L}\\p{N}_])(${num})(?![\\p{L}\\p{N}_])`, 'gu'),
  };
  styles.set(cacheKey, style);
  return style;
}

/** Reads the figures of texts written in one money format (the fact sheet's, which the model is asked to copy). */
export class FigureReader {
  private readonly style: Style;
  readonly minorDigits: number;

  constructor(currency: string, locale: string) {
    this.style = styleOf(currency, locale);
    this.minorDigits = currencyMinorDigits(currency);
  }

  /** The amounts, percentages and figure-stating bare numbers of a text, in that order. */
  figures(text: string): WrittenFigure[] {
    const { money, percent } = this.style;
    const found: WrittenFigure[] = [];
    let rest = text;
    for (const m of text.matchAll(money)) {
      found.push(this.read('money', m[1] ?? m[2], m[0]));
      rest = mask(rest, m);
    }
    for (const m of rest.matchAll(percent)) {
      found.push(this.read('percent', m[1], m[0]));
      rest = mask(rest, m);
    }
    for (const m of rest.matchAll(DATES)) rest = mask(rest, m);
    for (const m of rest.matchAll(this.style.number)) {
      const figure = this.read('number', m[1], m[0]);
      const after = rest.slice(m.index + m[0].length);
      const statesFigure =
        figure.decimals > 0 || m[1].includes(this.style.group) || figure.value >= LARGE || COUNTED.test(after);
      if (statesFigure) found.push({ ...figure, written: `${m[0]}${COUNTED.exec(after)?.[0] ?? ''}`.trim() });
    }
    return found;
  }

  /** Every number a text shows, dates and counts included: what a fact may be quoted with. */
  numbers(text: string): number[] {
    return [...text.matchAll(this.style.number)].map((m) => this.read('number', m[1], m[0]).value);
  }

  /** Amounts and percentages only (a fact's typed figures). */
  typed(text: string): WrittenFigure[] {
    return this.figures(text).filter((f) => f.kind !== 'number');
  }

  private read(kind: WrittenFigure['kind'], raw: string, written: string): WrittenFigure {
    const [int, frac] = raw.split(this.style.decimal);
    const digits = int.split(this.style.group).join('');
    return {
      kind,
      value: Number(frac === undefined ? digits : `${digits}.${frac}`),
      decimals: frac?.length ?? 0,
      written: written.trim(),
    };
  }
}

/** Blanks out a match so later patterns do not read it again; positions stay the same. */
function mask(text: string, m: RegExpMatchArray): string {
  const at = m.index ?? 0;
  return text.slice(0, at) + ' '.repeat(m[0].length) + text.slice(at + m[0].length);
}
