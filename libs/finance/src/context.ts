import { budgetVsActual, type BudgetReport } from './budgets';
import { comparePayoffStrategies, type PayoffComparison } from './debt-payoff';
import { debtPaymentsInPeriod } from './debt-payments';
import { debtView, monthlyDebtPaymentsMinor, prepareDebts, type DebtView } from './debts';
import { findDuplicates, type DuplicateCluster } from './duplicates';
import { fiftyThirtyTwenty, type FiftyThirtyTwenty } from './fifty-thirty-twenty';
import type { FinanceInputs } from './inputs';
import { buildLedger } from './ledger';
import { currencyMinorDigits, DEFAULT_CURRENCY, DEFAULT_LOCALE, pct } from './money';
import {
  addMonths,
  daysInMonth,
  DEFAULT_TIME_ZONE,
  localDateKey,
  monthKey,
  resolvePeriod,
  type MonthKey,
} from './periods';
import {
  DEFAULT_RED_FLAG_THRESHOLDS,
  evaluateRedFlags,
  monthlyIncomeBasis,
  type IncomeBasis,
  type RedFlag,
  type RedFlagThresholds,
} from './red-flags';
import { detectRecurring, type RecurringItem, type RecurringOptions } from './recurring';
import { monthlySavingTargetsMinor, savingGoalsProgress, type SavingGoalProgress } from './saving-goals';
import { summarisePeriod, type PeriodSummary } from './summary';

/**
 * Everything the assistant may say about a user's money, assembled in one pure call. The object is plain JSON
 * (dates as ISO strings, money as integer minor units of `currency`), so it can be cached, logged and diffed.
 */

export const FINANCIAL_CONTEXT_VERSION = 1;

export interface ContextOptions {
  now: Date;
  timeZone?: string;
  currency?: string;
  locale?: string;
  thresholds?: Partial<RedFlagThresholds>;
  payoff?: { monthlyBudgetMinor?: number; extraMinor?: number; maxMonths?: number };
  duplicateWindowDays?: number;
  recurring?: Omit<RecurringOptions, 'now' | 'timeZone' | 'minorDigits'>;
}

export type DataQualityLevel = 'missing' | 'warning' | 'info';

export interface DataQualityItem {
  code: string;
  level: DataQualityLevel;
  detail: Record<string, string | number | boolean | null | string[]>;
}

export interface DataQuality {
  /** No 'missing' or 'warning' items. */
  complete: boolean;
  items: DataQualityItem[];
}

export interface FinancialContext {
  version: number;
  userId: string;
  generatedAt: string;
  timeZone: string;
  currency: string;
  locale: string;
  currentMonth: MonthKey;
  today: string;
  currentMonthProgress: { day: number; daysInMonth: number };
  thisMonth: PeriodSummary;
  lastMonth: PeriodSummary;
  last3Months: PeriodSummary;
  budgetsThisMonth: BudgetReport;
  /** So far this month (rows dated up to now). */
  fiftyThirtyTwentyThisMonth: FiftyThirtyTwenty;
  /** The last complete month: what the budget report judges. */
  fiftyThirtyTwentyLastMonth: FiftyThirtyTwenty;
  debts: {
    items: DebtView[];
    activeCount: number;
    totalBalanceMinor: number;
    monthlyPaymentsMinor: number;
    incomeBasis: IncomeBasis;
    debtToIncomePct: number | null;
    /** null when no debt has a balance. Month 1 of the simulation is the month after now. */
    payoff: PayoffComparison | null;
  };
  savingGoals: { items: SavingGoalProgress[]; monthlyTargetsMinor: number };
  recurring: {
    items: RecurringItem[];
    /** Active likely subscriptions. */
    subscriptions: RecurringItem[];
    subscriptionsMonthlyCostMinor: number;
    subscriptionsYearlyCostMinor: number;
  };
  duplicates: DuplicateCluster[];
  redFlags: RedFlag[];
  thresholds: RedFlagThresholds;
  dataQuality: DataQuality;
}

