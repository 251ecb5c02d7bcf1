import { ExpenseFieldCheck, ParsedExpense } from '@app/database';
import { currencyMinorDigits, fromMinor, toMinor } from '@app/finance';
import { LlmError } from '@app/llm';
import { ExpenseParseModelAnswer } from '@app/prompts';
import type { WithUserReason } from '../common/job-failure';
import { ExpenseTextReading, Money } from './text-parser';

/** Offline, and the reason a note without an amount fails: said to the user as it is. */
export const NO_AMOUNT_REASON = 'No amount was found in the text';

/**
 * The model found no amount in the note. Its own explanation is for the user (the parse's `error`); the message,
 * which BullMQ keeps as the job's failedReason and the logs may print, is ours.
 */
export class NoAmountError extends LlmError implements WithUserReason {
  constructor(readonly userReason: string) {
    super('rejected', 'Model found no amount in the text');
  }
}

function isCalendarDate(iso: string): boolean {
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso;
}

const minor = (m: Pick<Money, 'value' | 'currency'>): number => toMinor(m.value, currencyMinorDigits(m.currency));
const show = (m: Pick<Money, 'value' | 'currency'>): string =>
  `${m.value.toFixed(currencyMinorDigits(m.currency))} ${m.currency}`;

/** The same amount; a currency the note did not write is the default assumed, so only the number counts. */
function sameAmount(text: Money, model: Pick<Money, 'value' | 'currency'>): boolean {
  const value = toMinor(text.value, currencyMinorDigits(model.currency)) === minor(model);
  return value && (!text.marked || text.currency === model.currency);
}

/** The offline result: the text's own reading, or a clean failure when it has no amount. */
export function expenseFromText(reading: ExpenseTextReading): ParsedExpense {
  const { amount } = reading;
  if (!amount) throw new LlmError('rejected', NO_AMOUNT_REASON);
  const warnings = amount.certain
    ? []
    : [`Amount: the text has several numbers; ${show(amount)} was taken as the amount.`];
  return {
    amount: amount.value,
    currency: amount.currency,
    category: reading.category,
    description: reading.description,
    date: reading.date,
    source: 'text-parser',
    checks: { amount: 'unchecked', date: 'unchecked' },
    warnings,
  };
}

/**
 * The model's answer, checked against the text's reading, so a misread amount or day is never stored silently.
 * Where the text reads plainly, its value is stored and the model's different one is named in `warnings`:
 * - amount: the text's when it is the note's only amount of its kind, or when the model's is not written in the
 *   note at all; otherwise (the note has several numbers and the model chose another of them) the model's.
 * - date: the text's whenever the note names a day (chrono-node in the configured zone is exact about
 *   "yesterday" and "3 March"); a note without one keeps the model's date, unchecked.
 * A model answer without an amount fails with the model's reason, and an impossible date is retried.
 */
export function checkedModelAnswer(answer: ExpenseParseModelAnswer, reading: ExpenseTextReading): ParsedExpense {
  if (answer.amount === null || !(answer.amount > 0)) {
    throw new NoAmountError(answer.unparseableReason?.trim().slice(0, 200) || NO_AMOUNT_REASON);
  }
  if (!isCalendarDate(answer.date)) throw new LlmError('invalid_output', 'Model returned an invalid date');
  const warnings: string[] = [];
  const model = {
    value: fromMinor(minor({ value: answer.amount, currency: answer.currency }), currencyMinorDigits(answer.currency)),
    currency: answer.currency,
  };
  const amount = checkAmount(model, reading, warnings);
  const date = checkDate(answer.date, reading, warnings);
  return {
    amount: amount.value,
    currency: amount.currency,
    category: answer.category,
    description: answer.description.trim(),
    date: date.value,
    source: 'model',
    checks: { amount: amount.check, date: date.check },
    warnings,
  };
}

function checkAmount(
  model: { value: number; currency: string },
  reading: ExpenseTextReading,
  warnings: string[],
): { value: number; currency: string; check: ExpenseFieldCheck } {
  const text = reading.amount;
  // "twenty quid": no digits to read, so nothing to check the model against.
  if (!text) return { ...model, check: 'unchecked' };
  if (sameAmount(text, model)) return { ...model, check: 'agrees' };
  const written = reading.amounts.some((a) => sameAmount(a, model));
  if (text.certain || !written) {
    const kept = {
      value: text.value,
      currency: text.marked ? text.currency : model.currency,
    };
    warnings.push(`Amount: the model read ${show(model)}; the text says ${show(kept)}, which is kept.`);
    return { ...kept, check: 'differs' };
  }
  warnings.push(`Amount: the text could also mean ${show(text)}; the model's ${show(model)} is kept.`);
  return { ...model, check: 'differs' };
}

function checkDate(
  modelDate: string,
  reading: ExpenseTextReading,
  warnings: string[],
): { value: string; check: ExpenseFieldCheck } {
  if (reading.dateWords === null) return { value: modelDate, check: 'unchecked' };
  if (modelDate === reading.date) return { value: modelDate, check: 'agrees' };
  warnings.push(`Date: the model read ${modelDate}; "${reading.dateWords}" is ${reading.date}, which is kept.`);
  return { value: reading.date, check: 'differs' };
}
