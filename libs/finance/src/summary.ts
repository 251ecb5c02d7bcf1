import type { Bucket } from './categories';
import { windowCovers, type CategorySource, type Ledger, type Ownership } from './ledger';
import { divRound, pct } from './money';
import { ensurePeriod, previousPeriod, type MonthKey, type PeriodSpec, type ResolvedPeriod } from './periods';

/**
 * Income, spending and what follows from them for one period. Figures come only from documents dated inside the
 * period (materialised recurring copies included once each), so a monthly salary is one salary per month.
 *
 * - "So far": rows dated after `now` (copies made a period ahead) are not counted; `upcoming` shows them apart
 *   and the month-end projection adds them.
 * - Money moved to savings, investments or a pension (an expense in the savings bucket: a Savings budget, a
 *   savings word in its name, or a saving goal's name) is saved, not spent: `spendingMinor` and the categories
 *   leave it out, `movedToSavingsMinor` shows it, and the savings rate is (income - spending) / income.
 *   Net cash flow is what is left in the account: income - spending - moved to savings.
 */

export const LARGEST_EXPENSES_PER_MONTH = 5;

export interface PeriodInfo {
  kind: string;
  label: string;
  months: MonthKey[];
  /** ISO instants; end is exclusive. */
  start: string;
  end: string;
  /** Contains the current, unfinished month. */
  partial: boolean;
  /** False when some month of the period was not fetched: its figures are unknown, not zero. */
  covered: boolean;
}

export interface CategorySpend {
  category: string;
  bucket: Bucket;
  amountMinor: number;
  /** Share of the period's spending. */
  sharePct: number | null;
  /** Part that came from budgeted expenses (category = the budget's) vs. classified by name. */
  fromBudgetsMinor: number;
  classifiedMinor: number;
}

export interface BudgetSpend {
  budgetId: string;
  name: string;
  category: string;
  ownership: Ownership;
  amountMinor: number;
}

export interface Change {
  currentMinor: number;
  previousMinor: number;
  changeMinor: number;
  /** Relative to |previous|; null when previous is 0. */
  changePct: number | null;
}

export interface PeriodComparison {
  previous: PeriodInfo;
  income: Change;
  spending: Change;
  netCashFlow: Change;
}

export interface LargestExpense {
  id: string;
  name: string;
  amountMinor: number;
  date: string;
  month: MonthKey;
  category: string;
}

export interface MonthFigures {
  month: MonthKey;
  incomeMinor: number;
  /** Money spent: expenses outside the savings bucket. */
  spendingMinor: number;
  /** Expenses in the savings bucket: money moved to savings, investments, a pension or a saving goal. */
  movedToSavingsMinor: number;
  /** income - spending - moved to savings. */
  netCashFlowMinor: number;
}

/** Rows of the period dated after `now` (only the month in progress has any), and the month end they project. */
export interface UpcomingFigures {
  incomeMinor: number;
  incomeCount: number;
  spendingMinor: number;
  movedToSavingsMinor: number;
  expenseCount: number;
  /** So far + upcoming: where the period ends if nothing else is recorded. */
  projected: { incomeMinor: number; spendingMinor: number; movedToSavingsMinor: number; netCashFlowMinor: number };
}

export interface PeriodSummary {
  period: PeriodInfo;
  incomeMinor: number;
  /** Money spent, money moved to savings not included. */
  spendingMinor: number;
  movedToSavingsMinor: number;
  /** income - spending - moved to savings. */
  netCashFlowMinor: number;
  /** (income - spending) / income: money moved to savings counts as saved; null when there is no income. */
  savingsRatePct: number | null;
  incomeCount: number;
  expenseCount: number;
  spendingByCategory: CategorySpend[];
  spendingByBudget: BudgetSpend[];
  unbudgetedSpendingMinor: number;
  comparison: PeriodComparison;
  largestExpenses: LargestExpense[];
  /** Recorded rows dated later in the period than now: not in any figure above. */
  upcoming: UpcomingFigures;
  /** Multi-month periods only (null for a single month). */
  monthly: MonthFigures[] | null;
  averagePerMonth: {
    incomeMinor: number;
    spendingMinor: number;
    movedToSavingsMinor: number;
    netCashFlowMinor: number;
  } | null;
}

