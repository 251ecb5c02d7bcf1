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
        debtToIncomePct: 40,
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

  it('averages only months with income recorded, then falls back to this month, else stays silent', () => {
    const l = ledger({ incomeByMonth: [inc('2026-02', 1500), inc('2026-04', 900)] });
    expect(monthlyIncomeBasis(l, now)).toEqual({
      monthlyIncomeMinor: 150000,
      basis: 'average-recent-months',
      months: ['2026-02'],
    });
    expect(monthlyIncomeBasis(ledger({ incomeByMonth: [inc('2026-04', 900)] }), now)).toEqual({
      monthlyIncomeMinor: 90000,
      basis: 'this-month',
      months: ['2026-04'],
    });
    expect(only('debt_to_income_high', {}, {}, debt(500))).toEqual([]); // no income at all: a data gap, not a ratio
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
        incomeMinor: 100000,
        spendingMinor: 100001,
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
      figures: { month: '2026-03', incomeMinor: 100000, netCashFlowMinor: 9999, savingsRatePct: 10 },
      threshold: { name: 'savingsRateFloorPct', value: 10 },
    });
    expect(only('low_savings_rate', march(950))[0].severity).toBe('low'); // 5%, half the floor
    expect(only('low_savings_rate', march(950.01))[0].severity).toBe('medium');
    expect(only('low_savings_rate', march(1000.01))[0].severity).toBe('high'); // negative
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