export function buildFinancialContext(inputs: FinanceInputs, options: ContextOptions): FinancialContext {
  const now = options.now;
  if (!(now instanceof Date) || Number.isNaN(now.getTime()))
    throw new RangeError('buildFinancialContext: options.now must be a valid Date');
  // The zone the repository computed the month keys in wins: months and keys must agree.
  const timeZone = inputs.timeZone || options.timeZone || DEFAULT_TIME_ZONE;
  const currency = (options.currency ?? DEFAULT_CURRENCY).toUpperCase();
  const locale = options.locale ?? DEFAULT_LOCALE;
  const minorDigits = currencyMinorDigits(currency);
  const thresholds: RedFlagThresholds = { ...DEFAULT_RED_FLAG_THRESHOLDS, ...options.thresholds };

  const ledger = buildLedger(inputs, { timeZone, minorDigits });
  const current = monthKey(now, timeZone);
  const thisPeriod = resolvePeriod({ kind: 'this-month' }, now, timeZone);

  const thisMonth = summarisePeriod(ledger, thisPeriod, { now });
  const lastMonth = summarisePeriod(ledger, { kind: 'last-month' }, { now });
  const last3Months = summarisePeriod(ledger, { kind: 'last-n-months', n: 3 }, { now });
  const budgetsThisMonth = budgetVsActual(ledger, thisPeriod, { now });

  const debts = prepareDebts(inputs.debts ?? [], minorDigits);
  const active = debts.filter((d) => !d.paid);
  const monthlyPaymentsMinor = monthlyDebtPaymentsMinor(debts);
  const incomeBasis = monthlyIncomeBasis(ledger, now, thresholds.incomeBasisMonths);
  const goals = inputs.savingGoals ?? [];
  const monthlyTargetsMinor = monthlySavingTargetsMinor(goals, minorDigits);

  const recurringItems = detectRecurring(inputs.recurringCandidates ?? [], {
    ...options.recurring,
    now,
    timeZone,
    minorDigits,
    budgets: inputs.budgets ?? [],
  });
  const subscriptions = recurringItems.filter((r) => r.likelySubscription && r.active);

  const context: FinancialContext = {
    version: FINANCIAL_CONTEXT_VERSION,
    userId: inputs.userId,
    generatedAt: now.toISOString(),
    timeZone,
    currency,
    locale,
    currentMonth: current,
    today: localDateKey(now, timeZone),
    currentMonthProgress: currentMonthProgress(now, timeZone),
    thisMonth,
    lastMonth,
    last3Months,
    budgetsThisMonth,
    fiftyThirtyTwentyThisMonth: fiftyThirtyTwenty(thisMonth, debtPaymentsInPeriod(ledger, thisPeriod.months, debts)),
    fiftyThirtyTwentyLastMonth: fiftyThirtyTwenty(
      lastMonth,
      debtPaymentsInPeriod(ledger, lastMonth.period.months, debts),
    ),
    debts: {
      items: [...debts]
        .sort((a, b) => Number(a.paid) - Number(b.paid) || b.balanceMinor - a.balanceMinor || (a.id < b.id ? -1 : 1))
        .map(debtView),
      activeCount: active.length,
      totalBalanceMinor: active.reduce((s, d) => s + d.balanceMinor, 0),
      monthlyPaymentsMinor,
      incomeBasis,
      debtToIncomePct: pct(monthlyPaymentsMinor, incomeBasis.monthlyIncomeMinor),
      payoff:
        active.length > 0
          ? comparePayoffStrategies(debts, { ...options.payoff, startMonth: addMonths(current, 1) })
          : null,
    },
    savingGoals: { items: savingGoalsProgress(goals, now, timeZone, minorDigits), monthlyTargetsMinor },
    recurring: {
      items: recurringItems,
      subscriptions,
      subscriptionsMonthlyCostMinor: subscriptions.reduce((s, r) => s + r.estimatedMonthlyCostMinor, 0),
      subscriptionsYearlyCostMinor: subscriptions.reduce((s, r) => s + r.estimatedYearlyCostMinor, 0),
    },
    duplicates: findDuplicates(inputs.duplicateCandidates ?? [], {
      windowDays: options.duplicateWindowDays,
      minorDigits,
    }),
    redFlags: evaluateRedFlags(ledger, { now, debts, thresholds }),
    thresholds,
    dataQuality: { complete: true, items: [] },
  };
  context.dataQuality = assessDataQuality(context, inputs, ledger);
  return context;
}

function currentMonthProgress(now: Date, timeZone: string): { day: number; daysInMonth: number } {
  const [y, m, d] = localDateKey(now, timeZone).split('-').map(Number);
  return { day: d, daysInMonth: daysInMonth(y, m) };
}

