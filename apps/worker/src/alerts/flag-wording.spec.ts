import { LlmError } from '@app/llm';
import type { RedFlag } from '@app/finance';
import { flagFacts, flagKey, flagToWord, formatFlagFigures, toWording } from './flag-wording';

const gbp = { currency: 'GBP', locale: 'en-GB', timeZone: 'Europe/London' };
const dti: RedFlag = {
  code: 'debt_to_income_high',
  severity: 'high',
  category: 'debt',
  subject: null,
  figures: {
    monthlyDebtPaymentsMinor: 110000,
    monthlyIncomeMinor: 200000,
    incomeBasis: 'this-month',
    debtToIncomePct: 55,
  },
  threshold: { name: 'debtToIncomeMaxPct', value: 40 },
};
const overrun: RedFlag = {
  code: 'budget_overrun',
  severity: 'high',
  category: 'budget',
  subject: { type: 'budget', id: 'b1', name: 'Food "and" stuff' },
  figures: {
    month: '2026-04',
    budgetedMinor: 10000,
    actualMinor: 15000,
    overrunMinor: 5000,
    percentUsedPct: 150,
    ownership: 'own',
    category: 'my own\ncategory',
  },
  threshold: { name: 'budgetOverrunTolerancePct', value: 0 },
};

describe('flag wording inputs', () => {
  it('keys a flag by code, and by the budget or debt it is about', () => {
    expect(flagKey(dti)).toBe('debt_to_income_high');
    expect(flagKey(overrun)).toBe('budget_overrun:b1');
  });

  it('formats money, percentages and dates as the app shows them and quotes user text', () => {
    expect(formatFlagFigures(dti.figures, gbp)).toBe(
      'monthlyDebtPayments=£1,100.00, monthlyIncome=£2,000.00, incomeBasis=this-month, debtToIncome=55.0%',
    );
    expect(formatFlagFigures(overrun.figures, gbp)).toBe(
      'month=2026-04, budgeted=£100.00, actual=£150.00, overrun=£50.00, percentUsed=150.0%, ownership=own, category="my own category"',
    );
    // 23:30 UTC on 30 June is 1 July in London (BST).
    expect(formatFlagFigures({ payDueDate: '2026-06-30T23:30:00.000Z', daysOverdue: 3 }, gbp)).toBe(
      'payDueDate=2026-07-01, daysOverdue=3',
    );
    expect(flagToWord(overrun, 'flag_1', gbp)).toMatchObject({
      key: 'flag_1',
      subject: `budget "Food 'and' stuff"`,
      threshold: 'budgetOverrunTolerancePct=0',
    });
  });
});

describe('toWording', () => {
  const facts = [flagFacts(dti, 'flag_1'), flagFacts(overrun, 'flag_2')];
  const a = (key: string, message = 'A message long enough.') => ({ key, title: ` Title ${key} `, message });

  it('knows the amounts and percentages each flag may be worded with, threshold included', () => {
    expect(facts[0]).toEqual({
      key: 'flag_1',
      text: 'debt_to_income_high',
      amountsMinor: [110000, 200000],
      percents: [55, 40],
    });
    expect(facts[1]).toMatchObject({ amountsMinor: [10000, 15000, 5000], percents: [150, 0] });
  });

  it('maps every key to its cleaned wording', () => {
    const out = toWording(
      {
        alerts: [a('flag_2', 'Spent £150.00 of £100 (150%).'), a('flag_1', 'Payments take 55% of income, above 40%.')],
      },
      facts,
      gbp,
    );
    expect(out.get('flag_1')).toEqual({ title: 'Title flag_1', message: 'Payments take 55% of income, above 40%.' });
    expect(out.size).toBe(2);
  });

  it.each([
    ['a flag worded twice', [a('flag_1'), a('flag_1')], /twice/],
    ['a flag left out', [a('flag_1')], /every flag/],
    ['a figure of another flag', [a('flag_1', 'Over by £50.00.'), a('flag_2')], /not given \(£50.00\)/],
  ])('treats %s as invalid output (retried)', (_name, alerts, message) => {
    expect(() => toWording({ alerts }, facts, gbp)).toThrow(message);
    try {
      toWording({ alerts }, facts, gbp);
    } catch (err) {
      expect((err as LlmError).kind).toBe('invalid_output');
    }
  });
});
