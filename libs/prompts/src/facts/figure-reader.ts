import { currencyMinorDigits } from '@app/finance';

/** A figure as written in a text: an amount of money, a percentage, or a bare number. */
export interface WrittenFigure {
  kind: 'money' | 'percent' | 'number';
  /** Its size as written, before any scale word (the sign is not read: "£25.00 short" states the -£25.00 it is about). */
  value: number;
  /** Digits after the decimal separator: 0 for "£1,235", 2 for "£1,234.56". */
  decimals: number;
  /** What a scale word multiplies it by: 1000 for "£1.3k" or "1.3 thousand", 100000 for "১.৫ লাখ"; else 1. */
  scale: number;
  /** Where it starts in the text (UTF-16 offset). */
  index: number;
  written: string;
}

/** A text with no digit states no figure: most labels and much prose skip every pattern below. */
const DIGIT = /[0-9০-৯]/;

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Bengali digits (০-৯) are read as the ASCII digits they stand for. Each is one UTF-16 unit, like its ASCII digit, so
 * every offset into the converted text is an offset into the original, and figures are quoted as the model wrote them.
 */
const BENGALI_ZERO = 0x09e6;
const asciiDigits = (text: string): string =>
  text.replace(/[০-৯]/g, (c) => String.fromCharCode(48 + c.charCodeAt(0) - BENGALI_ZERO));

// 'য়' is written either as one code point or as 'য' plus a nukta; both are matched rather than normalising the text,
// which would move offsets.
const YA = '(?:\u09DF|\u09AF\u09BC)';

// Not figures: dates ("2026-04-15", "15/04/2026", "3 March", "March 2026", "in 2027", "১৫ এপ্রিল ২০২৬", "২০২৬ সালে")
// and times of day.
const BENGALI_MONTHS = [
  `জানু${YA}ার[িী]`,
  `ফেব্রু${YA}ার[িী]`,
  'মার্চ',
  'এপ্রিল',
  'মে',
  'জুন',
  'জুলাই',
  'আগস্ট',
  'আগষ্ট',
  'সেপ্টেম্বর',
  'অক্টোবর',
  'নভেম্বর',
  'ডিসেম্বর',
];
// A Bengali month may take a case ending ("মার্চে", "জুনের"), and no other letters: "মেয়াদ" is not May.
const MONTH = [
  '\\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\b\\.?',
  `(?<![\\p{L}\\p{M}])(?:${BENGALI_MONTHS.join('|')})(?:ে|ের|র|তে)?(?![\\p{L}\\p{M}])`,
].join('|');
/** Dates in digits and times of day: blanked before money is read, so "2025-06-01 €30" is €30, not "01 €". */
const NUMERIC_DATES = /\b\d{4}-\d{2}(?:-\d{2})?\b|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b|\b\d{1,2}:\d{2}\b/gu;
/** Dates in words, blanked after money and percentages are read: "by 2000 taka" is an amount, "by 2027" a year. */
const WORD_DATES = new RegExp(
  [
    `\\b\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?(?:${MONTH})(?:,?\\s+\\d{4})?`,
    `(?:${MONTH})\\s+\\d{1,4}(?:st|nd|rd|th)?\\b(?:,?\\s+\\d{4})?`,
    '\\b(?:in|by|since|until|till|before|after|during)\\s+(?:19|20)\\d{2}\\b',
    '\\b(?:19|20)\\d{2}\\s*(?:সাল|সন|খ্রি)',
  ].join('|'),
  'giu',
);

/**
 * Prose that is never a figure, blanked before anything is read: list numbering at the start of a line ("1. ",
 * "2) "), the name of the 50/30/20 rule, and links.
 */
const PROSE = /^[ \t>*-]*(?:\d{1,3}[.)]|\(\d{1,3}\))(?=\s)|\b50\s?\/\s?30\s?\/\s?20\b|\bhttps?:\/\/\S+/gmu;

