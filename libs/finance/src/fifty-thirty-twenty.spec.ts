import { CATEGORY_NEEDS, CATEGORY_SAVINGS } from './categories';
import { monthlyDebtPaymentsMinor, prepareDebts } from './debts';
import { fiftyThirtyTwenty } from './fifty-thirty-twenty';
import { d, ledger, USER } from './fixtures.testing';
import type { FinanceInputs } from './inputs';
import { monthlySavingTargetsMinor } from './saving-goals';
import { summarisePeriod } from './summary';

const now = d('2026-04-15T10:00:00Z');

const data: Partial<FinanceInputs> = {
  incomeByMonth: [
    { month: '2026-04', total: 3000, count: 1 },
    { month: '2026-03', total: 3000, count: 1 },
  ],
  budgets: [
    {
      id: 'rent',
      userId: USER,
      name: 'Rent',
      amount: 900,
      type: 'personal',
      frequency: 'monthly',
      category: CATEGORY_NEEDS,
      createdAt: d('2025-01-01T00:00:00Z'),
    },
    {
      id: 'sav',
      userId: USER,
      name: 'Pot',
      amount: 100,
      type: 'personal',
      frequency: 'monthly',
      category: CATEGORY_SAVINGS,
      createdAt: d('2025-01-01T00:00:00Z'),
    },
  ],
  expensesByMonth: [
    { month: '2026-04', budgetId: 'rent', name: null, total: 900, count: 1 },
    { month: '2026-04', budgetId: null, name: 'tesco', total: 200.1, count: 4 },
    { month: '2026-04', budgetId: null, name: 'netflix', total: 10.99, count: 1 },
    { month: '2026-04', budgetId: null, name: 'misc', total: 50, count: 1 },
    { month: '2026-04', budgetId: 'sav', name: null, total: 100, count: 1 },
  ],
  debts: [
    { id: 'd1', name: 'Card', amount: 2000, monthlyPayment: 250 },
    { id: 'd2', name: 'Old loan', amount: 0, monthlyPayment: 100 }, // paid off: no longer a commitment
  ],
  savingGoals: [
    { id: 'g1', name: 'Holiday', totalAmount: 1000, monthlyTarget: 150, savedMoney: 100, isCompleted: false },
    { id: 'g2', name: 'Done', totalAmount: 500, monthlyTarget: 75, savedMoney: 500, isCompleted: true },
  ],
};

describe('fiftyThirtyTwenty', () => {
  const l = ledger(data);
  const commitments = {
    debtPaymentsPerMonthMinor: monthlyDebtPaymentsMinor(prepareDebts(data.debts ?? [])),
    savingTargetsPerMonthMinor: monthlySavingTargetsMinor(data.savingGoals ?? []),
  };

  it('splits actual spending plus commitments against 50/30/20 of income', () => {
    expect(commitments).toEqual({ debtPaymentsPerMonthMinor: 25000, savingTargetsPerMonthMinor: 15000 });
    const f = fiftyThirtyTwenty(summarisePeriod(l, { kind: 'this-month' }, { now }), commitments);
    // needs = rent 90000 + tesco 20010 + debt payments 25000 = 135010; 135010 / 300000 = 45.003% -> 45.0;
    // target 50% of 300000 = 150000; difference -14990
    expect(f.needs).toEqual({
      amountMinor: 135010,
      spendingMinor: 110010,
      debtPaymentsMinor: 25000,
      sharePct: 45,
      targetPct: 50,
      targetMinor: 150000,
      differenceMinor: -14990,
    });
    // wants = netflix 1099 + uncategorised 5000 = 6099; 2.033% -> 2.0; target 90000
    expect(f.wants).toEqual({
      amountMinor: 6099,
      spendingMinor: 6099,
      uncategorisedMinor: 5000,
      sharePct: 2,
      targetPct: 30,
      targetMinor: 90000,
      differenceMinor: -83901,
    });
    // savings = savings-category spending 10000 + goal target 15000 = 25000; 8.333% -> 8.3; target 60000
    expect(f.savings).toEqual({
      amountMinor: 25000,
      spendingMinor: 10000,
      goalTargetsMinor: 15000,
      sharePct: 8.3,
      targetPct: 20,
      targetMinor: 60000,
      differenceMinor: -35000,
    });
    // 300000 - 135010 - 6099 - 25000 = 133891
    expect(f.unallocatedMinor).toBe(133891);
    expect(f.hasIncome).toBe(true);
  });

  it('multiplies monthly commitments by the months of the period', () => {
    const f = fiftyThirtyTwenty(
      summarisePeriod(l, { kind: 'months', from: '2026-03', to: '2026-04' }, { now }),
      commitments,
    );
    expect(f.needs.debtPaymentsMinor).toBe(50000);
    expect(f.savings.goalTargetsMinor).toBe(30000);
    expect(f.incomeMinor).toBe(600000);
  });

  it('has no shares without income', () => {
    const f = fiftyThirtyTwenty(
      summarisePeriod(ledger({ expensesByMonth: data.expensesByMonth }), { kind: 'this-month' }, { now }),
      commitments,
    );
    expect(f.hasIncome).toBe(false);
    expect(f.needs.sharePct).toBeNull();
    expect(f.needs.targetMinor).toBe(0);
  });
});
