import { buildFinancialContext, buildReportFigures, type DebtInput, type FinanceInputs } from '@app/finance';
import { checkCitations, factLine, type Fact } from '../facts';
import { reportFacts } from './report-facts';
import { buildReportMessages } from './report.prompt';

/** The debt report's facts for issue 12: impossible plans, what-if, the income DTI rests on, the balance's source. */
const now = new Date('2026-04-15T10:00:00Z');

function context(debts: DebtInput[], overrides: Partial<FinanceInputs> = {}) {
  return buildFinancialContext(
    {
      userId: 'u1',
      partnerId: null,
      window: { from: '2025-10', to: '2026-04' },
      incomeByMonth: ['2026-01', '2026-02', '2026-03'].map((month) => ({ month, total: 3000, count: 1 })),
      expensesByMonth: [],
      largestExpensesByMonth: [],
      partnerBudgetSpendByMonth: null,
      budgets: [],
      debts,
      savingGoals: [],
      recurringCandidates: [],
      duplicateCandidates: [],
      ...overrides,
    },
    { now, timeZone: 'UTC' },
  );
}

const facts = (figures: Parameters<typeof reportFacts>[0]) => {
  const sheet = reportFacts(figures);
  const byKey = (key: string): Fact | undefined => sheet.facts.find((f) => f.key === key);
  return { sheet, byKey, line: (key: string) => factLine(byKey(key)!) };
};

describe('debt report facts: a plan that never pays off (item 6)', () => {
  const f = buildReportFigures(
    'debt',
    context([{ id: 'c', name: 'Card', amount: 10000, monthlyPayment: 200, userInterestRate: 30 }]),
  );
  const { sheet, byKey, line } = facts(f);

  it('states the month-1 shortfall as the figure and gives no totals', () => {
    // £250.00 of interest in month 1 against £200.00: £50.00 short.
    expect(byKey('payoff.avalanche.shortfall')).toMatchObject({ value: 5000, unit: 'money' });
    expect(line('payoff.avalanche.shortfall')).toBe(
      'Avalanche (highest APR first): never pays off: £200.00 a month is £50.00 short of the £250.00 of interest charged in month 1, so the balance grows from month 1',
    );
    expect(byKey('payoff.avalanche.interest')).toBeUndefined();
    expect(byKey('payoff.avalanche.total_paid')).toBeUndefined();
    expect(line('payoff.better')).toBe('Neither strategy pays the debts off');
  });

  it('lets the model quote the shortfall and refuses a made-up total', () => {
    expect(
      checkCitations(sheet, ['You pay £200.00 but £250.00 of interest is charged: £50.00 short.']).uncited,
    ).toEqual([]);
    expect(checkCitations(sheet, ['You would pay £1,056,350.20 of interest.']).uncited).toEqual(['£1,056,350.20']);
  });
});

describe('debt report facts: the income, the balance and the APR say where they come from (items 8, 13c, 13d)', () => {
  const f = buildReportFigures(
    'debt',
    context(
      [
        { id: 'c', name: 'Car loan', amount: 10000, monthlyPayment: 300, userInterestRate: 6, completionRatio: 25 },
        {
          id: 'x',
          name: 'Card',
          amount: 2000,
          monthlyPayment: 80,
          userInterestRate: 1990,
          interestRepayment: 30,
          capitalRepayment: 50,
        },
      ],
      { incomeByMonth: [{ month: '2026-03', total: 3000, count: 1 }] },
    ),
  );
  const { line } = facts(f);

  it('measures debt-to-income on recorded take-home income and names the months without income', () => {
    // (0 + 0 + 300000) / 3 = 100000 a month; payments 300 + 80 = £380: 38.0%.
    expect(line('income.monthly')).toBe(
      'Monthly income used for ratios: £1,000.00 (recorded take-home income, average of 2026-01 to 2026-03; no income recorded in 2026-01, 2026-02, counted as zero)',
    );
    expect(line('debts.debt_to_income')).toBe(
      'Debt payments as a share of recorded take-home income (not gross pay): 38.0%',
    );
  });

  it("shows the balance from the app's progress and the estimated APR with the entered value set aside", () => {
    expect(line('debt.1')).toBe(
      'Debt "Car loan": balance £7,500.00 (from the app\'s progress: 25% paid of £10,000.00), APR 6.0% (as entered), monthly payment £300.00',
    );
    // 80 * 30 / (30 + 50) = £30 interest on £2,000: 30 / 2000 * 12 = 18%.
    expect(line('debt.2')).toBe(
      'Debt "Card": balance £2,000.00, APR 18.0% (estimated from the payment\'s interest part; the entered 1990% is implausible), monthly payment £80.00',
    );
  });

  it('states the ordering rules (item 10)', () => {
    expect(line('payoff.ordering')).toBe(
      'How the plans order the debts: avalanche: highest APR first; snowball: smallest balance at the start of the plan first; the order stays fixed as balances change; ties by name',
    );
  });
});

describe('debt report facts: what-if (item 12)', () => {
  // Card £1,000 at 12% (£100), Loan £500 at 0% (£50); £150 extra and £200 once (hand-worked in debt-payoff.spec.ts).
  const ctx = context([
    { id: 'card', name: 'Card', amount: 1000, monthlyPayment: 100, userInterestRate: 12 },
    { id: 'loan', name: 'Loan', amount: 500, monthlyPayment: 50, userInterestRate: 0, interestRepayment: 0 },
  ]);
  const f = buildReportFigures('debt', ctx, { whatIf: { extraMonthlyMinor: 15000, lumpSumMinor: 20000 } });
  const { sheet, line } = facts(f);

  it('states the extra money, the baseline and what each strategy saves against it', () => {
    expect(line('what_if.extra_monthly')).toBe('What-if: extra paid every month on top of the minimums: £150.00');
    expect(line('what_if.lump_sum')).toBe('What-if: one-off lump sum paid in the first month: £200.00');
    expect(line('what_if.minimums_only.months')).toBe(
      "Paying only each debt's minimum (nothing moved on when a debt is paid off): debt-free after 11 months, in 2027-03",
    );
    expect(line('what_if.minimums_only.interest')).toMatch(/total interest: £58\.98$/);
    expect(line('what_if.avalanche.months')).toBe(
      'What-if avalanche (highest APR first) with the extra money: debt-free after 5 months, in 2026-09',
    );
    expect(line('what_if.avalanche.interest')).toMatch(/total interest: £19\.45$/);
    expect(line('what_if.avalanche.months_saved')).toMatch(/months saved against paying only the minimums: 6 months$/);
    expect(line('what_if.avalanche.interest_saved')).toMatch(
      /interest saved against paying only the minimums: £39\.53$/,
    );
    expect(line('what_if.snowball.interest_saved')).toMatch(/£27\.12$/);
    expect(checkCitations(sheet, ['Paying £150.00 more saves £39.53 and 6 months.']).uncited).toEqual([]);
  });

  it('tells the model to cover the what-if when the facts have one', () => {
    const system = buildReportMessages({ type: 'debt', facts: sheet.facts })[0].content as string;
    expect(system).toMatch(/what-if/i);
  });

  it('has no what-if facts without extra money', () => {
    expect(facts(buildReportFigures('debt', ctx)).sheet.facts.some((x) => x.key.startsWith('what_if.'))).toBe(false);
  });
});
