import type { Bucket } from './categories';
import type { Ledger, LedgerBudget, Ownership } from './ledger';
import { pct } from './money';
import { normaliseName } from './normalise';
import { ensurePeriod, monthsBetween, type MonthKey, type PeriodSpec, type ResolvedPeriod } from './periods';
import { periodInfo, type PeriodInfo } from './summary';

/**
 * Budget vs actual. A 'monthly' budget counts once in every month of the period from the month it was created;
 * an 'on-off' budget counts once, in the month it was created.
 *
 * Monthly budgets with the same owner, type and normalised name form one SERIES: in each month the latest one
 * created on or before that month applies and the older ones stop. This keeps the figures right whether the main
 * backend materialises a copy of a monthly budget every month (copies would otherwise be counted twice) or keeps
 * one document (it simply applies every month); a series is reported as one line whose actual includes spending
 * against any of its documents, so spending booked against last month's copy is not reported as an overrun of a
 * zero budget.
 */

export interface BudgetLine {
  /** The document that applies in the period's last month (or the series' latest document). */
  budgetId: string;
  /** Every document in the series (one for on-off budgets). */
  budgetIds: string[];
  name: string;
  category: string;
  bucket: Bucket;
  ownership: Ownership;
  type: string;
  frequency: string;
  /** Months of the period in which the budget applied. */
  monthsApplied: number;
  budgetedMinor: number;
  actualMinor: number;
  /** The user's own spending against it. */
  ownActualMinor: number;
  /** The partner's spending (household budgets only; 0 when not provided). */
  partnerActualMinor: number;
  remainingMinor: number;
  /** actual / budgeted; null when nothing was budgeted in the period. */
  percentUsedPct: number | null;
  /** Only a budget that applied in the period can be overrun. */
  overrun: boolean;
  overrunMinor: number;
}

export interface CategoryBudgetLine {
  category: string;
  bucket: Bucket;
  budgetCount: number;
  budgetedMinor: number;
  actualMinor: number;
  remainingMinor: number;
  percentUsedPct: number | null;
  overrun: boolean;
  overrunMinor: number;
}

