import * as chrono from 'chrono-node';
import { addDaysToDateKey, addMonthsToDateKey, daysInMonth, localDateKey, timeZoneOffsetMs } from '@app/finance';

/** The day a note names, and where it names it. */
export interface DateMention {
  /** YYYY-MM-DD in the configured time zone. */
  date: string;
  /** The words that named it ("yesterday", "3 March"). */
  text: string;
  start: number;
  end: number;
}

export interface DateReadingOptions {
  now: Date;
  /** IANA zone: "yesterday" is the day before today's date there, not in UTC. */
  timeZone: string;
  /** en-US reads 03/04 month first (4 March); every other locale reads it day first (3 April). */
  locale: string;
}

/**
 * "on the 5th", "the 21st": a day of the month on its own, which chrono's English parsers leave alone. It is the
 * latest such day on or before today ("the 31st" in June is 31 May).
 */
const DAY_OF_MONTH: chrono.Parser = {
  pattern: () => /\b(?:on\s+the|on|the)\s+(\d{1,2})(?:st|nd|rd|th)\b/i,
  extract: (context, match) => {
    const day = Number(match[1]);
    if (day < 1 || day > 31) return null;
    // The reference instant shifted so that its local fields are the wall clock of the configured zone.
    const local = context.reference.getDateWithAdjustedTimezone();
    let year = local.getFullYear();
    let month = local.getMonth() + 1;
    while (
      day > daysInMonth(year, month) ||
      (year === local.getFullYear() && month === local.getMonth() + 1 && day > local.getDate())
    ) {
      [year, month] = month === 1 ? [year - 1, 12] : [year, month - 1];
    }
    return { year, month, day };
  },
};

/**
 * chrono's English parsers with two changes for expense notes: its time-of-day parser is left out, because it
 * reads an amount as a clock time ("4.50 this morning", "last Friday 12"), and "the 5th" is understood.
 */
function dateParser(littleEndian: boolean): chrono.Chrono {
  const base = littleEndian ? chrono.en.GB : chrono.en.casual;
  const parser = base.clone();
  parser.parsers = [...parser.parsers.filter((p) => p.constructor.name !== 'ENTimeExpressionParser'), DAY_OF_MONTH];
  return parser;
}

const DAY_FIRST = dateParser(true);
const MONTH_FIRST = dateParser(false);

/** A two-digit number chrono took for a year after a day and month ("March 3rd 40"): in a note it is the amount. */
const TRAILING_SHORT_NUMBER = /(?:^|\s)(\d{1,2})\s*$/;

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * The first day the note names, resolved in the configured zone. A day given in part ("3 March", "the 5th",
 * "Friday") is the latest such day on or before today: notes record what was spent. A day given in full
 * ("2025-06-01", "yesterday", "tomorrow") is kept as written.
 */
export function dateIn(
  text: string,
  options: DateReadingOptions,
  skip: Array<{ start: number; end: number }> = [],
): DateMention | null {
  const today = localDateKey(options.now, options.timeZone);
  // chrono takes the zone as minutes east of UTC at the reference instant (it knows only abbreviations).
  const reference = { instant: options.now, timezone: timeZoneOffsetMs(options.now, options.timeZone) / 60_000 };
  const parser = options.locale === 'en-US' ? MONTH_FIRST : DAY_FIRST;
  // Amounts already read are blanked out with the same number of characters, so positions still match the note
  // (with underscores: chrono reads "March" followed by spaces as a longer match than "3 March").
  const blank = (t: string, start: number, end: number) => t.slice(0, start) + '_'.repeat(end - start) + t.slice(end);
  let masked = skip.reduce((t, s) => blank(t, s.start, s.end), text);

  for (let attempt = 0; attempt < 3; attempt++) {
    const result = parser.parse(masked, reference, { forwardDate: false })[0];
    if (!result) return null;
    const shortYear = TRAILING_SHORT_NUMBER.exec(result.text);
    const relative = [...result.tags()].some((t) => t.startsWith('result/relative') || t.startsWith('casualReference'));
    if (result.start.isCertain('year') && shortYear && !relative) {
      const at = result.index + shortYear.index + shortYear[0].length - shortYear[1].length;
      masked = blank(masked, at, at + shortYear[1].length);
      continue;
    }
    const s = result.start;
    const written = `${s.get('year')}-${pad2(s.get('month')!)}-${pad2(s.get('day')!)}`;
    const matched = result.text.trimEnd();
    return {
      date: notAfter(written, today, {
        year: s.isCertain('year'),
        month: s.isCertain('month'),
        day: s.isCertain('day'),
      }),
      text: matched,
      start: result.index,
      end: result.index + matched.length,
    };
  }
  return null;
}

/** Moves a day given in part back by the part left out (a week, a month, a year) until it is not after today. */
function notAfter(date: string, today: string, certain: { year: boolean; month: boolean; day: boolean }): string {
  if (date <= today || (certain.year && certain.month && certain.day)) return date;
  let d = date;
  for (let i = 0; i < 12 && d > today; i++) {
    if (!certain.day) d = addDaysToDateKey(d, -7);
    else if (!certain.month) d = addMonthsToDateKey(d, -1);
    else d = addMonthsToDateKey(d, -12);
  }
  return d;
}
