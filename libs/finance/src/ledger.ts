import {
  bucketForCategory,
  classifyExpenseName,
  CATEGORY_SAVINGS,
  CATEGORY_UNCATEGORISED,
  type Bucket,
} from './categories';
import type { BudgetInput, ExpenseItem, FinanceInputs } from './inputs';
import { toMinorOrZero } from './money';
import { normaliseName } from './normalise';
import { isMonthKey, monthKey, monthsBetween, type MonthKey } from './periods';

/**
 * The inputs converted once into minor units and resolved categories, so every calculation downstream works
 * on the same integers and the same category decisions. Building it is pure and cheap (inputs are aggregates).
 */

export type Ownership = 'own' | 'partner';
/** 'saving-goal': an unbudgeted expense named exactly like one of the user's saving goals: a contribution to it. */
export type CategorySource = 'budget' | 'classifier' | 'unknown-budget' | 'saving-goal';

export interface LedgerBudget {
  id: string;
  userId: string;
  name: string;
  ownership: Ownership;
  type: string;
  frequency: string;
  category: string;
  bucket: Bucket;
  amountMinor: number;
  createdAt: Date;
  createdMonth: MonthKey;
  isHousehold: boolean;
}

export interface LedgerExpenseRow {
  month: MonthKey;
  budgetId: string | null;
  /** normaliseName(name) for unbudgeted rows, '' otherwise. */
  nameKey: string;
  amountMinor: number;
  count: number;
  category: string;
  bucket: Bucket;
  categorySource: CategorySource;
}

export interface LedgerLargestExpense {
  id: string;
  name: string;
  amountMinor: number;
  date: Date;
  month: MonthKey;
  budgetId: string | null;
  category: string;
  bucket: Bucket;
}

export interface MonthAmount {
  amountMinor: number;
  count: number;
}

export interface Ledger {
  userId: string;
  partnerId: string | null;
  timeZone: string;
  minorDigits: number;
  window: { from: MonthKey; to: MonthKey };
  /** Income dated up to `now` ("so far"); every row of a complete month. */
  income: Map<MonthKey, MonthAmount>;
  expenses: LedgerExpenseRow[];
  /**
   * Rows dated after `now`, later in the current month: the main backend copies recurring items a period ahead,
   * so they exist before they happen. Kept apart: "so far" figures never include them, projections add them.
   */
  upcomingIncome: Map<MonthKey, MonthAmount>;
  upcomingExpenses: LedgerExpenseRow[];
  largest: LedgerLargestExpense[];
  budgets: LedgerBudget[];
  budgetsById: Map<string, LedgerBudget>;
  /** `${month}|${budgetId}` -> partner's spend on a household budget; null when not provided. */
  partnerSpend: Map<string, number> | null;
  /** Budget ids referenced by expenses but absent from the budgets list (deleted budget, or not passed). */
  unknownBudgetIds: string[];
  /** Partner budgets that are not 'household' and were therefore ignored. */
  ignoredPartnerBudgetIds: string[];
  /** Month keys in inputs that were malformed or outside the window, ignored. */
  ignoredMonths: string[];
  /** Budgets without a valid createdAt: treated as created before any period (monthly ones always apply). */
  budgetsWithoutCreatedAt: string[];
  /** Largest-expense items without a valid date, left out. */
  droppedExpenseItems: number;
}

export interface LedgerOptions {
  timeZone: string;
  minorDigits: number;
}

export const isHouseholdType = (type: string | null | undefined): boolean =>
  typeof type === 'string' && type.trim().toLowerCase() === 'household';

function inWindow(month: string, window: { from: MonthKey; to: MonthKey }): boolean {
  return isMonthKey(month) && monthsBetween(window.from, month) >= 0 && monthsBetween(month, window.to) >= 0;
}