export interface BudgetReport {
  period: PeriodInfo;
  lines: BudgetLine[];
  byCategory: CategoryBudgetLine[];
  totals: { budgetedMinor: number; actualMinor: number; remainingMinor: number; percentUsedPct: number | null };
  /** The user's spending on expenses with no (known) budget: not part of any line. */
  unbudgetedSpendingMinor: number;
  /** False when household budgets exist but the partner's spending was not provided. */
  partnerSpendIncluded: boolean;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function createdOrder(a: LedgerBudget, b: LedgerBudget): number {
  return (
    monthsBetween(b.createdMonth, a.createdMonth) || a.createdAt.getTime() - b.createdAt.getTime() || byText(a.id, b.id)
  );
}

/** Budget documents grouped into series (monthly, same owner/type/name) or singletons (on-off and others). */
export function budgetSeries(budgets: LedgerBudget[]): LedgerBudget[][] {
  const groups = new Map<string, LedgerBudget[]>();
  for (const b of budgets) {
    const key =
      b.frequency === 'monthly'
        ? `monthly|${b.userId}|${b.type.trim().toLowerCase()}|${normaliseName(b.name)}`
        : `single|${b.id}`;
    const g = groups.get(key) ?? [];
    g.push(b);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => g.sort(createdOrder));
}

/** Which document of a series (sorted oldest first) applies in a month, if any. */
export function applicableBudget(series: LedgerBudget[], month: MonthKey): LedgerBudget | null {
  if (series.length === 1 && series[0].frequency !== 'monthly') {
    return series[0].createdMonth === month ? series[0] : null;
  }
  let found: LedgerBudget | null = null;
  for (const b of series) if (monthsBetween(b.createdMonth, month) >= 0) found = b;
  return found;
}

export interface BudgetOptions {
  now: Date;
}

export function budgetVsActual(
  ledger: Ledger,
  spec: PeriodSpec | ResolvedPeriod,
  options: BudgetOptions,
): BudgetReport {
  const period = ensurePeriod(spec, options.now, ledger.timeZone);
  const months = new Set(period.months);

  const ownSpend = new Map<string, number>();
  let unbudgetedSpendingMinor = 0;
  for (const row of ledger.expenses) {
    if (!months.has(row.month)) continue;
    if (row.budgetId && ledger.budgetsById.has(row.budgetId)) {
      ownSpend.set(row.budgetId, (ownSpend.get(row.budgetId) ?? 0) + row.amountMinor);
    } else {
      unbudgetedSpendingMinor += row.amountMinor;
    }
  }
  const partnerSpendOf = (budgetId: string): number => {
    if (!ledger.partnerSpend) return 0;
    let total = 0;
    for (const mk of period.months) total += ledger.partnerSpend.get(`${mk}|${budgetId}`) ?? 0;
    return total;
  };

  const lines: BudgetLine[] = [];
  for (const series of budgetSeries(ledger.budgets)) {
    let budgetedMinor = 0;
    let monthsApplied = 0;
    let display: LedgerBudget = series[series.length - 1];
    let displayFixed = false;
    for (const mk of period.months) {
      const b = applicableBudget(series, mk);
      if (!b) continue;
      budgetedMinor += b.amountMinor;
      monthsApplied += 1;
      display = b;
      displayFixed = true;
    }
    if (!displayFixed) {
      // Not applicable in the period: show the latest document created before the period ends.
      const before = series.filter((b) => monthsBetween(b.createdMonth, period.months[period.months.length - 1]) >= 0);
      if (before.length) display = before[before.length - 1];
    }
    const ids = series.map((b) => b.id);
    const ownActualMinor = ids.reduce((s, id) => s + (ownSpend.get(id) ?? 0), 0);
    const partnerActualMinor = display.isHousehold ? ids.reduce((s, id) => s + partnerSpendOf(id), 0) : 0;
    const actualMinor = ownActualMinor + partnerActualMinor;
    if (budgetedMinor === 0 && actualMinor === 0) continue;
    const overrun = budgetedMinor > 0 && actualMinor > budgetedMinor;
    lines.push({
      budgetId: display.id,
      budgetIds: ids,
      name: display.name,
      category: display.category,
      bucket: display.bucket,
      ownership: display.ownership,
      type: display.type,
      frequency: display.frequency,
      monthsApplied,
      budgetedMinor,
      actualMinor,
      ownActualMinor,
      partnerActualMinor,
      remainingMinor: budgetedMinor - actualMinor,
      percentUsedPct: pct(actualMinor, budgetedMinor),
      overrun,
      overrunMinor: overrun ? actualMinor - budgetedMinor : 0,
    });
  }
  lines.sort((a, b) => byText(a.category, b.category) || byText(a.name, b.name) || byText(a.budgetId, b.budgetId));

  const categories = new Map<string, CategoryBudgetLine>();
  for (const l of lines) {
    const c = categories.get(l.category) ?? {
      category: l.category,
      bucket: l.bucket,
      budgetCount: 0,
      budgetedMinor: 0,
      actualMinor: 0,
      remainingMinor: 0,
      percentUsedPct: null,
      overrun: false,
      overrunMinor: 0,
    };
    c.budgetCount += 1;
    c.budgetedMinor += l.budgetedMinor;
    c.actualMinor += l.actualMinor;
    categories.set(l.category, c);
  }
  const byCategory = [...categories.values()]
    .map((c) => {
      const overrun = c.budgetedMinor > 0 && c.actualMinor > c.budgetedMinor;
      return {
        ...c,
        remainingMinor: c.budgetedMinor - c.actualMinor,
        percentUsedPct: pct(c.actualMinor, c.budgetedMinor),
        overrun,
        overrunMinor: overrun ? c.actualMinor - c.budgetedMinor : 0,
      };
    })
    .sort((a, b) => byText(a.category, b.category));

  const budgeted = lines.reduce((s, l) => s + l.budgetedMinor, 0);
  const actual = lines.reduce((s, l) => s + l.actualMinor, 0);
  return {
    period: periodInfo(ledger, period),
    lines,
    byCategory,
    totals: {
      budgetedMinor: budgeted,
      actualMinor: actual,
      remainingMinor: budgeted - actual,
      percentUsedPct: pct(actual, budgeted),
    },
    unbudgetedSpendingMinor,
    partnerSpendIncluded: ledger.partnerSpend !== null || !ledger.budgets.some((b) => b.isHousehold),
  };
}
