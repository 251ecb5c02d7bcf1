import { CATEGORY_NEEDS } from './categories';
import { prepareDebts } from './debts';
import { d, ledger, USER } from './fixtures.testing';
import type { DebtInput, ExpenseMonthGroup, FinanceInputs, MonthTotal } from './inputs';
import {
  DEFAULT_RED_FLAG_THRESHOLDS,
  evaluateRedFlags,
  monthlyIncomeBasis,
  type RedFlagCode,
  type RedFlagThresholds,
} from './red-flags';

const now = d('2026-04-15T10:00:00Z');
const inc = (month: string, total: number): MonthTotal => ({ month, total, count: 1 });
const exp = (month: string, total: number, name = 'stuff'): ExpenseMonthGroup => ({
  month,
  budgetId: null,
  name,
  total,
  count: 1,
});

function flags(data: Partial<FinanceInputs>, thresholds: Partial<RedFlagThresholds> = {}, debts: DebtInput[] = []) {
  return evaluateRedFlags(ledger(data), { now, debts: prepareDebts(debts), thresholds });
}
const only = (
  code: RedFlagCode,
  data: Partial<FinanceInputs>,
  thresholds: Partial<RedFlagThresholds> = {},
  debts: DebtInput[] = [],
) => flags(data, thresholds, debts).filter((f) => f.code === code);

describe('red flag thresholds', () => {
  it('exports named defaults', () => {
    expect(DEFAULT_RED_FLAG_THRESHOLDS).toMatchObject({
      debtToIncomeMaxPct: 40,
      consecutiveOverspendMonths: 3,
      savingsRateFloorPct: 10,
    });
  });
});

describe('debt_to_income_high', () => {
  // Income basis: Jan-Mar £2,000 a month -> 200000. This month's income is not used while history exists.
  const data = {
    incomeByMonth: [inc('2026-01', 2000), inc('2026-02', 2000), inc('2026-03', 2000), inc('2026-04', 50)],
  };
  const debt = (monthlyPayment: number): DebtInput[] => [{ id: 'd', name: 'Loan', amount: 5000, monthlyPayment }];

  it('does not fire at exactly 40%', () => {
    expect(only('debt_to_income_high', data, {}, debt(800))).toEqual([]); // 80000 / 200000 = 40%
  });

  it('fires just above 40%, with severity by percentage points over', () => {
    const [f] = only('debt_to_income_high', data, {}, debt(800.01)); // 40.0005%
    expect(f).toEqual({
      code: 'debt_to_income_high',
      severity: 'medium',
      category: 'debt',
      subject: null,
      figures: {
        monthlyDebtPaymentsMinor: 80001,
        monthlyIncomeMinor: 200000,
        incomeBasis: 'average-recent-months',
        monthsWithoutIncome: 0,
        debtToIncomePct: 40,
        noIncome: false,
      },
      threshold: { name: 'debtToIncomeMaxPct', value: 40 },
    });
    expect(only('debt_to_income_high', data, {}, debt(1000))[0].severity).toBe('medium'); // exactly 50%
    expect(only('debt_to_income_high', data, {}, debt(1000.01))[0].severity).toBe('high');
    expect(only('debt_to_income_high', data, {}, debt(1200.01))[0].severity).toBe('critical');
  });

  it('uses a configurable threshold and ignores paid debts', () => {
    expect(only('debt_to_income_high', data, { debtToIncomeMaxPct: 30 }, debt(700))).toHaveLength(1); // 35% > 30%
    expect(only('debt_to_income_high', data, {}, [{ id: 'p', name: 'Paid', amount: 0, monthlyPayment: 5000 }])).toEqual(
      [],
    );
  });

  it('falls back to this month only when no complete month has income', () => {
    expect(monthlyIncomeBasis(ledger({ incomeByMonth: [inc('2026-04', 900)] }), now)).toEqual({
      monthlyIncomeMinor: 90000,
      basis: 'this-month',
      months: ['2026-04'],
      monthsWithoutIncome: ['2026-01', '2026-02', '2026-03'],
    });
  });
});

