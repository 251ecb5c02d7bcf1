import { CATEGORY_NEEDS, CATEGORY_WANTS } from './categories';
import type { FinanceInputs } from './inputs';
import { buildLedger, type Ledger } from './ledger';
import { MAX_QUOTED_LENGTH } from './render';

/** Shared test scaffolding (not exported from the library). */
export const USER = 'u1';
export const PARTNER = 'p1';

export function inputs(overrides: Partial<FinanceInputs> = {}): FinanceInputs {
  return {
    userId: USER,
    partnerId: null,
    window: { from: '2025-10', to: '2026-04' },
    incomeByMonth: [],
    expensesByMonth: [],
    largestExpensesByMonth: [],
    partnerBudgetSpendByMonth: null,
    budgets: [],
    debts: [],
    savingGoals: [],
    recurringCandidates: [],
    duplicateCandidates: [],
    ...overrides,
  };
}

export function ledger(overrides: Partial<FinanceInputs> = {}, timeZone = 'UTC'): Ledger {
  return buildLedger(inputs(overrides), { timeZone, minorDigits: 2 });
}

export const d = (iso: string): Date => new Date(iso);

/** A user with a bit of everything, as of 2026-04-15 (used by the context and render specs). */
const salary = (month: string) => ({ month, total: 2000, count: 1 });

export function richInputs(overrides: Partial<FinanceInputs> = {}): FinanceInputs {
  return inputs({
    partnerId: PARTNER,
    incomeByMonth: ['2026-01', '2026-02', '2026-03', '2026-04'].map(salary),
    expensesByMonth: [
      { month: '2026-01', budgetId: null, name: 'rent', total: 900, count: 1 },
      { month: '2026-02', budgetId: null, name: 'rent', total: 900, count: 1 },
      { month: '2026-03', budgetId: null, name: 'rent', total: 900, count: 1 },
      { month: '2026-03', budgetId: 'b-food', name: null, total: 280, count: 5 },
      { month: '2026-04', budgetId: null, name: 'rent', total: 900, count: 1 },
      { month: '2026-04', budgetId: 'b-food', name: null, total: 330.5, count: 6 },
      { month: '2026-04', budgetId: 'b-home', name: null, total: 40, count: 1 },
      { month: '2026-04', budgetId: null, name: 'netflix', total: 10.99, count: 1 },
    ],
    largestExpensesByMonth: [
      {
        month: '2026-04',
        items: [{ id: 'e-rent', name: 'Rent', amount: 900, date: d('2026-04-01T08:00:00Z'), budgetId: null }],
      },
    ],
    partnerBudgetSpendByMonth: [{ month: '2026-04', budgetId: 'b-home', total: 25, count: 1 }],
    budgets: [
      {
        id: 'b-food',
        userId: USER,
        name: 'Food',
        amount: 300,
        type: 'personal',
        frequency: 'monthly',
        category: CATEGORY_NEEDS,
        createdAt: d('2025-06-01T00:00:00Z'),
      },
      {
        id: 'b-home',
        userId: PARTNER,
        name: 'Home bits',
        amount: 100,
        type: 'household',
        frequency: 'monthly',
        category: CATEGORY_WANTS,
        createdAt: d('2025-06-01T00:00:00Z'),
      },
    ],
    debts: [
      {
        id: 'd-card',
        name: 'Card',
        amount: 600,
        monthlyPayment: 50,
        userInterestRate: 24,
        payDueDate: d('2026-04-20T00:00:00Z'),
      },
      {
        id: 'd-loan',
        name: 'Loan',
        amount: 900,
        monthlyPayment: 20,
        interestRepayment: 4.5,
        payDueDate: d('2026-04-10T00:00:00Z'),
      },
      { id: 'd-old', name: 'Old', amount: 0, monthlyPayment: 10 },
    ],
    savingGoals: [
      {
        id: 'g1',
        name: 'Holiday',
        totalAmount: 1000,
        monthlyTarget: 100,
        savedMoney: 250,
        completeDate: d('2026-10-01T00:00:00Z'),
        isCompleted: false,
      },
    ],
    recurringCandidates: [
      {
        name: 'Netflix',
        occurrences: ['2026-01-03', '2026-02-03', '2026-03-03', '2026-04-03'].map((x, i) => ({
          id: `n${i}`,
          date: d(`${x}T12:00:00Z`),
          amount: 10.99,
        })),
      },
    ],
    duplicateCandidates: [
      {
        name: 'Tesco',
        amount: 45.5,
        occurrences: [
          { id: 't1', date: d('2026-04-02T10:00:00Z') },
          { id: 't2', date: d('2026-04-02T10:05:00Z') },
        ],
      },
    ],
    ...overrides,
  });
}

