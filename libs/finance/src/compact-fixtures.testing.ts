import { CATEGORY_NEEDS, CATEGORY_SAVINGS, CATEGORY_WANTS } from './categories';
import { d, inputs, USER } from './fixtures.testing';
import type { FinanceInputs } from './inputs';

/**
 * A user under strain, as of 2026-04-15 (shared by the compact snapshot and chat facts specs): spending above
 * income for three months, debt payments over half the income, a card whose payment does not cover its interest,
 * a budget near its limit and one over it, a savings budget over its plan, a goal without a date and a completed one.
 */
export function strainedInputs(overrides: Partial<FinanceInputs> = {}): FinanceInputs {
  const months = ['2026-01', '2026-02', '2026-03', '2026-04'];
  const budget = (id: string, name: string, amount: number, category: string) => ({
    id,
    userId: USER,
    name,
    amount,
    type: 'personal',
    frequency: 'monthly',
    category,
    createdAt: d('2025-06-01T00:00:00Z'),
  });
  return inputs({
    window: { from: '2025-10', to: '2026-04' },
    incomeByMonth: months.map((month) => ({ month, total: 1234.56, count: 1 })),
    expensesByMonth: months.flatMap((month) => [
      { month, budgetId: 'b-rent', name: null, total: 1100, count: 1 },
      { month, budgetId: 'b-food', name: null, total: 255.25, count: 9 },
      { month, budgetId: 'b-fun', name: null, total: 140, count: 4 },
      { month, budgetId: 'b-save', name: null, total: 60, count: 1 },
      { month, budgetId: null, name: 'spotify', total: 11.99, count: 1 },
    ]),
    largestExpensesByMonth: [],
    budgets: [
      budget('b-rent', 'Rent 2B', 1150, CATEGORY_NEEDS),
      budget('b-food', 'Food & drink', 300, CATEGORY_NEEDS),
      budget('b-fun', 'Going out', 100, CATEGORY_WANTS),
      budget('b-save', 'Rainy day', 50, CATEGORY_SAVINGS),
    ],
    debts: [
      {
        id: 'd-card',
        name: 'Visa 4402',
        amount: 8000,
        monthlyPayment: 150,
        userInterestRate: 29.9,
        payDueDate: d('2026-03-01T00:00:00Z'),
      },
      { id: 'd-car', name: 'Car loan', amount: 6500.5, monthlyPayment: 520, userInterestRate: 7.5 },
    ],
    savingGoals: [
      { id: 'g1', name: 'Emergency fund', totalAmount: 3000, monthlyTarget: 50, savedMoney: 400, isCompleted: false },
      {
        id: 'g2',
        name: 'Bike',
        totalAmount: 500,
        monthlyTarget: 0,
        savedMoney: 500,
        completeDate: d('2026-02-01T00:00:00Z'),
        isCompleted: true,
      },
    ],
    recurringCandidates: ['Spotify', 'Netflix', 'iCloud', 'Disney+'].map((name, i) => ({
      name,
      occurrences: months.map((m, k) => ({
        id: `${name}-${k}`,
        date: d(`${m}-0${i + 2}T12:00:00Z`),
        amount: 4.99 + i,
      })),
    })),
    ...overrides,
  });
}
