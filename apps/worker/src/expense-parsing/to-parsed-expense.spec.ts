import { LlmError } from '@app/llm';
import { toParsedExpense } from './expense-parse.processor';

const answer = { amount: 45.499999, currency: 'USD', category: 'Groceries', description: ' Walmart groceries ', date: '2026-11-24', unparseableReason: null };

describe('toParsedExpense', () => {
  it('rounds the amount to cents and trims the description', () => {
    expect(toParsedExpense(answer)).toEqual({ amount: 45.5, currency: 'USD', category: 'Groceries', description: 'Walmart groceries', date: '2026-11-24' });
  });

  it('refuses text without an amount with the model’s reason, as a non-retryable error', () => {
    try {
      toParsedExpense({ ...answer, amount: null, unparseableReason: 'No amount mentioned' });
      throw new Error('expected a failure');
    } catch (err) {
      expect(err).toBeInstanceOf(LlmError);
      expect((err as LlmError).retryable).toBe(false);
      expect((err as Error).message).toBe('No amount mentioned');
    }
  });

  it('treats an impossible date as invalid output (retryable)', () => {
    expect(() => toParsedExpense({ ...answer, date: '2026-02-30' })).toThrow('invalid date');
  });
});
