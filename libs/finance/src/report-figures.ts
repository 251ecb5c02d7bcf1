import { CATEGORY_UNCATEGORISED, type Bucket } from './categories';
import type { FinancialContext } from './context';
import type { StrategyResult } from './debt-payoff';
import type { DebtView } from './debts';
import { fiftyThirtyTwenty, type FiftyThirtyTwenty } from './fifty-thirty-twenty';
import { divRound, pct } from './money';
import type { MonthKey } from './periods';
import type { Cadence } from './recurring';
import type { PeriodInfo } from './summary';

/**
 * The figures of an optimisation report, cut from the financial context. Everything here is a pure function of
 * the user's records and the current month, never of the clock's exact instant, so two reports built from the
 * same records in the same month are equal (and hash alike: that is how "unchanged data" is recognised).
 */

export const REPORT_TYPES = ['expenses', 'budget', 'debt'] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

export const REPORT_FIGURES_VERSION = 1;

/** List lengths kept in a report: enough to act on, small enough for a prompt. */
export const REPORT_LIST_LIMIT = 8;

const NEAR_LIMIT_PCT = 80;

interface FiguresBase {
  version: number;
  currency: string;
  locale: string;
  currentMonth: MonthKey;
}

export interface CategoryShare {
  category: string;
  bucket: Bucket;
  amountMinor: number;
  sharePct: number | null;
}

export interface ExpensesReportFigures extends FiguresBase {
  type: 'expenses';
  /** The last three complete months: steadier than the month in progress. */
  period: PeriodInfo;
  spendingMinor: number;
  averageMonthlySpendingMinor: number;
  discretionary: {
    amountMinor: number;
    sharePct: number | null;
    averagePerMonthMinor: number;
    uncategorisedMinor: number;
  };
  topCategories: CategoryShare[];
  subscriptions: {
    items: Array<{
      name: string;
      cadence: Cadence;
      estimatedMonthlyCostMinor: number;
      latestAmountMinor: number;
      lastDate: string;
      nextExpectedDate: string;
    }>;
    count: number;
    monthlyCostMinor: number;
    yearlyCostMinor: number;
  };
  duplicates: {
    items: Array<{
      name: string;
      amountMinor: number;
      count: number;
      extraMinor: number;
      dates: string[];
      expenseIds: string[];
    }>;
    count: number;
    extraMinor: number;
  };
  largestExpenses: Array<{ name: string; amountMinor: number; date: string; category: string }>;
}

export interface BudgetOverrun {
  name: string;
  category: string;
  budgetedMinor: number;
  actualMinor: number;
  percentUsedPct: number | null;
  overrunMinor: number;
}

export interface BudgetReportFigures extends FiguresBase {
  type: 'budget';
  /** 50/30/20 on what actually went out in the last complete month, commitments included. */
  fiftyThirtyTwenty: FiftyThirtyTwenty;
  spendingByCategory: CategoryShare[];
  /** The month in progress: where budgets are already over or close to their limit. */
  budgetsThisMonth: {
    period: PeriodInfo;
    day: number;
    daysInMonth: number;
    budgetCount: number;
    budgetedMinor: number;
    actualMinor: number;
    percentUsedPct: number | null;
    unbudgetedSpendingMinor: number;
    overruns: BudgetOverrun[];
    nearLimit: BudgetOverrun[];
  };
}

export type StrategySummary = Omit<StrategyResult, 'schedule'>;

export interface DebtReportFigures extends FiguresBase {
  type: 'debt';
  debts: DebtView[];
  activeCount: number;
  totalBalanceMinor: number;
  monthlyPaymentsMinor: number;
  monthlyIncomeMinor: number;
  debtToIncomePct: number | null;
  /** Avalanche vs snowball with today's monthly payments; null without an outstanding balance. */
  payoff: {
    better: 'avalanche' | 'snowball' | 'same' | 'neither';
    avalancheSavesInterestMinor: number | null;
    avalancheSavesMonths: number | null;
    unknownAprDebtIds: string[];
    avalanche: StrategySummary;
    snowball: StrategySummary;
  } | null;
}

export type ReportFigures = ExpensesReportFigures | BudgetReportFigures | DebtReportFigures;

export function buildReportFigures(type: 'expenses', ctx: FinancialContext): ExpensesReportFigures;
export function buildReportFigures(type: 'budget', ctx: FinancialContext): BudgetReportFigures;
export function buildReportFigures(type: 'debt', ctx: FinancialContext): DebtReportFigures;
export function buildReportFigures(type: ReportType, ctx: FinancialContext): ReportFigures;
export function buildReportFigures(type: ReportType, ctx: FinancialContext): ReportFigures {
  switch (type) {
    case 'expenses':
      return expensesFigures(ctx);
    case 'budget':
      return budgetFigures(ctx);
    case 'debt':
      return debtFigures(ctx);
  }
}

const base = (ctx: FinancialContext): FiguresBase => ({
  version: REPORT_FIGURES_VERSION,
  currency: ctx.currency,
  locale: ctx.locale,
  currentMonth: ctx.currentMonth,
});

const share = (c: CategoryShare): CategoryShare => ({
  category: c.category,
  bucket: c.bucket,
  amountMinor: c.amountMinor,
  sharePct: c.sharePct,
});