/**
 * Words after a bare number that make it a figure of ours: a length of time or a count of the user's records
 * ("debt-free in 14 months", "3 subscriptions", "১৪ মাসে", "৩টি ঋণ"). Other small numbers ("tip 2", "৩টি পরামর্শ")
 * are prose. Bengali words take suffixes ("মাসের", "ঋণগুলো"), so only their start is matched.
 */
const COUNTED = new RegExp(
  [
    '^[\\s-]*(?:more\\s+|extra\\s+|other\\s+)?(?:months?|years?|days?|debts?|loans?|cards?|subscriptions?|budgets?|goals?|payments?|entries|entry|expenses?|duplicates?|charges?|categories|category|times|incomes?)\\b',
    `^\\s*(?:টি|টা)?\\s*(?:(?:আরও|আরো|অতিরিক্ত)\\s*)?(?:মাস|দিন|বছর|ঋণ|লোন|কার্ড|সাবস্ক্রিপশন|বাজেট|লক্ষ্য|কিস্তি|পেমেন্ট|খরচ|ব্য${YA}|বার|এন্ট্রি|ক্যাটাগরি|বিভাগ|আ${YA}|লেনদেন)`,
  ].join('|'),
  'iu',
);

/** A bare number with decimals, group separators or three digits reads as an amount whatever follows it. */
const LARGE = 100;

/**
 * Scale words: "£1.3k", "£2m", "1.5 million", "১.৫ লাখ টাকা". A letter scale only counts touching the number; 'লক্ষ'
 * (lakh) is not the start of 'লক্ষ্য' (goal).
 */