describe('issue 12, item 8: debt-to-income on recorded take-home income, months without income count as zero', () => {
  const debt = (monthlyPayment: number): DebtInput[] => [{ id: 'd', name: 'Loan', amount: 5000, monthlyPayment }];

  it('counts a month with no income as zero and states it', () => {
    // Jan £2,000, Feb nothing, Mar £2,000: (200000 + 0 + 200000) / 3 = 133333.33 -> 133333 a month.
    // Payments £900: 90000 / 133333 = 67.5%, above 40 + 20 pp: critical. Before: Feb was skipped, income £2,000,
    // 45% and medium.
    const data = { incomeByMonth: [inc('2026-01', 2000), inc('2026-03', 2000)] };
    expect(monthlyIncomeBasis(ledger(data), now)).toEqual({
      monthlyIncomeMinor: 133333,
      basis: 'average-recent-months',
      months: ['2026-01', '2026-02', '2026-03'],
      monthsWithoutIncome: ['2026-02'],
    });
    const [f] = only('debt_to_income_high', data, {}, debt(900));
    expect(f).toMatchObject({
      severity: 'critical',
      figures: {
        monthlyDebtPaymentsMinor: 90000,
        monthlyIncomeMinor: 133333,
        monthsWithoutIncome: 1,
        debtToIncomePct: 67.5,
        noIncome: false,
      },
    });
  });

  it('only counts months that were fetched', () => {
    // The window starts in March: January and February are not known, so not zero. Basis: March alone.
    const l = ledger({ window: { from: '2026-03', to: '2026-04' }, incomeByMonth: [inc('2026-03', 1500)] });
    expect(monthlyIncomeBasis(l, now)).toEqual({
      monthlyIncomeMinor: 150000,
      basis: 'average-recent-months',
      months: ['2026-03'],
      monthsWithoutIncome: [],
    });
  });

  it('debts with no income at all is the most severe flag', () => {
    // £500 a month of payments and no income recorded anywhere. Before: no flag at all.
    const all = flags({}, {}, debt(500));
    expect(all[0]).toEqual({
      code: 'debt_to_income_high',
      severity: 'critical',
      category: 'debt',
      subject: null,
      figures: {
        monthlyDebtPaymentsMinor: 50000,
        monthlyIncomeMinor: 0,
        incomeBasis: 'none',
        monthsWithoutIncome: 4, // Jan, Feb, Mar and this month so far
        debtToIncomePct: null,
        noIncome: true,
      },
      threshold: { name: 'debtToIncomeMaxPct', value: 40 },
    });
    expect(only('debt_to_income_high', {}, {}, [])).toEqual([]); // no payments due: nothing to flag
  });
});

describe('negative_cash_flow (this month)', () => {
  const month = (spending: number, income = 1000) => ({
    incomeByMonth: income ? [inc('2026-04', income)] : [],
    expensesByMonth: [exp('2026-04', spending)],
  });

  it('does not fire at zero net cash flow', () => {
    expect(only('negative_cash_flow', month(1000))).toEqual([]);
  });

  it('fires below zero with severity by the deficit as a share of income', () => {
    const [f] = only('negative_cash_flow', month(1000.01));
    expect(f).toMatchObject({
      severity: 'medium',
      category: 'cash-flow',
      figures: {
        month: '2026-04',
        incomeSoFarMinor: 100000,
        upcomingIncomeMinor: 0,
        // No complete month has income, so the income expected is what is recorded.
        expectedIncomeMinor: 100000,
        incomeExpectation: 'recorded',
        spendingSoFarMinor: 100001,
        upcomingSpendingMinor: 0,
        netCashFlowMinor: -1,
        deficitPctOfIncome: 0,
        partialMonth: true,
      },
      threshold: { name: 'cashFlowFloorMinor', value: 0 },
    });
    expect(only('negative_cash_flow', month(1100))[0].severity).toBe('medium'); // deficit exactly 10%
    expect(only('negative_cash_flow', month(1100.01))[0].severity).toBe('high');
    expect(only('negative_cash_flow', month(1250))[0].severity).toBe('high'); // exactly 25%
    expect(only('negative_cash_flow', month(1250.01))[0].severity).toBe('critical');
    expect(only('negative_cash_flow', month(5, 0))[0].severity).toBe('high'); // no income recorded
  });
});

