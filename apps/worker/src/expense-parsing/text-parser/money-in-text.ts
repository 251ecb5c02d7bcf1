import { currencyMinorDigits, fromMinor, toMinor } from '@app/finance';

/** One amount of money a note could mean, where it is written, and how sure the reading is. */
export interface AmountMention {
  value: number;
  currency: string;
  /** A symbol, code or currency word stood next to the number ("$45.50", "12.50 EUR", "20 quid"). */
  marked: boolean;
  /** A word such as "for", "paid" or "cost" came just before it. */
  cued: boolean;
  /** Followed by a counted noun ("2 coffees"): more likely a quantity than a price. */
  countLike: boolean;
  start: number;
  end: number;
}

/** Symbols several currencies share read as the configured currency when it uses them, else as the commonest. */
const SHARED_SYMBOLS: Record<string, string> = { $: 'USD', '¥': 'JPY', kr: 'SEK' };

const SYMBOLS: Record<string, string> = {
  US$: 'USD',
  CA$: 'CAD',
  C$: 'CAD',
  AU$: 'AUD',
  A$: 'AUD',
  NZ$: 'NZD',
  HK$: 'HKD',
  S$: 'SGD',
  R$: 'BRL',
  MX$: 'MXN',
  '£': 'GBP',
  '€': 'EUR',
  '₹': 'INR',
  '₩': 'KRW',
  '₺': 'TRY',
  '₽': 'RUB',
  '₪': 'ILS',
  '₦': 'NGN',
  '₱': 'PHP',
  '৳': 'BDT',
  '₫': 'VND',
  '฿': 'THB',
  zł: 'PLN',
};

/** Currency words after a number ("20 quid"); dollars and yen follow the shared-symbol rule. */
const WORDS: Record<string, string> = {
  pound: 'GBP',
  pounds: 'GBP',
  quid: 'GBP',
  euro: 'EUR',
  euros: 'EUR',
  dollar: '$',
  dollars: '$',
  bucks: '$',
  yen: '¥',
  rupee: 'INR',
  rupees: 'INR',
  taka: 'BDT',
};

/** Lower-case codes are accepted only for these: "12 try" or "5 cup" are words, not lira or pesos. */
const LOWERCASE_CODES = new Set(['usd', 'eur', 'gbp']);
const ISO_CODES = new Set(Intl.supportedValuesOf('currency'));

const CUES =
  /\b(?:for|at|cost|costs|costing|paid|pay|spent|spend|was|were|total|totalling|totaling|of|price|priced)[\s:=]*$/i;
/** A word after the number that marks it as a count: "2 coffees", "3 friends", "4 x". */
const COUNTED = /^\s*(?:x\b|[a-z]{2,}s\b)/i;
const NOT_COUNTED = /^\s*(?:days|weeks|months|years|hours|minutes|this|is|was|plus|less|minus|yes)\b/i;

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const byLength = (a: string, b: string) => b.length - a.length;
const SYMBOL_RE = [...Object.keys(SYMBOLS), ...Object.keys(SHARED_SYMBOLS)].sort(byLength).map(escape).join('|');
const WORD_RE = Object.keys(WORDS).sort(byLength).join('|');

/** Digits with optional grouping and decimals, either convention: 45.50, 1,234.56, 1.234,56, 3,50. */
const NUMBER = new RegExp(String.raw`(?<![\d.,'’])(?:\d{1,3}(?:[,.'’]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)(?!\d)`, 'g');
/**
 * A marker just before the number: "$", "£ ", "EUR ". Not one stuck to the number before it, which is that
 * number's ("30€ 20"). Which markers name a currency is decided in code.
 */
const MARKER_BEFORE = new RegExp(String.raw`(?<![\d.,])(?:(${SYMBOL_RE})|\b([A-Za-z]{3}))\s?$`);
/** A marker just after it: "€", " EUR", " quid", "p" (pence); group 1 is the space between them, if any. */
const MARKER_AFTER = new RegExp(String.raw`^(\s?)(?:(${SYMBOL_RE})|([A-Za-z]{3})\b|(${WORD_RE})\b|(p)\b)`, 'i');

/**
 * The marker after a number, unless it belongs to the number after it: stuck to that one ("01 €30"), or standing
 * apart from both ("30 € 20" reads € 20).
 */
function markerAfter(text: string, numEnd: number): RegExpExecArray | null {
  const after = MARKER_AFTER.exec(text.slice(numEnd));
  if (!after) return null;
  const next = text.slice(numEnd + after[0].length);
  return (after[1] ? /^\s?\d/ : /^\d/).test(next) ? null : after;
}

/**
 * Not an amount: a number that is part of a word or code ("A4", "x2"), a time ("12:30", "5pm"), a date ("12/07"),
 * an ordinal ("5th") or a percentage.
 */
const JOINED_BEFORE = /[\p{L}\d:/\\-]$/u;
const JOINED_AFTER = /^(?:[\p{L}\d%:/\\]|\s?(?:am|pm|h)\b)/iu;

