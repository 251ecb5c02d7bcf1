import { localDateKey } from '@app/finance';
import { dateIn } from './date-in-text';
import { categoryIn } from './expense-category';
import { describeExpense } from './expense-description';
import { amountsIn, likeliestAmount } from './money-in-text';

export interface ExpenseTextOptions {
  /** The instant "today" and "yesterday" are counted from. */
  now: Date;
  timeZone: string;
  locale: string;
  /** Currency of an amount written without one. */
  defaultCurrency: string;
  /** EXPENSE_CATEGORIES, in their configured order. */
  categories: string[];
}

export interface Money {
  value: number;
  currency: string;
  /** The note wrote the currency; otherwise it is the configured default, assumed. */
  marked: boolean;
}

/** What a plain reading of a note finds, without a model. */
export interface ExpenseTextReading {
  /**
   * The likeliest amount; null when the note has no number that can be one. `certain` when nothing else could be
   * meant: it is the only amount with a currency, or the only number.
   */
  amount: (Money & { certain: boolean }) | null;
  /** Every amount the note could mean, in the order written. */
  amounts: Money[];
  /** The day named by the note, else today, in the configured zone (YYYY-MM-DD). */
  date: string;
  /** The words that named the day; null when the note names none (the date is then today). */
  dateWords: string | null;
  category: string;
  description: string;
}

/**
 * Reads amount, currency, day, category and description from a note with fixed rules and chrono-node: the same
 * note, time zone and day always give the same reading. Used on its own offline and to check a model's answer.
 */
export function readExpenseText(text: string, options: ExpenseTextOptions): ExpenseTextReading {
  // Amounts with a currency are blanked before the date is read, so "$12" is never the 12th.
  const marked = amountsIn(text, options.defaultCurrency).filter((a) => a.marked);
  const day = dateIn(text, options, marked);
  const mentions = amountsIn(text, options.defaultCurrency, day ? [day] : []);
  const best = likeliestAmount(mentions);
  const markedCount = mentions.filter((m) => m.marked).length;
  const certain = best !== null && (best.marked ? markedCount === 1 : mentions.length === 1);
  const { category } = categoryIn(text, options.categories);
  return {
    amount: best && { value: best.value, currency: best.currency, marked: best.marked, certain },
    amounts: mentions.map((m) => ({ value: m.value, currency: m.currency, marked: m.marked })),
    date: day?.date ?? localDateKey(options.now, options.timeZone),
    dateWords: day?.text ?? null,
    category,
    description: describeExpense(text, [...(best ? [best] : []), ...(day ? [day] : [])], category),
  };
}