describe('negative_cash_flow before payday (issue 12, case 3)', () => {
  // Salary 2,500 on the 28th and rent 1,500 on the 1st in each of the last three months; today is 5 April.
  const fifth = d('2026-04-05T10:00:00Z');
  const history = {
    incomeByMonth: [inc('2026-01', 2500), inc('2026-02', 2500), inc('2026-03', 2500)],
    expensesByMonth: ['2026-01', '2026-02', '2026-03', '2026-04'].map((m) => exp(m, 1500, 'rent')),
  };
  const flagsOn5th = (data: Partial<FinanceInputs>) =>
    evaluateRedFlags(ledger(data), { now: fifth, debts: [] }).filter((f) => f.code === 'negative_cash_flow');

  it("does not fire when April's salary is not recorded yet: the usual income is expected", () => {
    // Before: April so far = 0 - 1500 = -1500, flagged high. Now: expected income = max(recorded 0, usual
    // (2500 + 2500 + 2500) / 3 = 2500) = 2500; 2500 - 1500 = +1000: no flag.
    expect(flagsOn5th(history)).toEqual([]);
  });

  it("does not fire when April's salary copy is already recorded for the 28th (upcoming)", () => {
    // The main backend made April's copy on 28 March, dated 28 April: upcoming, not "so far". Expected income =
    // max(0 so far + 2500 upcoming, 2500 usual) = 2500; 2500 - 1500 = +1000.
    const data = { ...history, incomeByMonth: [...history.incomeByMonth, { ...inc('2026-04', 2500), upcoming: true }] };
    expect(flagsOn5th(data)).toEqual([]);
  });

  it('fires when the month is expected to end below zero, upcoming copies included', () => {
    // Spending 1500 so far + a 1200 copy dated later in April = 2700 against 2500 expected: -200,
    // 200 / 2500 = 8% of income: medium.
    const data = {
      ...history,
      expensesByMonth: [...history.expensesByMonth, { ...exp('2026-04', 1200, 'car'), upcoming: true }],
    };
    const [f] = flagsOn5th(data);
    expect(f).toMatchObject({
      severity: 'medium',
      figures: {
        incomeSoFarMinor: 0,
        expectedIncomeMinor: 250000,
        incomeExpectation: 'usual-monthly',
        spendingSoFarMinor: 150000,
        upcomingSpendingMinor: 120000,
        netCashFlowMinor: -20000,
        deficitPctOfIncome: 8,
      },
    });
  });
});

describe('consecutive_overspending', () => {
  it('fires at N complete months in a row ending last month', () => {
    const data = {
      incomeByMonth: [inc('2026-01', 1000), inc('2026-02', 1000), inc('2026-03', 1000)],
      expensesByMonth: [exp('2026-01', 1000.01), exp('2026-02', 1200), exp('2026-03', 1001), exp('2026-04', 5000)],
    };
    const [f] = only('consecutive_overspending', data);
    // shortfall 1 + 20000 + 100 = 20101
    expect(f).toMatchObject({
      severity: 'high',
      figures: {
        consecutiveMonths: 3,
        fromMonth: '2026-01',
        toMonth: '2026-03',
        totalShortfallMinor: 20101,
        reachesWindowStart: false,
      },
      threshold: { name: 'consecutiveOverspendMonths', value: 3 },
    });
  });

  it('does not fire at N-1 months or when one month breaks even', () => {
    const two = {
      incomeByMonth: [inc('2026-02', 1000), inc('2026-03', 1000)],
      expensesByMonth: [exp('2026-02', 1200), exp('2026-03', 1200)],
    };
    expect(only('consecutive_overspending', two)).toEqual([]);
    const even = {
      incomeByMonth: [inc('2026-01', 1000), inc('2026-02', 1000), inc('2026-03', 1000)],
      expensesByMonth: [exp('2026-01', 1000), exp('2026-02', 1200), exp('2026-03', 1200)],
    };
    expect(only('consecutive_overspending', even)).toEqual([]);
    expect(only('consecutive_overspending', two, { consecutiveOverspendMonths: 2 })).toHaveLength(1);
  });

  it('is critical at 2N months and says when the streak reaches the window start', () => {
    const months = ['2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03'];
    const [f] = only('consecutive_overspending', { expensesByMonth: months.map((m) => exp(m, 10)) });
    expect(f).toMatchObject({
      severity: 'critical',
      figures: { consecutiveMonths: 6, fromMonth: '2025-10', reachesWindowStart: true },
    });
  });
});

