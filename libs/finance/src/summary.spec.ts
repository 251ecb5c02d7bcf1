import { CATEGORY_NEEDS, CATEGORY_UNCATEGORISED, CATEGORY_WANTS } from './categories';
import { d, ledger, PARTNER, USER } from './fixtures.testing';
import type { FinanceInputs } from './inputs';
import { summarisePeriod } from './summary';

const now = d('2026-04-15T10:00:00Z');

// One salary of £2,500.10 a month, materialised by the main backend as one document per month.
const salary = (month: string) => ({ month, total: 2500.1, count: 1 });

const data: Partial<FinanceInputs> = {
  incomeByMonth: [salary('2026-01'), salary('2026-02'), salary('2026-03'), salary('2026-04')],
  budgets: [
    {
      id: 'b-groc',
      userId: USER,
      name: 'Groceries',
      amount: 300,
      type: 'personal',
      frequency: 'monthly',
      category: CATEGORY_NEEDS,
      createdAt: d('2025-06-01T00:00:00Z'),
    },
    {
      id: 'b-house',
      userId: PARTNER,
      name: 'Home',
      amount: 100,
      type: 'household',
      frequency: 'monthly',
      category: CATEGORY_NEEDS,
      createdAt: d('2025-06-01T00:00:00Z'),
    },
  ],
  expensesByMonth: [
    { month: '2026-01', budgetId: null, name: 'rent', total: 800, count: 1 },
    { month: '2026-02', budgetId: null, name: 'rent', total: 800, count: 1 },
    { month: '2026-02', budgetId: null, name: 'takeaway', total: 25.5, count: 1 },
    { month: '2026-03', budgetId: null, name: 'rent', total: 800, count: 1 },
    { month: '2026-03', budgetId: 'b-groc', name: null, total: 100, count: 2 },
    { month: '2026-04', budgetId: 'b-groc', name: null, total: 120.2, count: 3 },
    { month: '2026-04', budgetId: 'b-house', name: null, total: 15, count: 1 },
    { month: '2026-04', budgetId: null, name: 'netflix', total: 10.99, count: 1 },
    // Two odd amounts whose float sum is 0.30000000000000004.
    { month: '2026-04', budgetId: null, name: 'misc thing', total: 0.1 + 0.2, count: 2 },
  ],
  largestExpensesByMonth: [
    {
      month: '2026-04',
      items: [
        { id: 'e1', name: 'Big shop', amount: 60, date: d('2026-04-03T10:00:00Z'), budgetId: 'b-groc' },
        { id: 'e3', name: 'Top-up shop', amount: 40.2, date: d('2026-04-09T10:00:00Z'), budgetId: 'b-groc' },
        { id: 'e4', name: 'Corner shop', amount: 20, date: d('2026-04-10T10:00:00Z'), budgetId: 'b-groc' },
        { id: 'e7', name: 'Cleaning', amount: 15, date: d('2026-04-11T10:00:00Z'), budgetId: 'b-house' },
        { id: 'e2', name: 'Netflix', amount: 10.99, date: d('2026-04-02T10:00:00Z'), budgetId: null },
      ],
    },
    {
      month: '2026-03',
      items: [
        { id: 'e5', name: 'Rent', amount: 800, date: d('2026-03-01T09:00:00Z'), budgetId: null },
        { id: 'e6', name: 'Groceries', amount: 60, date: d('2026-03-05T09:00:00Z'), budgetId: 'b-groc' },
      ],
    },
  ],
};