export function buildLedger(inputs: FinanceInputs, options: LedgerOptions): Ledger {
  const { timeZone, minorDigits } = options;
  const m = (v: number | null | undefined): number => toMinorOrZero(v, minorDigits);
  const window = inputs.window;
  if (!isMonthKey(window.from) || !isMonthKey(window.to) || monthsBetween(window.from, window.to) < 0) {
    throw new RangeError(`invalid window ${window.from}..${window.to}`);
  }
  const ignoredMonths = new Set<string>();
  const keep = (month: string): boolean => {
    if (inWindow(month, window)) return true;
    ignoredMonths.add(String(month));
    return false;
  };

  const income = new Map<MonthKey, MonthAmount>();
  const upcomingIncome = new Map<MonthKey, MonthAmount>();
  for (const row of inputs.incomeByMonth ?? []) {
    if (!keep(row.month)) continue;
    const target = row.upcoming === true ? upcomingIncome : income;
    const cur = target.get(row.month) ?? { amountMinor: 0, count: 0 };
    cur.amountMinor += m(row.total);
    cur.count += row.count ?? 0;
    target.set(row.month, cur);
  }

  const budgets: LedgerBudget[] = [];
  const ignoredPartnerBudgetIds: string[] = [];
  const budgetsWithoutCreatedAt: string[] = [];
  for (const b of inputs.budgets ?? []) {
    const ownership: Ownership = b.userId === inputs.userId ? 'own' : 'partner';
    if (ownership === 'partner' && !isHouseholdType(b.type)) {
      ignoredPartnerBudgetIds.push(b.id);
      continue;
    }
    if (!isValidDate(b.createdAt)) budgetsWithoutCreatedAt.push(b.id);
    budgets.push(toLedgerBudget(b, ownership, timeZone, m));
  }
  budgets.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const budgetsById = new Map(budgets.map((b) => [b.id, b]));

  // Money put towards a goal is saved, not spent, when the expense says which goal (its name is the goal's name).
  const goalNames = new Set((inputs.savingGoals ?? []).map((g) => normaliseName(g.name)).filter((n) => n !== ''));
  const unknownBudgetIds = new Set<string>();
  // A name recurs every month (materialised copies): normalise and classify each distinct one once.
  const keys = new Map<string, string>();
  const keyOf = (name: string | null): string => {
    if (!name) return '';
    let key = keys.get(name);
    if (key === undefined) keys.set(name, (key = normaliseName(name)));
    return key;
  };
  const byName = new Map<string, { category: string; bucket: Bucket; categorySource: CategorySource }>();
  const categoryOf = (budgetId: string | null, name: string | null) => {
    if (budgetId) {
      const b = budgetsById.get(budgetId);
      if (b) return { category: b.category, bucket: b.bucket, categorySource: 'budget' as const };
      unknownBudgetIds.add(budgetId);
      // The row was grouped by budget and has no name to classify: it stays Uncategorised, visibly.
      if (!name)
        return {
          category: CATEGORY_UNCATEGORISED,
          bucket: bucketForCategory(CATEGORY_UNCATEGORISED),
          categorySource: 'unknown-budget' as const,
        };
    }
    const key = keyOf(name);
    let found = byName.get(key);
    if (!found) {
      const c = classifyExpenseName(key).category;
      found = goalNames.has(key)
        ? { category: CATEGORY_SAVINGS, bucket: 'savings', categorySource: 'saving-goal' }
        : { category: c, bucket: bucketForCategory(c), categorySource: 'classifier' };
      byName.set(key, found);
    }
    return { ...found };
  };

  const expenses: LedgerExpenseRow[] = [];
  const upcomingExpenses: LedgerExpenseRow[] = [];
  for (const row of inputs.expensesByMonth ?? []) {
    if (!keep(row.month)) continue;
    const budgetId = row.budgetId ? String(row.budgetId) : null;
    (row.upcoming === true ? upcomingExpenses : expenses).push({
      month: row.month,
      budgetId,
      nameKey: budgetId ? '' : keyOf(row.name),
      amountMinor: m(row.total),
      count: row.count ?? 0,
      ...categoryOf(budgetId, row.name),
    });
  }

  const largest: LedgerLargestExpense[] = [];
  let droppedExpenseItems = 0;
  for (const group of inputs.largestExpensesByMonth ?? []) {
    if (!keep(group.month)) continue;
    for (const item of group.items ?? []) {
      if (isValidDate(item.date)) largest.push(toLargest(item, group.month, categoryOf, m));
      else droppedExpenseItems += 1;
    }
  }

  let partnerSpend: Map<string, number> | null = null;
  if (inputs.partnerBudgetSpendByMonth) {
    partnerSpend = new Map();
    for (const row of inputs.partnerBudgetSpendByMonth) {
      const b = budgetsById.get(row.budgetId);
      // Only household budgets are shared; anything else in this list is not the user's business.
      if (!b || !b.isHousehold || !keep(row.month)) continue;
      const key = `${row.month}|${row.budgetId}`;
      partnerSpend.set(key, (partnerSpend.get(key) ?? 0) + m(row.total));
    }
  }

  return {
    userId: inputs.userId,
    partnerId: inputs.partnerId ?? null,
    timeZone,
    minorDigits,
    window: { from: window.from, to: window.to },
    income,
    expenses,
    upcomingIncome,
    upcomingExpenses,
    largest,
    budgets,
    budgetsById,
    partnerSpend,
    unknownBudgetIds: [...unknownBudgetIds].sort(),
    ignoredPartnerBudgetIds: ignoredPartnerBudgetIds.sort(),
    ignoredMonths: [...ignoredMonths].sort(),
    budgetsWithoutCreatedAt: budgetsWithoutCreatedAt.sort(),
    droppedExpenseItems,
  };
}

const isValidDate = (v: unknown): v is Date => v instanceof Date && !Number.isNaN(v.getTime());

/** Sorts before every real month, so a budget with no creation date applies from the start. */
const BEFORE_ANY_MONTH = '0001-01';

function toLedgerBudget(
  b: BudgetInput,
  ownership: Ownership,
  timeZone: string,
  m: (v: number | null | undefined) => number,
): LedgerBudget {
  const category = b.category && b.category.trim() ? b.category.trim() : CATEGORY_UNCATEGORISED;
  return {
    id: b.id,
    userId: b.userId,
    name: b.name,
    ownership,
    type: b.type,
    frequency: (b.frequency ?? '').trim().toLowerCase(),
    category,
    bucket: bucketForCategory(category),
    amountMinor: m(b.amount),
    createdAt: isValidDate(b.createdAt) ? b.createdAt : new Date(0),
    createdMonth: isValidDate(b.createdAt) ? monthKey(b.createdAt, timeZone) : BEFORE_ANY_MONTH,
    isHousehold: isHouseholdType(b.type),
  };
}

function toLargest(
  item: ExpenseItem,
  month: MonthKey,
  categoryOf: (budgetId: string | null, name: string | null) => { category: string; bucket: Bucket },
  m: (v: number | null | undefined) => number,
): LedgerLargestExpense {
  const budgetId = item.budgetId ? String(item.budgetId) : null;
  const { category, bucket } = categoryOf(budgetId, item.name);
  return {
    id: item.id,
    name: item.name,
    amountMinor: m(item.amount),
    date: item.date,
    month,
    budgetId,
    category,
    bucket,
  };
}

/** True when every month of the list lies inside the fetched window. */
export function windowCovers(ledger: Ledger, months: MonthKey[]): boolean {
  return months.every((mk) => inWindow(mk, ledger.window));
}