describe('budget_overrun (this month)', () => {
  const withSpend = (spent: number) => ({
    budgets: [
      {
        id: 'b',
        userId: USER,
        name: 'Food',
        amount: 100,
        type: 'personal',
        frequency: 'monthly',
        category: CATEGORY_NEEDS,
        createdAt: d('2026-01-01T00:00:00Z'),
      },
    ],
    expensesByMonth: [{ month: '2026-04', budgetId: 'b', name: null, total: spent, count: 1 }],
    incomeByMonth: [inc('2026-04', 5000)],
  });

  it('does not fire at exactly the budget', () => {
    expect(only('budget_overrun', withSpend(100))).toEqual([]);
  });

  it('fires above it, severity by how far over', () => {
    const [f] = only('budget_overrun', withSpend(100.01));
    expect(f).toMatchObject({
      severity: 'low',
      category: 'budget',
      subject: { type: 'budget', id: 'b', name: 'Food' },
      figures: { budgetedMinor: 10000, actualMinor: 10001, overrunMinor: 1, percentUsedPct: 100, ownership: 'own' },
      threshold: { name: 'budgetOverrunTolerancePct', value: 0 },
    });
    expect(only('budget_overrun', withSpend(110))[0].severity).toBe('low'); // 10% over
    expect(only('budget_overrun', withSpend(110.01))[0].severity).toBe('medium');
    expect(only('budget_overrun', withSpend(125.01))[0].severity).toBe('high');
  });

  it('honours a tolerance', () => {
    expect(only('budget_overrun', withSpend(105), { budgetOverrunTolerancePct: 5 })).toEqual([]);
    expect(only('budget_overrun', withSpend(105.01), { budgetOverrunTolerancePct: 5 })).toHaveLength(1);
  });

  it('never calls saving more than planned an overrun', () => {
    const data = withSpend(150);
    data.budgets[0].category = 'Savings';
    expect(only('budget_overrun', data)).toEqual([]);
  });
});

describe('low_savings_rate', () => {
  // Judged on last month (March) by default: income £1,000.
  const march = (spending: number) => ({
    incomeByMonth: [inc('2026-03', 1000), inc('2026-04', 1000)],
    expensesByMonth: [exp('2026-03', spending)],
  });

  it('does not fire at exactly the 10% floor', () => {
    expect(only('low_savings_rate', march(900))).toEqual([]); // (1000 - 900) / 1000 = 10%
  });

  it('fires below it; severity low / medium / high', () => {
    const [f] = only('low_savings_rate', march(900.01)); // 9.999%
    expect(f).toMatchObject({
      severity: 'low',
      category: 'savings',
      figures: {
        month: '2026-03',
        incomeMinor: 100000,
        spendingMinor: 90001,
        movedToSavingsMinor: 0,
        netCashFlowMinor: 9999,
        savingsRatePct: 10,
      },
      threshold: { name: 'savingsRateFloorPct', value: 10 },
    });
    expect(only('low_savings_rate', march(950))[0].severity).toBe('low'); // 5%, half the floor
    expect(only('low_savings_rate', march(950.01))[0].severity).toBe('medium');
    expect(only('low_savings_rate', march(1000.01))[0].severity).toBe('high'); // negative
  });

  it('counts money moved to savings as saved, not spent (issue 12, case 1)', () => {
    // Income 3,000; 600 to a Savings budget; 2,200 on wants. Saved = 3000 - 2200 = 800 -> 800 / 3000 = 26.67%
    // -> 26.7%, above the 10% floor: no flag. Before: (3000 - 2800) / 3000 = 6.7%, flagged low.
    const data: Partial<FinanceInputs> = {
      incomeByMonth: [inc('2026-03', 3000)],
      budgets: [
        {
          id: 'sav',
          userId: USER,
          name: 'Savings pot',
          amount: 600,
          type: 'personal',
          frequency: 'monthly',
          category: 'Savings',
          createdAt: d('2025-01-01T00:00:00Z'),
        },
      ],
      expensesByMonth: [
        { month: '2026-03', budgetId: 'sav', name: null, total: 600, count: 1 },
        exp('2026-03', 2200, 'restaurants'),
      ],
    };
    expect(only('low_savings_rate', data)).toEqual([]);
    // By name too: "ISA transfer" and a goal's own name are savings. 3000 - 2200 = 800 saved again.
    const byName: Partial<FinanceInputs> = {
      incomeByMonth: [inc('2026-03', 3000)],
      savingGoals: [
        { id: 'g', name: 'House deposit', totalAmount: 10000, monthlyTarget: 300, savedMoney: 0, isCompleted: false },
      ],
      expensesByMonth: [
        exp('2026-03', 300, 'ISA transfer'),
        exp('2026-03', 300, 'House Deposit'),
        exp('2026-03', 2200, 'restaurants'),
      ],
    };
    expect(only('low_savings_rate', byName)).toEqual([]);
    // Spending 2,750 and 100 moved: saved 250 = 8.3% < 10%: fires, and says what was moved.
    const low: Partial<FinanceInputs> = {
      ...data,
      expensesByMonth: [
        { month: '2026-03', budgetId: 'sav', name: null, total: 100, count: 1 },
        exp('2026-03', 2750, 'restaurants'),
      ],
    };
    expect(only('low_savings_rate', low)[0]).toMatchObject({
      severity: 'low', // 8.3% is at least half the floor
      figures: {
        incomeMinor: 300000,
        spendingMinor: 275000,
        movedToSavingsMinor: 10000,
        netCashFlowMinor: 15000,
        savingsRatePct: 8.3,
      },
    });
  });

  it('can judge this month instead, and needs income to judge at all', () => {
    const data = { incomeByMonth: [inc('2026-04', 1000)], expensesByMonth: [exp('2026-04', 950)] };
    expect(only('low_savings_rate', data)).toEqual([]); // March has no income
    expect(only('low_savings_rate', data, { savingsRatePeriod: 'this-month' })[0].figures.month).toBe('2026-04');
  });
});