/**
 * The worst case for prompt sizes: thousands of budgets, debts, goals, recurring payments and duplicates, every name
 * at the quoting cap, in a script that costs most tokens per character. As of 2026-04-15.
 */
export function hugeInputs(): FinanceInputs {
  // The worst case: every name at the quoting cap, in a script that costs most tokens per character.
  // Distinct letters first: names that differ only in digits would be merged as one recurring payment.
  const letters = (i: number): string =>
    (i < 26 ? '' : letters(Math.floor(i / 26) - 1)) + 'abcdefghijklmnopqrstuvwxyz'[i % 26];
  const long = (i: number) => `${letters(i)} ${'অ'.repeat(MAX_QUOTED_LENGTH)}`;
  const months = ['2025-11', '2025-12', '2026-01', '2026-02', '2026-03', '2026-04'];
  const budgets = Array.from({ length: 500 }, (_, i) => ({
    id: `b${i}`,
    userId: USER,
    name: long(i),
    amount: 10,
    type: 'personal',
    frequency: 'monthly',
    category: i === 0 ? `Subscriptions ${'অ'.repeat(MAX_QUOTED_LENGTH - 14)}` : long(i),
    createdAt: d('2025-01-01T00:00:00Z'),
  }));
  return inputs({
    incomeByMonth: months.map((month) => ({ month, total: 100, count: 1 })),
    expensesByMonth: months.flatMap((month) =>
      budgets.map((b, i) => ({ month, budgetId: b.id, name: null, total: 20 + i, count: 100 })),
    ),
    largestExpensesByMonth: months.map((month) => ({
      month,
      items: Array.from({ length: 5 }, (_, i) => ({
        id: `${month}-${i}`,
        name: long(i),
        amount: 1000 - i,
        date: d(`${month}-02T10:00:00Z`),
        budgetId: null,
      })),
    })),
    budgets,
    debts: Array.from({ length: 2000 }, (_, i) => ({
      id: `d${i}`,
      name: long(i),
      amount: 1000 + i,
      // Paid off in time, so both payoff plans list an order of names too.
      monthlyPayment: 100,
      userInterestRate: 30,
      payDueDate: d('2026-03-01T00:00:00Z'),
    })),
    savingGoals: Array.from({ length: 300 }, (_, i) => ({
      id: `g${i}`,
      name: long(i),
      totalAmount: 1000 + i,
      monthlyTarget: 10,
      savedMoney: 5,
      completeDate: d('2026-06-01T00:00:00Z'),
      isCompleted: false,
    })),
    recurringCandidates: Array.from({ length: 400 }, (_, i) => ({
      name: long(i),
      // Half of them with a varying amount: recurring payments that are not subscriptions. The other half are
      // subscriptions by their budget's category (b0's category is replaced below).
      budgetIds: i % 2 ? [] : ['b0'],
      occurrences: months.map((m, k) => ({
        id: `r${i}-${k}`,
        date: d(`${m}-03T12:00:00Z`),
        amount: i % 2 ? 50 + 10 * (k % 2) + i : 5 + (i % 7),
      })),
    })),
    duplicateCandidates: Array.from({ length: 400 }, (_, i) => ({
      name: long(i),
      amount: 12.5,
      occurrences: [
        { id: `x${i}a`, date: d('2026-04-02T10:00:00Z') },
        { id: `x${i}b`, date: d('2026-04-02T10:05:00Z') },
      ],
    })),
  });
}
