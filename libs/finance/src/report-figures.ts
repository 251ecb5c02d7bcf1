import { capList, type ListRest } from './capped-list';
import { CATEGORY_UNCATEGORISED, type Bucket } from './categories';
import type { FinancialContext } from './context';
import { simulationDebts, whatIfPayoff, type PlanSaving, type StrategyResult } from './debt-payoff';
import type { DebtView } from './debts';
import type { FiftyThirtyTwenty } from './fifty-thirty-twenty';
import { divRound, pct } from './money';
import { addMonths, type MonthKey } from './periods';
import type { Cadence, PriceChange } from './recurring';
import type { IncomeBasis } from './red-flags';
import type { PeriodInfo } from './summary';

/**
 * The figures of an optimisation report, cut from the financial context. Everything here is a pure function of
 * the user's records and the current month, never of the clock's exact instant, so two reports built from the
 * same records in the same month are equal (and hash alike: that is how "unchanged data" is recognised).
 */

export const REPORT_TYPES = ['expenses', 'budget', 'debt'] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

export const REPORT_FIGURES_VERSION = 2;

/** List lengths kept in a report: enough to act on, small enough for a prompt; the rest is summed (ListRest). */
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
  /** The categories after the top ones, summed. */
  otherCategories: ListRest;
  subscriptions: {
    items: Array<{
      name: string;
      cadence: Cadence;
      /** At the current price (after a price change, the new one). */
      estimatedMonthlyCostMinor: number;
      estimatedYearlyCostMinor: number;
      latestAmountMinor: number;
      priceChange: PriceChange | null;
      lastDate: string;
      nextExpectedDate: string;
      /** The next charge is already recorded (the main backend's copy a period ahead). */
      nextRecorded: boolean;
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
  /**
   * 50/30/20 on what actually went out in the last complete month: money moved to savings as savings (goal targets
   * add nothing), and each debt payment once (the expense that paid it, else the debt's monthly payment).
   */
  fiftyThirtyTwenty: FiftyThirtyTwenty;
  spendingByCategory: CategoryShare[];
  otherCategories: ListRest;
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
    /** The overruns after the largest ones: how many, and by how much together. */
    otherOverruns: ListRest;
    nearLimit: BudgetOverrun[];
    /** The near-limit budgets after the fullest ones: how many, and what was spent against them. */
    otherNearLimit: ListRest;
  };
}

export type StrategySummary = Omit<StrategyResult, 'schedule'>;

/**
 * The orders the plans use, fixed for the whole plan: avalanche by APR (highest first), snowball by the balance
 * at the start of the plan (smallest first, not re-sorted as balances change); ties by name, then id.
 */
export const PAYOFF_ORDERING = { avalanche: 'highest-apr', snowball: 'smallest-starting-balance' } as const;

/** The extra money of a what-if debt report, in minor units of the report's currency. */
export interface DebtWhatIf {
  extraMonthlyMinor?: number;
  lumpSumMinor?: number;
}

export interface ReportFiguresOptions {
  /** Debt reports only: run both strategies with this extra money too. */
  whatIf?: DebtWhatIf | null;
}

export interface DebtWhatIfFigures {
  extraMonthlyMinor: number;
  lumpSumMinor: number;
  /** The baseline: each debt on its own minimum until it is paid off, nothing moved on to other debts. */
  minimumsOnly: StrategySummary;
  /** The minimums plus the extra each month (and the lump sum in month 1). */
  avalanche: StrategySummary;
  snowball: StrategySummary;
  /** Against minimums only; null figures unless both pay off. */
  avalancheSaves: PlanSaving;
  snowballSaves: PlanSaving;
}

export interface DebtReportFigures extends FiguresBase {
  type: 'debt';
  debts: DebtView[];
  activeCount: number;
  totalBalanceMinor: number;
  monthlyPaymentsMinor: number;
  /** Recorded (take-home) income per month; how it was measured and which months had none: incomeBasis. */
  monthlyIncomeMinor: number;
  incomeBasis: IncomeBasis;
  debtToIncomePct: number | null;
  /** Avalanche vs snowball with today's monthly payments; null without an outstanding balance. */
  payoff: {
    ordering: typeof PAYOFF_ORDERING;
    better: 'avalanche' | 'snowball' | 'same' | 'neither';
    avalancheSavesInterestMinor: number | null;
    avalancheSavesMonths: number | null;
    unknownAprDebtIds: string[];
    avalanche: StrategySummary;
    snowball: StrategySummary;
  } | null;
  /** Present when the request asked for extra money and a debt has a balance. */
  whatIf: DebtWhatIfFigures | null;
}

export type ReportFigures = ExpensesReportFigures | BudgetReportFigures | DebtReportFigures;