describe('debt_payment_overdue', () => {
  const debt = (payDueDate: Date, amount = 500): DebtInput[] => [
    { id: 'd1', name: 'Card', amount, monthlyPayment: 25, payDueDate },
  ];

  it('does not fire when the due date is now', () => {
    expect(only('debt_payment_overdue', {}, {}, debt(now))).toEqual([]);
  });

  it('fires once the due date has passed, severity by days late', () => {
    const [f] = only('debt_payment_overdue', {}, {}, debt(new Date(now.getTime() - 1)));
    expect(f).toMatchObject({
      severity: 'medium',
      subject: { type: 'debt', id: 'd1', name: 'Card' },
      figures: { daysOverdue: 0, balanceMinor: 50000, monthlyPaymentMinor: 2500 },
      threshold: { name: 'overdueGraceDays', value: 0 },
    });
    expect(only('debt_payment_overdue', {}, {}, debt(d('2026-04-07T10:00:00Z')))[0].severity).toBe('high'); // 8 days
    expect(only('debt_payment_overdue', {}, {}, debt(d('2026-03-15T09:00:00Z')))[0].severity).toBe('critical'); // 31 days
  });

  it('ignores paid debts and honours a grace period', () => {
    expect(only('debt_payment_overdue', {}, {}, debt(d('2026-01-01T00:00:00Z'), 0))).toEqual([]);
    expect(only('debt_payment_overdue', {}, { overdueGraceDays: 3 }, debt(d('2026-04-12T10:00:00Z')))).toEqual([]);
    expect(only('debt_payment_overdue', {}, { overdueGraceDays: 3 }, debt(d('2026-04-12T09:59:59Z')))).toHaveLength(1);
  });
});

describe('evaluateRedFlags ordering', () => {
  it('sorts by severity, then code', () => {
    const all = flags(
      {
        incomeByMonth: [inc('2026-03', 1000), inc('2026-04', 1000)],
        expensesByMonth: [exp('2026-03', 990), exp('2026-04', 2000)],
      },
      {},
      [{ id: 'd1', name: 'Card', amount: 500, monthlyPayment: 25, payDueDate: d('2026-01-01T00:00:00Z') }],
    );
    expect(all.map((f) => [f.severity, f.code])).toEqual([
      ['critical', 'debt_payment_overdue'],
      ['critical', 'negative_cash_flow'],
      ['medium', 'low_savings_rate'],
    ]);
  });
});