function assessDataQuality(
  ctx: FinancialContext,
  inputs: FinanceInputs,
  ledger: ReturnType<typeof buildLedger>,
): DataQuality {
  const items: DataQualityItem[] = [];
  const add = (code: string, level: DataQualityLevel, detail: DataQualityItem['detail'] = {}): void => {
    items.push({ code, level, detail });
  };

  for (const [name, s] of [
    ['this-month', ctx.thisMonth],
    ['last-month', ctx.lastMonth],
    ['last-3-months', ctx.last3Months],
  ] as const) {
    if (!s.period.covered)
      add('period-not-fetched', 'warning', {
        period: name,
        months: s.period.months,
        window: `${ledger.window.from}..${ledger.window.to}`,
      });
  }
  if (ctx.thisMonth.incomeCount === 0) add('no-income-this-month', 'missing', { month: ctx.currentMonth });
  if (ctx.thisMonth.expenseCount === 0) add('no-expenses-this-month', 'missing', { month: ctx.currentMonth });
  if (ctx.lastMonth.incomeCount === 0) add('no-income-last-month', 'missing', { month: ctx.lastMonth.period.label });
  if (ctx.lastMonth.expenseCount === 0) add('no-expenses-last-month', 'missing', { month: ctx.lastMonth.period.label });
  if (ctx.last3Months.incomeCount === 0)
    add('no-income-last-3-months', 'missing', { months: ctx.last3Months.period.months });
  if (ledger.budgets.length === 0) add('no-budgets', 'missing');
  if ((inputs.debts ?? []).length === 0) add('no-debts', 'info');
  else if (ctx.debts.activeCount === 0) add('all-debts-paid', 'info');
  if ((inputs.savingGoals ?? []).length === 0) add('no-saving-goals', 'info');

  const unknown = ctx.debts.items.filter((d) => d.status === 'active' && d.aprSource === 'unknown').map((d) => d.id);
  if (unknown.length) add('debt-apr-unknown', 'warning', { debtIds: unknown, assumedAprPct: 0 });
  const estimated = ctx.debts.items
    .filter((d) => d.status === 'active' && d.aprSource === 'estimated')
    .map((d) => d.id);
  if (estimated.length) add('debt-apr-estimated', 'info', { debtIds: estimated });
  const implausible = ctx.debts.items
    .filter((d) => d.status === 'active' && d.implausibleStatedAprPct !== null)
    .map((d) => d.id);
  if (implausible.length) add('debt-apr-implausible', 'warning', { debtIds: implausible });
  const noPayment = ctx.debts.items
    .filter((d) => d.status === 'active' && d.monthlyPaymentMinor === 0)
    .map((d) => d.id);
  if (noPayment.length) add('debt-monthly-payment-missing', 'warning', { debtIds: noPayment });

  if (ledger.unknownBudgetIds.length) add('unknown-budget-ids', 'warning', { budgetIds: ledger.unknownBudgetIds });
  if (ledger.ignoredPartnerBudgetIds.length)
    add('partner-personal-budgets-ignored', 'info', { budgetIds: ledger.ignoredPartnerBudgetIds });
  if (ledger.partnerId && !ctx.budgetsThisMonth.partnerSpendIncluded) add('partner-household-spend-missing', 'warning');
  if (ledger.budgetsWithoutCreatedAt.length)
    add('budget-created-date-missing', 'warning', { budgetIds: ledger.budgetsWithoutCreatedAt });
  if (ledger.droppedExpenseItems)
    add('expense-items-without-date-dropped', 'warning', { count: ledger.droppedExpenseItems });
  if (ledger.ignoredMonths.length) add('rows-outside-window-ignored', 'warning', { months: ledger.ignoredMonths });
  if ((inputs.recurringCandidates ?? []).length === 0) add('no-recurring-history', 'info');
  if (ctx.thisMonth.period.partial) {
    add('current-month-in-progress', 'info', {
      day: ctx.currentMonthProgress.day,
      daysInMonth: ctx.currentMonthProgress.daysInMonth,
      // Recorded for later this month (copies made ahead): left out of "so far", shown apart.
      upcomingIncomeCount: ctx.thisMonth.upcoming.incomeCount,
      upcomingExpenseCount: ctx.thisMonth.upcoming.expenseCount,
    });
  }
  return { complete: !items.some((i) => i.level !== 'info'), items };
}
