import type { Bucket } from './categories';
import { windowCovers, type CategorySource, type Ledger, type Ownership } from './ledger';
import { divRound, pct } from './money';
import { ensurePeriod, previousPeriod, type MonthKey, type PeriodSpec, type ResolvedPeriod } from './periods';

/**
 * Income, spending and what follows from them for one period. Figures come only from documents dated inside the
 * period (materialised recurring copies included once each), so a monthly salary is one salary per month.
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
  spendingMinor: number;
  netCashFlowMinor: number;
}

export interface PeriodSummary {
  period: PeriodInfo;
  incomeMinor: number;
  spendingMinor: number;
  netCashFlowMinor: number;
  /** net / income; null when there is no income. */
  savingsRatePct: number | null;
  incomeCount: number;
  expenseCount: number;
  spendingByCategory: CategorySpend[];
  spendingByBudget: BudgetSpend[];
  unbudgetedSpendingMinor: number;
  comparison: PeriodComparison;
  largestExpenses: LargestExpense[];
  /** Multi-month periods only (null for a single month). */
  monthly: MonthFigures[] | null;
  averagePerMonth: { incomeMinor: number; spendingMinor: number; netCashFlowMinor: number } | null;
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

export function monthFigures(ledger: Ledger, month: MonthKey): MonthFigures {
  const incomeMinor = ledger.income.get(month)?.amountMinor ?? 0;
  let spendingMinor = 0;
  for (const row of ledger.expenses) if (row.month === month) spendingMinor += row.amountMinor;
  return { month, incomeMinor, spendingMinor, netCashFlowMinor: incomeMinor - spendingMinor };
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
  const netCashFlowMinor = incomeMinor - spendingMinor;

  let incomeCount = 0;
  for (const mk of period.months) incomeCount += ledger.income.get(mk)?.count ?? 0;

  const categories = new Map<string, CategorySpend>();
  const budgets = new Map<string, BudgetSpend>();
  let unbudgetedSpendingMinor = 0;
  let expenseCount = 0;
  for (const row of ledger.expenses) {
    if (!months.has(row.month)) continue;
    expenseCount += row.count;
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

  const n = period.months.length;
  return {
    period: periodInfo(ledger, period),
    incomeMinor,
    spendingMinor,
    netCashFlowMinor,
    savingsRatePct: pct(netCashFlowMinor, incomeMinor),
    incomeCount,
    expenseCount,
    spendingByCategory,
    spendingByBudget,
    unbudgetedSpendingMinor,
    comparison: {
      previous: periodInfo(ledger, prev),
      income: change(incomeMinor, prevIncome),
      spending: change(spendingMinor, prevSpending),
      netCashFlow: change(netCashFlowMinor, prevIncome - prevSpending),
    },
    largestExpenses: largestIn(ledger, months, options.largestCount ?? LARGEST_EXPENSES_PER_MONTH),
    monthly: n > 1 ? perMonth : null,
    averagePerMonth:
      n > 1
        ? {
            incomeMinor: divRound(incomeMinor, n),
            spendingMinor: divRound(spendingMinor, n),
            netCashFlowMinor: divRound(netCashFlowMinor, n),
          }
        : null,
  };
}

const isFromBudget = (s: CategorySource): boolean => s === 'budget';

function largestIn(ledger: Ledger, months: Set<MonthKey>, count: number): LargestExpense[] {
  const seen = new Set<string>();
  return ledger.largest
    .filter((e) => months.has(e.month) && !seen.has(e.id) && (seen.add(e.id), true))
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
