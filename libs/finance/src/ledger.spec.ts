import { CATEGORY_NEEDS, CATEGORY_UNCATEGORISED, CATEGORY_WANTS } from './categories';
import { d, inputs, ledger, PARTNER, USER } from './fixtures.testing';
import { buildLedger, windowCovers } from './ledger';

describe('buildLedger', () => {
  it('converts totals to minor units once, merging rows of the same month', () => {
    const l = ledger({
      incomeByMonth: [
        { month: '2026-04', total: 0.1, count: 1 },
        { month: '2026-04', total: 0.2, count: 1 },
      ],
    });
    expect(l.income.get('2026-04')).toEqual({ amountMinor: 30, count: 2 });
  });

  it('resolves categories: budget first, then the name classifier, Uncategorised for unknown budgets', () => {
    const l = ledger({
      budgets: [
        {
          id: 'b',
          userId: USER,
          name: 'Fun',
          amount: 10,
          type: 'personal',
          frequency: 'monthly',
          category: CATEGORY_WANTS,
          createdAt: d('2026-01-01T00:00:00Z'),
        },
      ],
      expensesByMonth: [
        { month: '2026-04', budgetId: 'b', name: null, total: 1, count: 1 },
        { month: '2026-04', budgetId: null, name: 'TESCO STORES 22', total: 2, count: 1 },
        { month: '2026-04', budgetId: 'deleted', name: null, total: 3, count: 1 },
      ],
    });
    expect(l.expenses.map((e) => [e.category, e.categorySource, e.nameKey])).toEqual([
      [CATEGORY_WANTS, 'budget', ''],
      [CATEGORY_NEEDS, 'classifier', 'tesco stores'],
      [CATEGORY_UNCATEGORISED, 'unknown-budget', ''],
    ]);
    expect(l.unknownBudgetIds).toEqual(['deleted']);
  });

  it('keeps the partner household budgets only, and marks ownership', () => {
    const l = ledger({
      budgets: [
        {
          id: 'mine',
          userId: USER,
          name: 'A',
          amount: 1,
          type: 'personal',
          frequency: 'monthly',
          category: null,
          createdAt: d('2026-01-01T00:00:00Z'),
        },
        {
          id: 'ours',
          userId: PARTNER,
          name: 'B',
          amount: 1,
          type: 'Household',
          frequency: 'monthly',
          category: null,
          createdAt: d('2026-01-01T00:00:00Z'),
        },
        {
          id: 'theirs',
          userId: PARTNER,
          name: 'C',
          amount: 1,
          type: 'personal',
          frequency: 'monthly',
          category: null,
          createdAt: d('2026-01-01T00:00:00Z'),
        },
      ],
      partnerBudgetSpendByMonth: [
        { month: '2026-04', budgetId: 'ours', total: 5, count: 1 },
        { month: '2026-04', budgetId: 'theirs', total: 7, count: 1 },
      ],
    });
    expect(l.budgets.map((b) => [b.id, b.ownership, b.category])).toEqual([
      ['mine', 'own', CATEGORY_UNCATEGORISED],
      ['ours', 'partner', CATEGORY_UNCATEGORISED],
    ]);
    expect(l.ignoredPartnerBudgetIds).toEqual(['theirs']);
    expect([...(l.partnerSpend ?? new Map()).entries()]).toEqual([['2026-04|ours', 500]]);
  });

  it('ignores rows outside the window or with bad month keys, and tolerates missing dates', () => {
    const l = ledger({
      incomeByMonth: [
        { month: '2024-01', total: 1, count: 1 },
        { month: 'April', total: 1, count: 1 },
      ],
      budgets: [
        {
          id: 'nodate',
          userId: USER,
          name: 'X',
          amount: 1,
          type: 'personal',
          frequency: 'monthly',
          category: null,
          createdAt: new Date('bad'),
        },
      ],
      largestExpensesByMonth: [
        { month: '2026-04', items: [{ id: 'x', name: 'x', amount: 1, date: new Date('bad'), budgetId: null }] },
      ],
    });
    expect(l.income.size).toBe(0);
    expect(l.ignoredMonths).toEqual(['2024-01', 'April']);
    expect(l.budgetsWithoutCreatedAt).toEqual(['nodate']);
    expect(l.droppedExpenseItems).toBe(1);
    expect(windowCovers(l, ['2025-10', '2026-04'])).toBe(true);
    expect(windowCovers(l, ['2025-09'])).toBe(false);
  });

  it('rejects an invalid window', () => {
    expect(() =>
      buildLedger(inputs({ window: { from: '2026-04', to: '2026-01' } }), { timeZone: 'UTC', minorDigits: 2 }),
    ).toThrow(RangeError);
  });
});

describe('buildLedger: issue 12', () => {
  it('keeps rows dated after now apart and reads a saving goal’s name as a contribution to it', () => {
    const l = ledger({
      incomeByMonth: [
        { month: '2026-04', total: 100, count: 1 },
        { month: '2026-04', total: 2500, count: 1, upcoming: true },
      ],
      savingGoals: [
        { id: 'g', name: 'House  Deposit!', totalAmount: 9000, monthlyTarget: 300, savedMoney: 0, isCompleted: false },
      ],
      expensesByMonth: [
        { month: '2026-04', budgetId: null, name: 'house deposit', total: 300, count: 1 },
        { month: '2026-04', budgetId: null, name: 'house deposit', total: 300, count: 1, upcoming: true },
      ],
    });
    expect(l.income.get('2026-04')).toEqual({ amountMinor: 10000, count: 1 });
    expect(l.upcomingIncome.get('2026-04')).toEqual({ amountMinor: 250000, count: 1 });
    expect(l.expenses.map((r) => [r.category, r.bucket, r.categorySource])).toEqual([
      ['Savings', 'savings', 'saving-goal'],
    ]);
    expect(l.upcomingExpenses).toHaveLength(1);
  });
});