export function buildReportFigures(type: 'expenses', ctx: FinancialContext): ExpensesReportFigures;
export function buildReportFigures(type: 'budget', ctx: FinancialContext): BudgetReportFigures;
export function buildReportFigures(
  type: 'debt',
  ctx: FinancialContext,
  options?: ReportFiguresOptions,
): DebtReportFigures;
export function buildReportFigures(
  type: ReportType,
  ctx: FinancialContext,
  options?: ReportFiguresOptions,
): ReportFigures;
export function buildReportFigures(
  type: ReportType,
  ctx: FinancialContext,
  options: ReportFiguresOptions = {},
): ReportFigures {
  switch (type) {
    case 'expenses':
      return expensesFigures(ctx);
    case 'budget':
      return budgetFigures(ctx);
    case 'debt':
      return debtFigures(ctx, options.whatIf ?? null);
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
  const categories = capList(s.spendingByCategory, REPORT_LIST_LIMIT, (c) => c.amountMinor);
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
    topCategories: categories.shown.map(share),
    otherCategories: categories.rest,
    subscriptions: {
      items: subscriptions.slice(0, REPORT_LIST_LIMIT).map((r) => ({
        name: r.name,
        cadence: r.cadence,
        estimatedMonthlyCostMinor: r.estimatedMonthlyCostMinor,
        estimatedYearlyCostMinor: r.estimatedYearlyCostMinor,
        latestAmountMinor: r.latestAmountMinor,
        priceChange: r.priceChange,
        lastDate: r.lastDate,
        nextExpectedDate: r.nextExpectedDate,
        nextRecorded: r.nextRecorded,
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
  const categories = capList(ctx.lastMonth.spendingByCategory, REPORT_LIST_LIMIT, (c) => c.amountMinor);
  const overruns = capList(
    applied.filter((l) => l.overrun).sort((x, y) => y.overrunMinor - x.overrunMinor),
    REPORT_LIST_LIMIT,
    (l) => l.overrunMinor,
  );
  const nearLimit = capList(
    applied
      .filter((l) => !l.overrun && l.percentUsedPct !== null && l.percentUsedPct >= NEAR_LIMIT_PCT)
      .sort((x, y) => (y.percentUsedPct ?? 0) - (x.percentUsedPct ?? 0)),
    REPORT_LIST_LIMIT,
    (l) => l.actualMinor,
  );
  return {
    type: 'budget',
    ...base(ctx),
    fiftyThirtyTwenty: ctx.fiftyThirtyTwentyLastMonth,
    spendingByCategory: categories.shown.map(share),
    otherCategories: categories.rest,
    budgetsThisMonth: {
      period: b.period,
      day: ctx.currentMonthProgress.day,
      daysInMonth: ctx.currentMonthProgress.daysInMonth,
      budgetCount: applied.length,
      budgetedMinor: b.totals.budgetedMinor,
      actualMinor: b.totals.actualMinor,
      percentUsedPct: b.totals.percentUsedPct,
      unbudgetedSpendingMinor: b.unbudgetedSpendingMinor,
      overruns: overruns.shown.map(line),
      otherOverruns: overruns.rest,
      nearLimit: nearLimit.shown.map(line),
      otherNearLimit: nearLimit.rest,
    },
  };
}

function withoutSchedule({ schedule: _schedule, ...rest }: StrategyResult): StrategySummary {
  return rest;
}

function debtFigures(ctx: FinancialContext, whatIf: DebtWhatIf | null): DebtReportFigures {
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
    incomeBasis: d.incomeBasis,
    debtToIncomePct: d.debtToIncomePct,
    payoff: p
      ? {
          ordering: PAYOFF_ORDERING,
          better: p.better,
          avalancheSavesInterestMinor: p.avalancheSavesInterestMinor,
          avalancheSavesMonths: p.avalancheSavesMonths,
          unknownAprDebtIds: p.unknownAprDebtIds,
          avalanche: withoutSchedule(p.avalanche),
          snowball: withoutSchedule(p.snowball),
        }
      : null,
    whatIf: p ? whatIfFigures(ctx, whatIf) : null,
  };
}

/** Both strategies with the extra money, against minimums only; null when no extra money was asked for. */
function whatIfFigures(ctx: FinancialContext, whatIf: DebtWhatIf | null): DebtWhatIfFigures | null {
  const extraMinor = Math.max(0, whatIf?.extraMonthlyMinor ?? 0);
  const lumpSumMinor = Math.max(0, whatIf?.lumpSumMinor ?? 0);
  if (extraMinor === 0 && lumpSumMinor === 0) return null;
  const w = whatIfPayoff(simulationDebts(ctx.debts.items), {
    startMonth: addMonths(ctx.currentMonth, 1),
    extraMinor,
    lumpSumMinor,
  });
  return {
    extraMonthlyMinor: w.extraMonthlyMinor,
    lumpSumMinor: w.lumpSumMinor,
    minimumsOnly: withoutSchedule(w.minimumsOnly),
    avalanche: withoutSchedule(w.avalanche),
    snowball: withoutSchedule(w.snowball),
    avalancheSaves: w.avalancheSaves,
    snowballSaves: w.snowballSaves,
  };
}
