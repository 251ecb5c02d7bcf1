import { estimatePromptTokens, LlmError } from '@app/llm';
import { buildFinancialContext, type RedFlag } from '@app/finance';
import { buildAlertWordingMessages, checkCitations, FACT_PROMPT_MAX_TOKENS, type FactSheet } from '@app/prompts';
import { hugeInputs } from '../../../../libs/finance/src/fixtures.testing';
import { ALERT_FLAGS_PER_RUN } from './alert-screening';
import { flagFact, flagKey, flagToWord, formatFlagFigures, toWording } from './flag-wording';

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
  const sheet: FactSheet = {
    currency: 'GBP',
    locale: 'en-GB',
    facts: [flagFact(dti, 'flag_1', gbp), flagFact(overrun, 'flag_2', gbp)],
  };
  const a = (key: string, message = 'A message long enough.') => ({ key, title: ` Title ${key} `, message });

  it('knows the figures each flag may be worded with, threshold included', () => {
    expect(sheet.facts[0]).toEqual({
      key: 'flag_1',
      label: 'debt_to_income_high',
      value: null,
      unit: null,
      text: 'monthlyDebtPayments=£1,100.00, monthlyIncome=£2,000.00, incomeBasis=this-month, debtToIncome=55.0%; debtToIncomeMax=40.0%',
    });
    const own = (i: number): FactSheet => ({ ...sheet, facts: [sheet.facts[i]] });
    expect(checkCitations(own(0), ['£1,100 of £2,000.00 is 55%, above 40%.']).uncited).toEqual([]);
    expect(checkCitations(own(1), ['£150.00 of £100.00 (150%), £50 over, 0% tolerance.']).uncited).toEqual([]);
    expect(checkCitations(own(1), ['Over by £55 (155%).']).uncited).toEqual(['£55', '155%']);
  });

  it('knows the counts a flag states, and refuses others', () => {
    const streak: FactSheet = {
      ...sheet,
      facts: [
        flagFact(
          {
            code: 'consecutive_overspending',
            severity: 'high',
            category: 'cash-flow',
            subject: null,
            figures: { consecutiveMonths: 4, fromMonth: '2026-01', toMonth: '2026-04', totalShortfallMinor: 20101 },
            threshold: { name: 'consecutiveOverspendMonths', value: 3 },
          },
          'flag_1',
          gbp,
        ),
      ],
    };
    expect(
      checkCitations(streak, ['Overspent 4 months running since January 2026 (3 months trigger).']).uncited,
    ).toEqual([]);
    expect(checkCitations(streak, ['Overspent for 6 months, £201.01 short.']).uncited).toEqual(['6 months']);
  });

  it('maps every key to its cleaned wording', () => {
    const out = toWording(
      {
        alerts: [a('flag_2', 'Spent £150.00 of £100 (150%).'), a('flag_1', 'Payments take 55% of income, above 40%.')],
      },
      sheet,
    );
    expect(out.get('flag_1')).toEqual({ title: 'Title flag_1', message: 'Payments take 55% of income, above 40%.' });
    expect(out.size).toBe(2);
  });

  it.each([
    ['a flag worded twice', [a('flag_1'), a('flag_1')], /twice/],
    ['a flag left out', [a('flag_1')], /every flag/],
    ['a figure of another flag', [a('flag_1', 'Over by £50.00.'), a('flag_2')], /not given \(£50.00\)/],
    ['a flag it was not given', [a('flag_1'), a('flag_2'), a('flag_3')], /not given/],
  ])('treats %s as invalid output (retried)', (_name, alerts, message) => {
    expect(() => toWording({ alerts }, sheet)).toThrow(message);
    try {
      toWording({ alerts }, sheet);
    } catch (err) {
      expect((err as LlmError).kind).toBe('invalid_output');
    }
  });
});

describe('the wording prompt for a user with thousands of red flags', () => {
  it(`words the ${ALERT_FLAGS_PER_RUN} most severe in a prompt under FACT_PROMPT_MAX_TOKENS (${FACT_PROMPT_MAX_TOKENS})`, () => {
    const ctx = buildFinancialContext(hugeInputs(), { now: new Date('2026-04-15T10:00:00Z') });
    expect(ctx.redFlags.length).toBeGreaterThan(2000);
    // The screening's cut: new flags, most severe first.
    const worded = ctx.redFlags.slice(0, ALERT_FLAGS_PER_RUN).map((f, i) => flagToWord(f, `flag_${i + 1}`, gbp));
    const messages = buildAlertWordingMessages(worded);
    expect(estimatePromptTokens(messages)).toBeLessThanOrEqual(FACT_PROMPT_MAX_TOKENS);
  });
});
