import { ParsedExpense } from '@app/database';
import { currencyMinorDigits, fromMinor, toMinor } from '@app/finance';
import { LlmError } from '@app/llm';
import { ExpenseParseModelAnswer } from '@app/prompts';

function isCalendarDate(iso: string): boolean {
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso;
}

/** Every number written in the note, read with either decimal convention ("1,234.50", "1.234,50", "45,5"). */
export function numbersIn(text: string): number[] {
  const found: number[] = [];
  for (const raw of text.match(/\d[\d.,\s']*/g) ?? []) {
    const token = raw.replace(/[\s']/g, '').replace(/[.,]+$/, '');
    const lastSep = Math.max(token.lastIndexOf('.'), token.lastIndexOf(','));
    const decimals = lastSep >= 0 ? token.length - lastSep - 1 : 0;
    const candidates =
      lastSep >= 0 && decimals !== 3
        ? [token.slice(0, lastSep).replace(/[.,]/g, '') + '.' + token.slice(lastSep + 1)] // decimal separator
        : [token.replace(/[.,]/g, ''), token.replace(/,/g, '')]; // thousands separators, or "1.500" as 1.5
    for (const c of candidates) if (Number.isFinite(Number(c))) found.push(Number(c));
  }
  return found;
}

/**
 * Checks the model cannot express in a JSON schema. The amount we store must be one the user wrote (when
 * they wrote digits at all: "twenty pounds" has none to check against), rounded in minor units of its
 * currency, so the figure is the user's, not the model's.
 */
export function toParsedExpense(answer: ExpenseParseModelAnswer, note: string): ParsedExpense {
  if (answer.amount === null || !(answer.amount > 0)) {
    throw new LlmError('rejected', answer.unparseableReason?.slice(0, 200) || 'No amount was found in the text');
  }
  if (!isCalendarDate(answer.date)) throw new LlmError('invalid_output', 'Model returned an invalid date');
  const digits = currencyMinorDigits(answer.currency);
  const amountMinor = toMinor(answer.amount, digits);
  const written = numbersIn(note);
  if (written.length > 0 && !written.some((n) => toMinor(n, digits) === amountMinor)) {
    throw new LlmError('invalid_output', 'Model returned an amount that is not in the text');
  }
  return {
    amount: fromMinor(amountMinor, digits),
    currency: answer.currency,
    category: answer.category,
    description: answer.description.trim(),
    date: answer.date,
  };
}