export function periodInfo(ledger: Ledger, period: ResolvedPeriod): PeriodInfo {
  return {
    kind: period.kind,
    label: period.label,
    months: period.months,
    start: period.start.toISOString(),
    end: period.end.toISOString(),
    partial: period.partial,
    covered: windowCovers(ledger, period.months),
  };
}

function figuresOf(
  income: Ledger['income'],
  expenses: Ledger['expenses'],
  month: MonthKey,
): MonthFigures & { incomeCount: number; expenseCount: number } {
  const incomeRow = income.get(month);
  const incomeMinor = incomeRow?.amountMinor ?? 0;
  let spendingMinor = 0;
  let movedToSavingsMinor = 0;
  let expenseCount = 0;
  for (const row of expenses) {
    if (row.month !== month) continue;
    if (row.bucket === 'savings') movedToSavingsMinor += row.amountMinor;
    else spendingMinor += row.amountMinor;
    expenseCount += row.count;
  }
  return {
    month,
    incomeMinor,
    spendingMinor,
    movedToSavingsMinor,
    netCashFlowMinor: incomeMinor - spendingMinor - movedToSavingsMinor,
    incomeCount: incomeRow?.count ?? 0,
    expenseCount,
  };
}

/** A month's figures so far: rows dated up to now (every row of a complete month). */
export function monthFigures(ledger: Ledger, month: MonthKey): MonthFigures {
  const { incomeCount: _i, expenseCount: _e, ...figures } = figuresOf(ledger.income, ledger.expenses, month);
  return figures;
}

/** A month's recorded rows dated after now (copies made ahead), with counts. */
export function upcomingMonthFigures(
  ledger: Ledger,
  month: MonthKey,
): MonthFigures & { incomeCount: number; expenseCount: number } {
  return figuresOf(ledger.upcomingIncome, ledger.upcomingExpenses, month);
}