describe('summarisePeriod', () => {
  const l = ledger(data);

  it('summarises this month with exact minor-unit figures', () => {
    const s = summarisePeriod(l, { kind: 'this-month' }, { now });
    // income 250010; spending 12020 + 1500 + 1099 + 30 = 14649; net 250010 - 14649 = 235361
    expect(s.incomeMinor).toBe(250010);
    expect(s.spendingMinor).toBe(14649);
    expect(s.netCashFlowMinor).toBe(235361);
    // 235361 / 250010 = 94.1406...% -> 94.1
    expect(s.savingsRatePct).toBe(94.1);
    expect(s.incomeCount).toBe(1);
    expect(s.expenseCount).toBe(7);
    expect(s.period).toMatchObject({ label: '2026-04', partial: true, covered: true });
    expect(s.monthly).toBeNull();
    expect(s.averagePerMonth).toBeNull();
  });

  it('splits spending by category (budget category, else keyword classifier, else Uncategorised)', () => {
    const s = summarisePeriod(l, { kind: 'this-month' }, { now });
    // needs 12020 + 1500 = 13520; 13520 / 14649 = 92.293% -> 92.3
    expect(s.spendingByCategory).toEqual([
      {
        category: CATEGORY_NEEDS,
        bucket: 'needs',
        amountMinor: 13520,
        sharePct: 92.3,
        fromBudgetsMinor: 13520,
        classifiedMinor: 0,
      },
      // 1099 / 14649 = 7.502% -> 7.5
      {
        category: CATEGORY_WANTS,
        bucket: 'wants',
        amountMinor: 1099,
        sharePct: 7.5,
        fromBudgetsMinor: 0,
        classifiedMinor: 1099,
      },
      // 30 / 14649 = 0.2048% -> 0.2
      {
        category: CATEGORY_UNCATEGORISED,
        bucket: 'wants',
        amountMinor: 30,
        sharePct: 0.2,
        fromBudgetsMinor: 0,
        classifiedMinor: 30,
      },
    ]);
    expect(s.spendingByBudget).toEqual([
      { budgetId: 'b-groc', name: 'Groceries', category: CATEGORY_NEEDS, ownership: 'own', amountMinor: 12020 },
      { budgetId: 'b-house', name: 'Home', category: CATEGORY_NEEDS, ownership: 'partner', amountMinor: 1500 },
    ]);
    expect(s.unbudgetedSpendingMinor).toBe(1129); // 1099 + 30
  });

  it('compares with the previous period of equal length', () => {
    const s = summarisePeriod(l, { kind: 'this-month' }, { now });
    // March spending 80000 + 10000 = 90000; change 14649 - 90000 = -75351; -75351 / 90000 = -83.723% -> -83.7
    expect(s.comparison.previous.label).toBe('2026-03');
    expect(s.comparison.spending).toEqual({
      currentMinor: 14649,
      previousMinor: 90000,
      changeMinor: -75351,
      changePct: -83.7,
    });
    expect(s.comparison.income).toEqual({ currentMinor: 250010, previousMinor: 250010, changeMinor: 0, changePct: 0 });
    // net: 235361 vs 250010 - 90000 = 160010; change 75351; 75351 / 160010 = 47.09% -> 47.1
    expect(s.comparison.netCashFlow).toEqual({
      currentMinor: 235361,
      previousMinor: 160010,
      changeMinor: 75351,
      changePct: 47.1,
    });
  });

  it('counts materialised monthly salary copies once per month, never three times a month', () => {
    const s = summarisePeriod(l, { kind: 'last-n-months', n: 3 }, { now });
    // Jan, Feb, Mar: one £2,500.10 copy each -> 750030 in total, 250010 a month.
    expect(s.period.months).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(s.incomeMinor).toBe(750030);
    expect(s.averagePerMonth?.incomeMinor).toBe(250010);
    expect(s.monthly?.map((m) => m.incomeMinor)).toEqual([250010, 250010, 250010]);
    // Spending: Jan 80000; Feb 80000 + 2550 = 82550; Mar 90000; total 252550; 252550 / 3 = 84183.33 -> 84183
    expect(s.monthly?.map((m) => m.spendingMinor)).toEqual([80000, 82550, 90000]);
    expect(s.spendingMinor).toBe(252550);
    expect(s.averagePerMonth?.spendingMinor).toBe(84183);
    // net 750030 - 252550 = 497480; / 3 = 165826.67 -> 165827
    expect(s.netCashFlowMinor).toBe(497480);
    expect(s.averagePerMonth?.netCashFlowMinor).toBe(165827);
    // previous 3 months (Oct-Dec 2025) have nothing: percentage change is null, not infinite.
    expect(s.comparison.previous.months).toEqual(['2025-10', '2025-11', '2025-12']);
    expect(s.comparison.spending.changePct).toBeNull();
    expect(s.comparison.income.changeMinor).toBe(750030);
  });

  it('lists the largest expenses of the period from the per-month top lists', () => {
    const s = summarisePeriod(l, { kind: 'this-month' }, { now, largestCount: 3 });
    expect(s.largestExpenses.map((e) => [e.id, e.amountMinor, e.category])).toEqual([
      ['e1', 6000, CATEGORY_NEEDS],
      ['e3', 4020, CATEGORY_NEEDS],
      ['e4', 2000, CATEGORY_NEEDS],
    ]);
    const two = summarisePeriod(l, { kind: 'months', from: '2026-03', to: '2026-04' }, { now, largestCount: 3 });
    // 80000 (March rent) first; e6 (March) and e1 (April) tie at 6000 and go by date.
    expect(two.largestExpenses.map((e) => e.id)).toEqual(['e5', 'e6', 'e1']);
    expect(two.largestExpenses[0]).toMatchObject({
      name: 'Rent',
      category: CATEGORY_NEEDS,
      date: '2026-03-01T09:00:00.000Z',
    });
  });

  it('marks periods outside the fetched window as not covered', () => {
    const s = summarisePeriod(l, { kind: 'months', from: '2025-01', to: '2025-02' }, { now });
    expect(s.period.covered).toBe(false);
    expect(s.incomeMinor).toBe(0);
  });

  it('has a null savings rate without income', () => {
    const s = summarisePeriod(
      ledger({ expensesByMonth: [{ month: '2026-04', budgetId: null, name: 'x', total: 5, count: 1 }] }),
      { kind: 'this-month' },
      { now },
    );
    expect(s.savingsRatePct).toBeNull();
    expect(s.netCashFlowMinor).toBe(-500);
  });
});