function expensesFigures(ctx: FinancialContext): ExpensesReportFigures {
  const s = ctx.last3Months;
  const months = s.period.months.length;
  const wants = s.spendingByCategory.filter((c) => c.bucket === 'wants').reduce((t, c) => t + c.amountMinor, 0);
  const uncategorised = s.spendingByCategory
    .filter((c) => c.category === CATEGORY_UNCATEGORISED)
    .reduce((t, c) => t + c.amountMinor, 0);
  const subscriptions = ctx.recurring.subscriptions;
  const duplicates = ctx.duplicates;
  return {
    type: 'expenses',
    ...base(ctx),
    period: s.period,
    spendingMinor: s.spendingMinor,
    averageMonthlySpendingMinor: divRound(s.spendingMinor, months),
    discretionary: {
      amountMinor: wants,
      sharePct: pct(wants, s.spendingMinor),
      averagePerMonthMinor: divRound(wants, months),
      uncategorisedMinor: uncategorised,
    },
    topCategories: s.spendingByCategory.slice(0, REPORT_LIST_LIMIT).map(share),
    subscriptions: {
      items: subscriptions.slice(0, REPORT_LIST_LIMIT).map((r) => ({
        name: r.name,
        cadence: r.cadence,
        estimatedMonthlyCostMinor: r.estimatedMonthlyCostMinor,
        latestAmountMinor: r.latestAmountMinor,
        lastDate: r.lastDate,
        nextExpectedDate: r.nextExpectedDate,
      })),
      count: subscriptions.length,
      monthlyCostMinor: ctx.recurring.subscriptionsMonthlyCostMinor,
      yearlyCostMinor: ctx.recurring.subscriptionsYearlyCostMinor,
    },
    duplicates: {
      items: duplicates.slice(0, REPORT_LIST_LIMIT).map((d) => ({
        name: d.name,
        amountMinor: d.amountMinor,
        count: d.count,
        extraMinor: d.extraMinor,
        dates: d.dates,
        expenseIds: d.expenseIds,
      })),
      count: duplicates.length,
      extraMinor: duplicates.reduce((t, d) => t + d.extraMinor, 0),
    },
    largestExpenses: s.largestExpenses.map((e) => ({
      name: e.name,
      amountMinor: e.amountMinor,
      date: e.date,
      category: e.category,
    })),
  };
}

function budgetFigures(ctx: FinancialContext): BudgetReportFigures {
  const b = ctx.budgetsThisMonth;
  const line = (l: (typeof b.lines)[number]): BudgetOverrun => ({
    name: l.name,
    category: l.category,
    budgetedMinor: l.budgetedMinor,
    actualMinor: l.actualMinor,
    percentUsedPct: l.percentUsedPct,
    overrunMinor: l.overrunMinor,
  });
  const applied = b.lines.filter((l) => l.budgetedMinor > 0);
  return {
    type: 'budget',
    ...base(ctx),
    fiftyThirtyTwenty: fiftyThirtyTwenty(ctx.lastMonth, {
      debtPaymentsPerMonthMinor: ctx.debts.monthlyPaymentsMinor,
      savingTargetsPerMonthMinor: ctx.savingGoals.monthlyTargetsMinor,
    }),
    spendingByCategory: ctx.lastMonth.spendingByCategory.slice(0, REPORT_LIST_LIMIT).map(share),
    budgetsThisMonth: {
      period: b.period,
      day: ctx.currentMonthProgress.day,
      daysInMonth: ctx.currentMonthProgress.daysInMonth,
      budgetCount: applied.length,
      budgetedMinor: b.totals.budgetedMinor,
      actualMinor: b.totals.actualMinor,
      percentUsedPct: b.totals.percentUsedPct,
      unbudgetedSpendingMinor: b.unbudgetedSpendingMinor,
      overruns: applied
        .filter((l) => l.overrun)
        .sort((x, y) => y.overrunMinor - x.overrunMinor)
        .slice(0, REPORT_LIST_LIMIT)
        .map(line),
      nearLimit: applied
        .filter((l) => !l.overrun && l.percentUsedPct !== null && l.percentUsedPct >= NEAR_LIMIT_PCT)
        .sort((x, y) => (y.percentUsedPct ?? 0) - (x.percentUsedPct ?? 0))
        .slice(0, REPORT_LIST_LIMIT)
        .map(line),
    },
  };
}

function withoutSchedule({ schedule: _schedule, ...rest }: StrategyResult): StrategySummary {
  return rest;
}

function debtFigures(ctx: FinancialContext): DebtReportFigures {
  const d = ctx.debts;
  const p = d.payoff;
  return {
    type: 'debt',
    ...base(ctx),
    debts: d.items,
    activeCount: d.activeCount,
    totalBalanceMinor: d.totalBalanceMinor,
    monthlyPaymentsMinor: d.monthlyPaymentsMinor,
    monthlyIncomeMinor: d.incomeBasis.monthlyIncomeMinor,
    debtToIncomePct: d.debtToIncomePct,
    payoff: p
      ? {
          better: p.better,
          avalancheSavesInterestMinor: p.avalancheSavesInterestMinor,
          avalancheSavesMonths: p.avalancheSavesMonths,
          unknownAprDebtIds: p.unknownAprDebtIds,
          avalanche: withoutSchedule(p.avalanche),
          snowball: withoutSchedule(p.snowball),
        }
      : null,
  };
}