function change(currentMinor: number, previousMinor: number): Change {
  return {
    currentMinor,
    previousMinor,
    changeMinor: currentMinor - previousMinor,
    changePct: pct(currentMinor - previousMinor, Math.abs(previousMinor)),
  };
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export interface SummaryOptions {
  now: Date;
  largestCount?: number;
}

export function summarisePeriod(
  ledger: Ledger,
  spec: PeriodSpec | ResolvedPeriod,
  options: SummaryOptions,
): PeriodSummary {
  const period = ensurePeriod(spec, options.now, ledger.timeZone);
  const months = new Set(period.months);
  const perMonth = period.months.map((mk) => monthFigures(ledger, mk));
  const incomeMinor = perMonth.reduce((s, f) => s + f.incomeMinor, 0);
  const spendingMinor = perMonth.reduce((s, f) => s + f.spendingMinor, 0);
  const movedToSavingsMinor = perMonth.reduce((s, f) => s + f.movedToSavingsMinor, 0);
  const netCashFlowMinor = incomeMinor - spendingMinor - movedToSavingsMinor;

  let incomeCount = 0;
  for (const mk of period.months) incomeCount += ledger.income.get(mk)?.count ?? 0;

  const categories = new Map<string, CategorySpend>();
  const budgets = new Map<string, BudgetSpend>();
  let unbudgetedSpendingMinor = 0;
  let expenseCount = 0;
  for (const row of ledger.expenses) {
    if (!months.has(row.month)) continue;
    expenseCount += row.count;
    // Saved, not spent: shown as movedToSavingsMinor instead.
    if (row.bucket === 'savings') continue;
    const c = categories.get(row.category) ?? {
      category: row.category,
      bucket: row.bucket,
      amountMinor: 0,
      sharePct: null,
      fromBudgetsMinor: 0,
      classifiedMinor: 0,
    };
    c.amountMinor += row.amountMinor;
    if (isFromBudget(row.categorySource)) c.fromBudgetsMinor += row.amountMinor;
    else c.classifiedMinor += row.amountMinor;
    categories.set(row.category, c);

    const budget = row.budgetId ? ledger.budgetsById.get(row.budgetId) : undefined;
    if (budget) {
      const b = budgets.get(budget.id) ?? {
        budgetId: budget.id,
        name: budget.name,
        category: budget.category,
        ownership: budget.ownership,
        amountMinor: 0,
      };
      b.amountMinor += row.amountMinor;
      budgets.set(budget.id, b);
    } else {
      unbudgetedSpendingMinor += row.amountMinor;
    }
  }
  const spendingByCategory = [...categories.values()]
    .map((c) => ({ ...c, sharePct: pct(c.amountMinor, spendingMinor) }))
    .sort((a, b) => b.amountMinor - a.amountMinor || byText(a.category, b.category));
  const spendingByBudget = [...budgets.values()].sort(
    (a, b) => b.amountMinor - a.amountMinor || byText(a.name, b.name) || byText(a.budgetId, b.budgetId),
  );

  const prev = previousPeriod(period, options.now, ledger.timeZone);
  const prevFigures = prev.months.map((mk) => monthFigures(ledger, mk));
  const prevIncome = prevFigures.reduce((s, f) => s + f.incomeMinor, 0);
  const prevSpending = prevFigures.reduce((s, f) => s + f.spendingMinor, 0);
  const prevNet = prevFigures.reduce((s, f) => s + f.netCashFlowMinor, 0);

  const upcomingPerMonth = period.months.map((mk) => upcomingMonthFigures(ledger, mk));
  const up = (key: 'incomeMinor' | 'spendingMinor' | 'movedToSavingsMinor' | 'incomeCount' | 'expenseCount') =>
    upcomingPerMonth.reduce((s, f) => s + f[key], 0);
  const upcoming: UpcomingFigures = {
    incomeMinor: up('incomeMinor'),
    incomeCount: up('incomeCount'),
    spendingMinor: up('spendingMinor'),
    movedToSavingsMinor: up('movedToSavingsMinor'),
    expenseCount: up('expenseCount'),
    projected: {
      incomeMinor: incomeMinor + up('incomeMinor'),
      spendingMinor: spendingMinor + up('spendingMinor'),
      movedToSavingsMinor: movedToSavingsMinor + up('movedToSavingsMinor'),
      netCashFlowMinor: netCashFlowMinor + up('incomeMinor') - up('spendingMinor') - up('movedToSavingsMinor'),
    },
  };

  const n = period.months.length;
  return {
    period: periodInfo(ledger, period),
    incomeMinor,
    spendingMinor,
    movedToSavingsMinor,
    netCashFlowMinor,
    savingsRatePct: pct(incomeMinor - spendingMinor, incomeMinor),
    incomeCount,
    expenseCount,
    spendingByCategory,
    spendingByBudget,
    unbudgetedSpendingMinor,
    comparison: {
      previous: periodInfo(ledger, prev),
      income: change(incomeMinor, prevIncome),
      spending: change(spendingMinor, prevSpending),
      netCashFlow: change(netCashFlowMinor, prevNet),
    },
    largestExpenses: largestIn(ledger, months, options.now, options.largestCount ?? LARGEST_EXPENSES_PER_MONTH),
    upcoming,
    monthly: n > 1 ? perMonth : null,
    averagePerMonth:
      n > 1
        ? {
            incomeMinor: divRound(incomeMinor, n),
            spendingMinor: divRound(spendingMinor, n),
            movedToSavingsMinor: divRound(movedToSavingsMinor, n),
            netCashFlowMinor: divRound(netCashFlowMinor, n),
          }
        : null,
  };
}

const isFromBudget = (s: CategorySource): boolean => s === 'budget';

/** Spending dated up to now: a transfer to savings is not an expense, and a copy dated ahead has not happened. */
function largestIn(ledger: Ledger, months: Set<MonthKey>, now: Date, count: number): LargestExpense[] {
  const seen = new Set<string>();
  const until = now.getTime();
  return ledger.largest
    .filter(
      (e) =>
        months.has(e.month) &&
        e.bucket !== 'savings' &&
        e.date.getTime() <= until &&
        !seen.has(e.id) &&
        (seen.add(e.id), true),
    )
    .sort((a, b) => b.amountMinor - a.amountMinor || a.date.getTime() - b.date.getTime() || byText(a.id, b.id))
    .slice(0, count)
    .map((e) => ({
      id: e.id,
      name: e.name,
      amountMinor: e.amountMinor,
      date: e.date.toISOString(),
      month: e.month,
      category: e.category,
    }));
}
