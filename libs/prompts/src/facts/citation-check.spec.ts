import { checkCitations } from './citation-check';
import { FactSheetBuilder, factLine, type FactSheet } from './fact-sheet';

const gbp = (): FactSheetBuilder => new FactSheetBuilder('GBP', 'en-GB');

/** Amounts 1,234.56 and -25.00, a percentage 62.5 and a composite line with 10.99. */
function sheetIn(builder: FactSheetBuilder): FactSheet {
  builder.figure('a', 'Balance', 123456, 'money');
  builder.figure('b', 'Short by', -2500, 'money');
  builder.figure('c', 'Needs share', 62.5, 'percent');
  builder.line('d', 'Netflix', `${builder.money(1099)} a month`);
  return builder.sheet();
}

describe('FactSheetBuilder', () => {
  it('formats each value in its unit, as the app shows it, and writes a fact as one line', () => {
    const b = gbp();
    b.figure('balance', 'Total balance owed', 130000, 'money');
    b.figure('share', 'Debt to income', 19.94, 'percent');
    b.figure('none', 'Debt to income', null, 'percent');
    b.figure('months', 'Debt-free in', 14, 'months');
    b.figure('count', 'Active debts', 2, 'count');
    b.line('words', 'Both strategies cost the same');
    expect(b.sheet().facts.map(factLine)).toEqual([
      'Total balance owed: £1,300.00',
      'Debt to income: 19.9%',
      'Debt to income: n/a',
      'Debt-free in: 14 months',
      'Active debts: 2',
      'Both strategies cost the same',
    ]);
  });
});

describe('checkCitations', () => {
  const sheet = sheetIn(gbp());

  it('accepts figures copied from the facts, rounded to whole units, negatives by their size, and 0/100%', () => {
    const words = [
      'You owe £1,234.56, about £1,235, and are £25.00 short.',
      'Netflix costs £10.99; needs take 62.5% (63%) of income, 100% of the budget.',
    ];
    expect(checkCitations(sheet, words)).toEqual({ uncited: [], unknownKeys: [] });
  });

  it('names amounts and percentages no fact shows', () => {
    const words = ['Cancelling saves £131.88 a year, or 12% of spending; £1234.57 is wrong too.'];
    expect(checkCitations(sheet, words).uncited).toEqual(['£131.88', '£1234.57', '12%']);
  });

  it('reads the locale’s separators and symbol position', () => {
    const eur = sheetIn(new FactSheetBuilder('EUR', 'de-DE'));
    expect(checkCitations(eur, ['Sie schulden 1.234,56 € und 10,99 €, nicht 99,00 €.']).uncited).toEqual(['99,00 €']);
  });

  it('accepts a bare number that is one of the figures, raw or formatted', () => {
    const words = ['You owe 1234.56 (1,234.56, about 1235) and pay 10.99 a month; needs take 62.5 in every hundred.'];
    expect(checkCitations(sheet, words).uncited).toEqual([]);
  });

  it('names bare numbers that state a figure no fact shows: decimals, three digits or more, or a count', () => {
    const words = [
      'Put 250 aside, or 1,500 over the year.',
      'You could be debt-free in 14 months by clearing 3 subscriptions and 2 debts, saving 12.75 a week.',
    ];
    expect(checkCitations(sheet, words).uncited).toEqual([
      '250',
      '1,500',
      '14 months',
      '3 subscriptions',
      '2 debts',
      '12.75',
    ]);
  });

  it('leaves prose numbers alone: small numbers, ordinals, keys, ratios, dates and times of day', () => {
    const words = [
      'Tip number 2: follow the 50/30/20 rule, look at flag_1 and step 3.',
      'By 15 March, on 2026-04-30, in April 2026, since 2025, at 09:30, on the 3rd.',
    ];
    expect(checkCitations(sheet, words).uncited).toEqual([]);
  });

  it('accepts counts and periods the facts show, in their labels or texts', () => {
    const b = gbp();
    b.figure('subs', 'Active likely subscriptions', 3, 'count');
    b.figure('payoff', 'Avalanche', 14, 'months', 'debt-free after 14 months, in 2027-06');
    b.line('period', 'Average over the last 6 complete months');
    const words = ['Your 3 subscriptions; debt-free in 14 months, by June 2027; over 6 months.'];
    expect(checkCitations(b.sheet(), words).uncited).toEqual([]);
    expect(checkCitations(b.sheet(), ['Debt-free in 15 months.']).uncited).toEqual(['15 months']);
  });

  it('does not take an amount for a percentage or a count for an amount', () => {
    const b = gbp();
    b.figure('subs', 'Active likely subscriptions', 3, 'count');
    b.figure('share', 'Needs share', 45, 'percent');
    expect(checkCitations(b.sheet(), ['£3 and £45, or 3%.']).uncited).toEqual(['£3', '£45', '3%']);
  });

  it('names cited keys that are not on the sheet', () => {
    expect(checkCitations(sheet, [], ['a', 'made.up', 'd', 'made.up']).unknownKeys).toEqual(['made.up']);
  });
});