function currencyOfMarker(marker: string, defaultCurrency: string): string | null {
  const exact = SYMBOLS[marker] ?? SYMBOLS[marker.toUpperCase()];
  if (exact) return exact;
  const word = WORDS[marker.toLowerCase()];
  const shared = SHARED_SYMBOLS[word ?? marker] ?? SHARED_SYMBOLS[marker.toLowerCase()];
  if (shared) return narrowSymbol(defaultCurrency) === (word ?? marker) ? defaultCurrency : shared;
  if (word) return word;
  if (marker.length === 3 && (marker === marker.toUpperCase() || LOWERCASE_CODES.has(marker))) {
    const code = marker.toUpperCase();
    return ISO_CODES.has(code) ? code : null;
  }
  return null;
}

function narrowSymbol(currency: string): string {
  const parts = new Intl.NumberFormat('en', { style: 'currency', currency, currencyDisplay: 'narrowSymbol' });
  return parts.formatToParts(1).find((p) => p.type === 'currency')?.value ?? currency;
}

/**
 * The value of digits as written. The last separator is the decimal point unless exactly three digits follow
 * it ("1,500" is fifteen hundred), except in a currency with three minor digits ("1.235 BHD").
 */
export function readNumber(raw: string, currency: string): number {
  const token = raw.replace(/['’]/g, '');
  const lastSep = Math.max(token.lastIndexOf('.'), token.lastIndexOf(','));
  if (lastSep < 0) return Number(token);
  const decimals = token.length - lastSep - 1;
  const singleSeparator = token.search(/[.,]/) === lastSep;
  const isDecimal = decimals !== 3 || (singleSeparator && currencyMinorDigits(currency) === 3);
  const whole = token.slice(0, isDecimal ? lastSep : undefined).replace(/[.,]/g, '');
  return Number(isDecimal ? `${whole}.${token.slice(lastSep + 1)}` : whole);
}

function rounded(value: number, currency: string): number {
  const digits = currencyMinorDigits(currency);
  return fromMinor(toMinor(value, digits), digits);
}

function overlaps(start: number, end: number, spans: Array<{ start: number; end: number }>): boolean {
  return spans.some((s) => start < s.end && end > s.start);
}

/**
 * Every amount of money the note could mean, in the order written. Numbers inside `skip` (the date the note
 * mentions) are not amounts.
 */
export function amountsIn(
  text: string,
  defaultCurrency: string,
  skip: Array<{ start: number; end: number }> = [],
): AmountMention[] {
  const found: AmountMention[] = [];
  for (const m of text.matchAll(NUMBER)) {
    const numStart = m.index;
    const numEnd = numStart + m[0].length;
    const before = MARKER_BEFORE.exec(text.slice(0, numStart));
    const after = markerAfter(text, numEnd);
    const beforeCurrency = before ? currencyOfMarker(before[1] ?? before[2], defaultCurrency) : null;
    // "50p" is pence; any other marker must name a currency.
    const pence = after?.[5] !== undefined;
    const afterCurrency = after
      ? pence
        ? 'GBP'
        : currencyOfMarker(after[2] ?? after[3] ?? after[4], defaultCurrency)
      : null;
    const currency = beforeCurrency ?? afterCurrency;
    const start = beforeCurrency ? numStart - before![0].length : numStart;
    const end = !beforeCurrency && afterCurrency ? numEnd + after![0].length : numEnd;
    if (!currency && (JOINED_BEFORE.test(text.slice(0, numStart)) || JOINED_AFTER.test(text.slice(numEnd)))) continue;
    if (overlaps(start, end, skip)) continue;
    const resolved = currency ?? defaultCurrency;
    const read = readNumber(m[0], resolved);
    const value = rounded(pence && !beforeCurrency ? read / 100 : read, resolved);
    if (!(value > 0)) continue;
    const rest = text.slice(end);
    found.push({
      value,
      currency: resolved,
      marked: currency !== null,
      cued: CUES.test(text.slice(0, start)),
      countLike: currency === null && COUNTED.test(rest) && !NOT_COUNTED.test(rest),
      start,
      end,
    });
  }
  return found;
}

/**
 * The amount the note most likely means: one with a currency before a bare one, then one after a word like "for",
 * then one with decimals, and a count ("2 coffees") last; the largest breaks a tie.
 */
export function likeliestAmount(mentions: AmountMention[]): AmountMention | null {
  const score = (m: AmountMention) =>
    (m.marked ? 8 : 0) + (m.cued ? 4 : 0) + (Math.round(m.value) !== m.value ? 2 : 0) - (m.countLike ? 3 : 0);
  return mentions.reduce<AmountMention | null>((best, m) => {
    if (!best) return m;
    const d = score(m) - score(best);
    return d > 0 || (d === 0 && m.value > best.value) ? m : best;
  }, null);
}
