import { LlmError } from '@app/llm';
import { ExpenseParseModelAnswer } from '@app/prompts';
import { checkedModelAnswer, expenseFromText, NO_AMOUNT_REASON } from './checked-expense';
import { readExpenseText } from './text-parser';

/** Today is 24 November 2026 in London. */
const read = (text: string) =>
  readExpenseText(text, {
    now: new Date('2026-11-24T12:00:00Z'),
    timeZone: 'Europe/London',
    locale: 'en-GB',
    defaultCurrency: 'GBP',
    categories: ['Groceries', 'Dining', 'Transport', 'Entertainment', 'Other'],
  });

const answer: ExpenseParseModelAnswer = {
  amount: 45.5,
  currency: 'USD',
  category: 'Groceries',
  description: ' Walmart groceries ',
  date: '2026-11-24',
  unparseableReason: null,
};
const note = 'Bought groceries at Walmart for $45.50';

function failure(fn: () => unknown): LlmError {
  try {
    fn();
  } catch (err) {
    if (err instanceof LlmError) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

describe('checkedModelAnswer', () => {
  it('keeps the model’s answer where the text agrees, trimmed; a note without a date leaves the date unchecked', () => {
    expect(checkedModelAnswer(answer, read(note))).toEqual({
      amount: 45.5,
      currency: 'USD',
      category: 'Groceries',
      description: 'Walmart groceries',
      date: '2026-11-24',
      source: 'model',
      checks: { amount: 'agrees', date: 'unchecked' },
      warnings: [],
    });
  });

  it('stores the text’s amount, flagged, when the model misreads the only amount of the note', () => {
    const result = checkedModelAnswer({ ...answer, amount: 54.5 }, read(note));
    expect(result).toMatchObject({ amount: 45.5, currency: 'USD', checks: { amount: 'differs' } });
    expect(result.warnings).toEqual(['Amount: the model read 54.50 USD; the text says 45.50 USD, which is kept.']);
  });

  it('stores the text’s currency when the note writes one and the model names another', () => {
    const result = checkedModelAnswer({ ...answer, currency: 'GBP' }, read(note));
    expect(result).toMatchObject({ amount: 45.5, currency: 'USD', checks: { amount: 'differs' } });
  });

  it('compares only the number when the note writes no currency: the model may know it from context', () => {
    const result = checkedModelAnswer({ ...answer, amount: 12.5, currency: 'EUR' }, read('Dinner in Paris 12.50'));
    expect(result).toMatchObject({ amount: 12.5, currency: 'EUR', checks: { amount: 'agrees' }, warnings: [] });
  });

  it('keeps the model’s choice among several numbers the note wrote, and says what else the text could mean', () => {
    const result = checkedModelAnswer(
      { ...answer, amount: 2, currency: 'GBP', category: 'Dining' },
      read('2 coffees for 7'),
    );
    expect(result).toMatchObject({ amount: 2, currency: 'GBP', checks: { amount: 'differs' } });
    expect(result.warnings).toEqual(["Amount: the text could also mean 7.00 GBP; the model's 2.00 GBP is kept."]);
    // A number the note never wrote is not the user’s: the text’s likeliest amount is stored instead.
    expect(checkedModelAnswer({ ...answer, amount: 14, currency: 'GBP' }, read('2 coffees for 7'))).toMatchObject({
      amount: 7,
      checks: { amount: 'differs' },
    });
  });

  it('stores the day the note names, flagged, when the model reads another', () => {
    const result = checkedModelAnswer(
      { ...answer, amount: 12.5, currency: 'GBP', category: 'Entertainment', date: '2026-11-24' },
      read('Paid 12.50 for two cinema tickets yesterday'),
    );
    expect(result).toMatchObject({ date: '2026-11-23', checks: { amount: 'agrees', date: 'differs' } });
    expect(result.warnings).toEqual(['Date: the model read 2026-11-24; "yesterday" is 2026-11-23, which is kept.']);
    expect(
      checkedModelAnswer(
        { ...answer, amount: 12.5, currency: 'GBP', date: '2026-11-23' },
        read('Paid 12.50 for two cinema tickets yesterday'),
      ).checks,
    ).toEqual({ amount: 'agrees', date: 'agrees' });
  });

  it('leaves an amount written in words unchecked: there are no digits to read', () => {
    const result = checkedModelAnswer({ ...answer, amount: 20, currency: 'GBP' }, read('twenty quid on a taxi'));
    expect(result).toMatchObject({ amount: 20, checks: { amount: 'unchecked' }, warnings: [] });
  });

  it('rounds to the minor unit of the currency (none for yen, three for dinar)', () => {
    expect(checkedModelAnswer({ ...answer, amount: 1200, currency: 'JPY' }, read('ramen ¥1,200')).amount).toBe(1200);
    expect(checkedModelAnswer({ ...answer, amount: 1.235, currency: 'BHD' }, read('tea 1.235 BHD')).amount).toBe(1.235);
  });

  it('fails at once with the model’s reason for the user, and our own words for the job (not retried)', () => {
    const err = failure(() =>
      checkedModelAnswer({ ...answer, amount: null, unparseableReason: ' No amount mentioned ' }, read('hello')),
    );
    expect(err.retryable).toBe(false);
    expect(err).toMatchObject({ userReason: 'No amount mentioned', message: 'Model found no amount in the text' });
  });

  it('retries an impossible date', () => {
    const err = failure(() => checkedModelAnswer({ ...answer, date: '2026-02-30' }, read(note)));
    expect(err).toMatchObject({ kind: 'invalid_output', message: 'Model returned an invalid date' });
  });
});

describe('expenseFromText', () => {
  it('is the text’s reading, marked as such', () => {
    expect(expenseFromText(read(note))).toEqual({
      amount: 45.5,
      currency: 'USD',
      category: 'Groceries',
      description: 'Groceries at Walmart',
      date: '2026-11-24',
      source: 'text-parser',
      checks: { amount: 'unchecked', date: 'unchecked' },
      warnings: [],
    });
  });

  it('says which number it took when the note holds several', () => {
    expect(expenseFromText(read('2 coffees for 7')).warnings).toEqual([
      'Amount: the text has several numbers; 7.00 GBP was taken as the amount.',
    ]);
  });

  it('fails at once, with a clear reason, when the note has no amount', () => {
    const err = failure(() => expenseFromText(read('twenty quid on a taxi')));
    expect(err.retryable).toBe(false);
    expect(err.message).toBe(NO_AMOUNT_REASON);
  });
});
