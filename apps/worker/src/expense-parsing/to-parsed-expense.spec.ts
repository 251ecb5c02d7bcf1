import { LlmError } from '@app/llm';
import { numbersIn, toParsedExpense } from './parsed-expense';

const answer = {
  amount: 45.5,
  currency: 'USD',
  category: 'Groceries',
  description: ' Walmart groceries ',
  date: '2026-11-24',
  unparseableReason: null,
};
const note = 'Bought groceries at Walmart for $45.50';

describe('toParsedExpense', () => {
  it('keeps an amount the user wrote, in minor units of its currency, and trims the description', () => {
    expect(toParsedExpense(answer, note)).toEqual({
      amount: 45.5,
      currency: 'USD',
      category: 'Groceries',
      description: 'Walmart groceries',
      date: '2026-11-24',
    });
    // Yen has no minor unit; dinar has three.
    expect(toParsedExpense({ ...answer, amount: 1200, currency: 'JPY' }, 'ramen ¥1,200').amount).toBe(1200);
    expect(toParsedExpense({ ...answer, amount: 1.235, currency: 'BHD' }, 'tea 1.235 BHD').amount).toBe(1.235);
  });

  it('refuses an amount that is not in the note as invalid output (retried)', () => {
    try {
      toParsedExpense({ ...answer, amount: 54.5 }, note);
      throw new Error('expected a failure');
    } catch (err) {
      expect(err).toBeInstanceOf(LlmError);
      expect((err as LlmError).kind).toBe('invalid_output');
    }
  });

  it('accepts an amount written in words, where there are no digits to check', () => {
    expect(toParsedExpense({ ...answer, amount: 20 }, 'twenty quid on a taxi').amount).toBe(20);
  });

  it('refuses text without an amount with the model’s reason, as a non-retryable error', () => {
    try {
      toParsedExpense({ ...answer, amount: null, unparseableReason: 'No amount mentioned' }, 'hello');
      throw new Error('expected a failure');
    } catch (err) {
      expect(err).toBeInstanceOf(LlmError);
      expect((err as LlmError).retryable).toBe(false);
      expect((err as Error).message).toBe('No amount mentioned');
    }
  });

  it('treats an impossible date as invalid output (retryable)', () => {
    expect(() => toParsedExpense({ ...answer, date: '2026-02-30' }, note)).toThrow('invalid date');
  });
});

describe('numbersIn', () => {
  it('reads both decimal conventions and thousands separators', () => {
    expect(numbersIn('£45.50 and 1,234.56 then 45,5 and 2 items')).toEqual(
      expect.arrayContaining([45.5, 1234.56, 45.5, 2]),
    );
    expect(numbersIn('1.234,50 €')).toContain(1234.5);
    expect(numbersIn('¥1,200')).toContain(1200);
  });
});