const SCALES: Record<string, number> = {
  k: 1e3,
  m: 1e6,
  bn: 1e9,
  thousand: 1e3,
  million: 1e6,
  billion: 1e9,
  হাজার: 1e3,
  লাখ: 1e5,
  লক্ষ: 1e5,
  কোটি: 1e7,
};
/** Case-insensitive spelling of an ASCII word, for patterns that are otherwise case-sensitive (currency codes). */
const anyCase = (word: string): string => word.replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`);
const SCALE_WORDS = `\\s?(${['thousand', 'million', 'billion'].map(anyCase).join('|')})\\b|\\s?(হাজার|লাখ|লক্ষ(?!্য)|কোটি)`;
const SCALE = `(?:(k|K|m|M|bn)(?![\\p{L}\\p{N}])|${SCALE_WORDS})`;
/** Bare numbers may only take "k" touching them: "5m" is as likely minutes or metres. */
const BARE_SCALE = `(?:(k|K)(?![\\p{L}\\p{N}])|${SCALE_WORDS})`;

/**
 * Money markers read whatever the sheet's currency: models write "$" or "taka" for it as readily as its own symbol.
 * Codes are matched as written ("GBP", "Tk"), as whole words: "RS256" is not rupees.
 */
const SYMBOL_MARKERS = ['US$', 'A$', 'C$', 'NZ$', 'HK$', 'S$', '£', '$', '€', '৳', '₹', '¥', '₽', '₺', '₩'];
const CODE_MARKERS = ['GBP', 'USD', 'EUR', 'BDT', 'INR', 'AUD', 'CAD', 'JPY', 'Tk.', 'Tk', 'Rs.', 'Rs'];
/** Names written after an amount ("25 pounds", "১,২০০ টাকা"). Bengali ones take suffixes ("টাকার"). */
const AFTER_WORDS = ['pounds?', 'quid', 'dollars?', 'bucks', 'euros?', 'taka', 'rupees?'].map(anyCase);
const AFTER_WORDS_BN = ['টাকা', 'পাউন্ড', 'ডলার', 'ইউরো', 'রুপি'];

/**
 * Between the two ends of a range: "£10–20", "10-20%", "12 to 14 months", "১০ থেকে ২০". A dash only when tight:
 * "Tip 2 – £50 a month" is a list, not a range.
 */
const RANGE_JOIN = /^(?:[-–]|\s(?:to|থেকে)\s)/iu;
const RANGE_JOIN_BEFORE = /(?:[-–]|\s(?:to|থেকে)\s)$/iu;

interface Style {
  group: string;
  decimal: string;
  /** Read in this order, each masking what it read: see styleOf. */
  money: RegExp[];
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
  const own = [currency, ...[wide, parts('narrowSymbol')].map((p) => p.find((x) => x.type === 'currency')?.value)];
  const group = wide.find((x) => x.type === 'group')?.value ?? ',';
  const decimal = wide.find((x) => x.type === 'decimal')?.value ?? '.';
  const g = escape(group);
  const d = escape(decimal);
  // Western (1,234,567) and Indian (12,34,567) grouping: groups of two or three, the last of three.
  const num = `\\d{1,3}(?:${g}\\d{2})*(?:${g}\\d{3})+(?:${d}\\d+)?|\\d+(?:${d}\\d+)?`;
  const markers = [...new Set([...SYMBOL_MARKERS, ...CODE_MARKERS, ...own.filter((s): s is string => !!s)])];
  // Longest first so "US$" is preferred to "$".
  const alternation = (xs: string[]): string =>
    xs
      .sort((a, b) => b.length - a.length)
      .map(escape)
      .join('|');
  const lettered = markers.filter((s) => /^\p{L}+\.?$/u.test(s));
  const symbols = markers.filter((s) => !lettered.includes(s));
  const before = `(?:(?:${alternation(symbols)})|(?<!\\p{L})(?:${alternation(lettered)}))`;
  const after = `(?:(?:${alternation(symbols)})|(?:${[alternation(lettered), ...AFTER_WORDS].join('|')})(?!\\p{L})|(?:${AFTER_WORDS_BN.join('|')}))`;
  // Not from the middle of a number: "12,50 €" in English is no amount, rather than "50 €".
  const start = `(?<!\\p{N}|\\p{N}[${g}${d}])`;
  const style: Style = {
    group,
    decimal,
    // A marker between two numbers belongs to the one it touches ("01 €30" is €30, "30€ 20" is 30€); else to the
    // number before it, which is how amounts with a code or a word are written ("30 € 20", "40 GBP").
    money: [
      new RegExp(`${before}(${num})${SCALE}?`, 'gu'),
      new RegExp(`${start}(${num})${SCALE}?\\s?${after}`, 'gu'),
      new RegExp(`${before}\\s(${num})${SCALE}?`, 'gu'),
    ],
    percent: new RegExp(`${start}(${num})\\s?(?:%|per\\s?cent\\b|শতাংশ)|শতকরা\\s?(${num})`, 'giu'),
    // "৩টি" is "3" with a counting word: read, for COUNTED to judge what it counts. Not read: a number inside
    // another (an address, a version) or an identifier ("flag_1", "no-income-last-3-months").
    number: new RegExp(
      `(?<![\\p{L}\\p{N}_]|\\p{N}[${g}${d}]|\\p{L}-)(${num})${BARE_SCALE}?(?=টি|টা|[^\\p{L}\\p{N}_]|$)(?![${g}${d}]\\d)`,
      'gu',
    ),
  };
  styles.set(cacheKey, style);
  return style;
}

/**
 * Reads the figures of texts written in one money format (the fact sheet's, which the model is asked to copy), in
 * English or Bengali, with ASCII or Bengali digits. The one reader every check of model words uses: report, tip and
 * alert citations and chat replies.
 */
export class FigureReader {
  private readonly style: Style;
  readonly minorDigits: number;

  constructor(currency: string, locale: string) {
    this.style = styleOf(currency, locale);
    this.minorDigits = currencyMinorDigits(currency);
  }

  /**
   * The amounts, percentages and figure-stating bare numbers of a text: amounts first, then percentages, then bare
   * numbers, each in text order, then the far ends of ranges. A bare number states a figure when it has decimals,
   * group separators or three digits or more, a scale word, is followed by a length of time or a count of records,
   * or is the other end of a range whose end is an amount, a percentage or such a count ("£10–20", "10–20%",
   * "12–14 months").
   */
  figures(text: string): WrittenFigure[] {
    if (!DIGIT.test(text)) return [];
    const { money, percent, number } = this.style;
    const found: WrittenFigure[] = [];
    let rest = asciiDigits(text);
    for (const m of rest.matchAll(PROSE)) rest = mask(rest, m);
    // Where each figure was read, and whether it says its unit (an amount, a percentage, a count or period).
    const spans: Array<{ start: number; end: number; figure: WrittenFigure; unit: boolean }> = [];
    const take = (kind: WrittenFigure['kind'], raw: string, m: RegExpMatchArray, scaleWord?: string): void => {
      const start = m.index ?? 0;
      const end = start + m[0].length;
      const figure = this.read(kind, raw, text.slice(start, end), start, scaleWord);
      found.push(figure);
      spans.push({ start, end, figure, unit: true });
    };
    for (const m of rest.matchAll(NUMERIC_DATES)) rest = mask(rest, m);
    for (const pattern of money) {
      for (const m of rest.matchAll(pattern)) {
        take('money', m[1], m, m[2] ?? m[3] ?? m[4]);
        rest = mask(rest, m);
      }
    }
    found.sort((a, b) => a.index - b.index);
    for (const m of rest.matchAll(percent)) {
      take('percent', m[1] ?? m[2], m);
      rest = mask(rest, m);
    }
    for (const m of rest.matchAll(WORD_DATES)) rest = mask(rest, m);

    const bare: Array<{ start: number; end: number; figure: WrittenFigure }> = [];
    for (const m of rest.matchAll(number)) {
      const start = m.index ?? 0;
      const end = start + m[0].length;
      const figure = this.read('number', m[1], text.slice(start, end), start, m[2] ?? m[3] ?? m[4]);
      const counted = COUNTED.exec(rest.slice(end))?.[0] ?? '';
      const large = figure.value * figure.scale >= LARGE || m[1].includes(this.style.group);
      if (large || figure.decimals > 0 || figure.scale > 1 || counted) {
        figure.written = text.slice(start, end + counted.length).trim();
        found.push(figure);
        spans.push({ start, end: end + counted.length, figure, unit: !!counted });
      } else bare.push({ start, end, figure });
    }
    // The other end of a range takes the kind of the end that says its unit: "£10–20" is two amounts, "10–20%" two
    // percentages, "12–14 months" two periods; "1-100 characters" says nothing of ours.
    for (const { start, end, figure } of bare) {
      const join = RANGE_JOIN.exec(rest.slice(end));
      const next = join && spans.find((s) => s.unit && s.start === end + join[0].length);
      const before = RANGE_JOIN_BEFORE.exec(rest.slice(0, start));
      const prev = before && spans.find((s) => s.end === start - before[0].length && s.figure.kind === 'money');
      const partner = next || prev;
      if (partner) found.push({ ...figure, kind: partner.figure.kind });
    }
    return found;
  }

  /** Every number a text shows, dates and counts included: what a fact may be quoted with. */
  numbers(text: string): number[] {
    if (!DIGIT.test(text)) return [];
    return [...asciiDigits(text).matchAll(this.style.number)].map((m) => this.read('number', m[1], m[0], 0).value);
  }

  /** Amounts and percentages only (a fact's typed figures). */
  typed(text: string): WrittenFigure[] {
    return this.figures(text).filter((f) => f.kind !== 'number');
  }

  private read(
    kind: WrittenFigure['kind'],
    raw: string,
    written: string,
    index: number,
    scaleWord?: string,
  ): WrittenFigure {
    const [int, frac] = raw.split(this.style.decimal);
    const digits = int.split(this.style.group).join('');
    return {
      kind,
      value: Number(frac === undefined ? digits : `${digits}.${frac}`),
      decimals: frac?.length ?? 0,
      scale: scaleWord ? SCALES[scaleWord.toLowerCase()] : 1,
      index,
      written: written.trim(),
    };
  }
}

/** Blanks out a match so later patterns do not read it again; positions stay the same. */
function mask(text: string, m: RegExpMatchArray): string {
  const at = m.index ?? 0;
  return text.slice(0, at) + ' '.repeat(m[0].length) + text.slice(at + m[0].length);
}