describe('issue 12: "so far" vs upcoming rows, and money moved to savings', () => {
  it('counts rows dated up to now; copies dated later this month are upcoming, shown apart (case 13a)', () => {
    // Today 5 April. The main backend copies a period ahead: April's salary (2,500) was made on 28 March, dated
    // 28 April; this week's gym (10, paid 3 April) already has next week's copy dated 10 April.
    const fifth = d('2026-04-05T10:00:00Z');
    const l = ledger({
      incomeByMonth: [
        { month: '2026-03', total: 2500, count: 1 },
        { month: '2026-04', total: 2500, count: 1, upcoming: true },
      ],
      expensesByMonth: [
        { month: '2026-04', budgetId: null, name: 'rent', total: 1500, count: 1 },
        { month: '2026-04', budgetId: null, name: 'gym', total: 10, count: 1 },
        { month: '2026-04', budgetId: null, name: 'gym', total: 10, count: 1, upcoming: true },
      ],
      largestExpensesByMonth: [
        {
          month: '2026-04',
          items: [
            { id: 'rent', name: 'Rent', amount: 1500, date: d('2026-04-01T09:00:00Z'), budgetId: null },
            { id: 'gym-10', name: 'Gym', amount: 10, date: d('2026-04-10T07:00:00Z'), budgetId: null },
            { id: 'gym-3', name: 'Gym', amount: 10, date: d('2026-04-03T07:00:00Z'), budgetId: null },
          ],
        },
      ],
    });
    const s = summarisePeriod(l, { kind: 'this-month' }, { now: fifth });
    // So far: income 0; spending 1500 + 10 = 1510; net -1510; no savings rate without income.
    // Before (every row dated in April counted): income 2500, spending 1520, net 980, savings rate 39.2%.
    expect([
      s.incomeMinor,
      s.incomeCount,
      s.spendingMinor,
      s.expenseCount,
      s.netCashFlowMinor,
      s.savingsRatePct,
    ]).toEqual([0, 0, 151000, 2, -151000, null]);
    // Upcoming: income 2500 (1 row), spending 10 (1 row); month end: income 2500, spending 1520, net +980.
    expect(s.upcoming).toEqual({
      incomeMinor: 250000,
      incomeCount: 1,
      spendingMinor: 1000,
      movedToSavingsMinor: 0,
      expenseCount: 1,
      projected: { incomeMinor: 250000, spendingMinor: 152000, movedToSavingsMinor: 0, netCashFlowMinor: 98000 },
    });
    // The copy dated 10 April is not among this month's expenses so far.
    expect(s.largestExpenses.map((e) => e.id)).toEqual(['rent', 'gym-3']);
    // Last month is complete: nothing of it is upcoming.
    expect(summarisePeriod(l, { kind: 'last-month' }, { now: fifth }).upcoming.incomeCount).toBe(0);
  });

  it('counts money moved to savings as saved, not spent (case 1)', () => {
    // Income 3,000; 600 to a Savings budget; 2,200 on wants: spending 2200, moved 600, net 3000 - 2200 - 600 = 200;
    // savings rate (3000 - 2200) / 3000 = 26.67% -> 26.7. Before: spending 2800, savings rate 6.7%.
    const l = ledger({
      incomeByMonth: [{ month: '2026-03', total: 3000, count: 1 }],
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
        { month: '2026-03', budgetId: null, name: 'restaurants', total: 2200, count: 9 },
      ],
      largestExpensesByMonth: [
        {
          month: '2026-03',
          items: [
            { id: 's', name: 'To savings', amount: 600, date: d('2026-03-02T09:00:00Z'), budgetId: 'sav' },
            { id: 'r', name: 'Restaurant', amount: 120, date: d('2026-03-09T20:00:00Z'), budgetId: null },
          ],
        },
      ],
    });
    const s = summarisePeriod(l, { kind: 'last-month' }, { now });
    expect([s.spendingMinor, s.movedToSavingsMinor, s.netCashFlowMinor, s.savingsRatePct]).toEqual([
      220000, 60000, 20000, 26.7,
    ]);
    // Categories are spending: the transfer is not one of them, nor one of the largest expenses.
    expect(s.spendingByCategory.map((c) => [c.category, c.amountMinor, c.sharePct])).toEqual([
      [CATEGORY_WANTS, 220000, 100],
    ]);
    expect(s.largestExpenses.map((e) => e.id)).toEqual(['r']);
    expect(s.expenseCount).toBe(10);
  });
});
