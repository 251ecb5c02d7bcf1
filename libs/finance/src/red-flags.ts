import { budgetVsActual } from './budgets';
import { monthlyDebtPaymentsMinor, type PreparedDebt } from './debts';
import type { Ledger } from './ledger';
import { divRound, pct, roundHalfAwayFromZero } from './money';
import { addMonths, monthKey, monthsBetween, resolvePeriod, type MonthKey } from './periods';
import { monthFigures, summarisePeriod, upcomingMonthFigures } from './summary';

/**
 * Rule-based warnings. Each flag carries figures, never prose: the model words the alert, the numbers come from
 * here. Comparisons use exact integers/ratios, so a value exactly at its threshold never fires ("above 40%"
 * means strictly above).
 *
 * Severity rule per code (pp = percentage points):
 * - debt_to_income_high:     monthly debt payments over recorded (take-home) income, see monthlyIncomeBasis;
 *                            medium above the threshold; high above threshold + 10 pp; critical above + 20 pp, or
 *                            when payments are due and no income is recorded at all (the most severe case).
 * - negative_cash_flow:      the month in progress as expected to end (expectedMonthEnd), never the rows so far
 *                            alone; medium when the deficit is at most 10% of expected income; high up to 25%, or
 *                            when no income is expected at all (often missing data); critical above 25%.
 * - consecutive_overspending: high at N months in a row; critical at 2N or more.
 * - budget_overrun:          low when over by at most 10% of the budget; medium up to 25%; high above 25%.
 * - low_savings_rate:        low when at least half the floor; medium when at or above 0%; high when negative.
 * - debt_payment_overdue:    medium up to 7 days late; high up to 30 days; critical beyond.
 */

export type Severity = 'low' | 'medium' | 'high' | 'critical';
export type RedFlagCode =
  | 'debt_to_income_high'
  | 'negative_cash_flow'
  | 'consecutive_overspending'
  | 'budget_overrun'
  | 'low_savings_rate'
  | 'debt_payment_overdue';
export type RedFlagCategory = 'debt' | 'cash-flow' | 'budget' | 'savings';

export interface RedFlagThresholds {
  /**
   * Fires when monthly debt payments / monthly income is strictly above this percent. The income is what the user
   * records: take-home pay, not gross. 40% of take-home is stricter than the gross-income limits lenders quote
   * (about 36-43% of gross): for a UK basic-rate taxpayer take-home is roughly 80-85% of gross, so 40% of
   * take-home is roughly 32-34% of gross.
   */
  debtToIncomeMaxPct: number;
  /** Fires when this month's expected net cash flow at month end (minor units, expectedMonthEnd) is below this. */
  cashFlowFloorMinor: number;
  /** Fires when spending exceeded income in at least this many complete months in a row. */
  consecutiveOverspendMonths: number;
  /** Fires when the savings rate is strictly below this percent. */
  savingsRateFloorPct: number;
  /** Which month's savings rate is judged: the last complete month (settled) or this one (partial). */
  savingsRatePeriod: 'last-month' | 'this-month';
  /** Fires when a budget's actual is strictly above budget * (1 + tolerance / 100). */
  budgetOverrunTolerancePct: number;
  /** Fires when a payDueDate is more than this many days before now (0: any time before now). */
  overdueGraceDays: number;
  /** Complete months averaged for the debt-to-income income basis. */
  incomeBasisMonths: number;
}

export const DEFAULT_RED_FLAG_THRESHOLDS: Readonly<RedFlagThresholds> = Object.freeze({
  debtToIncomeMaxPct: 40,
  cashFlowFloorMinor: 0,
  consecutiveOverspendMonths: 3,
  savingsRateFloorPct: 10,
  savingsRatePeriod: 'last-month',
  budgetOverrunTolerancePct: 0,
  overdueGraceDays: 0,
  incomeBasisMonths: 3,
});

export interface RedFlag {
  code: RedFlagCode;
  severity: Severity;
  category: RedFlagCategory;
  subject: { type: 'debt' | 'budget'; id: string; name: string } | null;
  figures: Record<string, number | string | boolean | null>;
  threshold: { name: keyof RedFlagThresholds; value: number };
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };
const DAY_MS = 86_400_000;

/** Percent thresholds compared exactly: a * 10000 > b * round(pct * 100) (pct precise to 0.01). */
const abovePct = (numerator: number, denominator: number, thresholdPct: number): boolean =>
  numerator * 10000 > denominator * roundHalfAwayFromZero(thresholdPct * 100);

export interface IncomeBasis {
  /** Recorded (take-home) income per month: what the user enters is money received, not gross pay. */
  monthlyIncomeMinor: number;
  basis: 'average-recent-months' | 'this-month' | 'none';
  /** The months averaged, those without income included (as zero). */
  months: MonthKey[];
  /** Months of the basis (or, without any income, the months looked at) with no income recorded. */
  monthsWithoutIncome: MonthKey[];
}

/**
 * Monthly income for ratios: the average over the last N complete months that were fetched, a month without any
 * income recorded counting as zero (and listed in `monthsWithoutIncome`, so the gap is stated). Only when none of
 * them has income: this month's income so far ('this-month'); else 'none'.
 */
export function monthlyIncomeBasis(
  ledger: Ledger,
  now: Date,
  months = DEFAULT_RED_FLAG_THRESHOLDS.incomeBasisMonths,
): IncomeBasis {
  const current = monthKey(now, ledger.timeZone);
  const fetched = (mk: MonthKey): boolean =>
    monthsBetween(ledger.window.from, mk) >= 0 && monthsBetween(mk, ledger.window.to) >= 0;
  const basisMonths: MonthKey[] = [];
  const withoutIncome: MonthKey[] = [];
  let total = 0;
  for (let i = months; i >= 1; i--) {
    const mk = addMonths(current, -i);
    if (!fetched(mk)) continue;
    basisMonths.push(mk);
    const amount = ledger.income.get(mk)?.amountMinor ?? 0;
    if (amount > 0) total += amount;
    else withoutIncome.push(mk);
  }
  if (total > 0)
    return {
      monthlyIncomeMinor: divRound(total, basisMonths.length),
      basis: 'average-recent-months',
      months: basisMonths,
      monthsWithoutIncome: withoutIncome,
    };
  const thisMonth = ledger.income.get(current)?.amountMinor ?? 0;
  if (thisMonth > 0)
    return {
      monthlyIncomeMinor: thisMonth,
      basis: 'this-month',
      months: [current],
      monthsWithoutIncome: withoutIncome,
    };
  return { monthlyIncomeMinor: 0, basis: 'none', months: [], monthsWithoutIncome: [...withoutIncome, current] };
}

export interface ExpectedMonthEnd {
  incomeSoFarMinor: number;
  upcomingIncomeMinor: number;
  /** The larger of the income recorded for the month (so far + upcoming) and the usual monthly income. */
  expectedIncomeMinor: number;
  incomeExpectation: 'recorded' | 'usual-monthly';
  spendingSoFarMinor: number;
  upcomingSpendingMinor: number;
  /** expected income - (spending so far + upcoming spending); money moved to savings is the user's, not spent. */
  netCashFlowMinor: number;
}

/**
 * The month in progress as it is expected to end. Before payday a month has rent out and no salary in, so judging
 * it on the rows so far flags a deficit every month. Income expected is the larger of what is recorded for the
 * month (so far plus copies already dated later this month) and the usual monthly income (the average of the recent
 * complete months, `monthlyIncomeBasis`); spending is what went out so far plus upcoming copies. A real shortfall
 * still shows once the month is complete: in consecutive_overspending and in last month's savings rate.
 */
export function expectedMonthEnd(ledger: Ledger, month: MonthKey, usual: IncomeBasis): ExpectedMonthEnd {
  const soFar = monthFigures(ledger, month);
  const upcoming = upcomingMonthFigures(ledger, month);
  const recorded = soFar.incomeMinor + upcoming.incomeMinor;
  const usualMinor = usual.basis === 'average-recent-months' ? usual.monthlyIncomeMinor : 0;
  const expectedIncomeMinor = Math.max(recorded, usualMinor);
  return {
    incomeSoFarMinor: soFar.incomeMinor,
    upcomingIncomeMinor: upcoming.incomeMinor,
    expectedIncomeMinor,
    incomeExpectation: usualMinor > recorded ? 'usual-monthly' : 'recorded',
    spendingSoFarMinor: soFar.spendingMinor,
    upcomingSpendingMinor: upcoming.spendingMinor,
    netCashFlowMinor: expectedIncomeMinor - soFar.spendingMinor - upcoming.spendingMinor,
  };
}

export interface RedFlagOptions {
  now: Date;
  debts: PreparedDebt[];
  thresholds?: Partial<RedFlagThresholds>;
}

export function evaluateRedFlags(ledger: Ledger, options: RedFlagOptions): RedFlag[] {
  const t: RedFlagThresholds = { ...DEFAULT_RED_FLAG_THRESHOLDS, ...options.thresholds };
  const { now } = options;
  const flags: RedFlag[] = [];
  const current = monthKey(now, ledger.timeZone);

  // Debt-to-income, on recorded (take-home) income.
  const payments = monthlyDebtPaymentsMinor(options.debts);
  const income = monthlyIncomeBasis(ledger, now, t.incomeBasisMonths);
  const dtiFigures = {
    monthlyDebtPaymentsMinor: payments,
    monthlyIncomeMinor: income.monthlyIncomeMinor,
    incomeBasis: income.basis,
    monthsWithoutIncome: income.monthsWithoutIncome.length,
  };
  if (payments > 0 && income.monthlyIncomeMinor <= 0) {
    // Payments due and no income recorded at all: nothing to pay them from, as far as the records show.
    flags.push({
      code: 'debt_to_income_high',
      severity: 'critical',
      category: 'debt',
      subject: null,
      figures: { ...dtiFigures, debtToIncomePct: null, noIncome: true },
      threshold: { name: 'debtToIncomeMaxPct', value: t.debtToIncomeMaxPct },
    });
  } else if (payments > 0 && abovePct(payments, income.monthlyIncomeMinor, t.debtToIncomeMaxPct)) {
    const severity: Severity = abovePct(payments, income.monthlyIncomeMinor, t.debtToIncomeMaxPct + 20)
      ? 'critical'
      : abovePct(payments, income.monthlyIncomeMinor, t.debtToIncomeMaxPct + 10)
        ? 'high'
        : 'medium';
    flags.push({
      code: 'debt_to_income_high',
      severity,
      category: 'debt',
      subject: null,
      figures: { ...dtiFigures, debtToIncomePct: pct(payments, income.monthlyIncomeMinor), noIncome: false },
      threshold: { name: 'debtToIncomeMaxPct', value: t.debtToIncomeMaxPct },
    });
  }

  // Negative cash flow this month, judged on the month as it is expected to end (see expectedMonthEnd).
  const cash = expectedMonthEnd(ledger, current, income);
  if (cash.netCashFlowMinor < t.cashFlowFloorMinor) {
    const deficit = -cash.netCashFlowMinor;
    let severity: Severity;
    if (cash.expectedIncomeMinor <= 0) severity = 'high';
    else if (!abovePct(deficit, cash.expectedIncomeMinor, 10)) severity = 'medium';
    else if (!abovePct(deficit, cash.expectedIncomeMinor, 25)) severity = 'high';
    else severity = 'critical';
    flags.push({
      code: 'negative_cash_flow',
      severity,
      category: 'cash-flow',
      subject: null,
      figures: {
        month: current,
        incomeSoFarMinor: cash.incomeSoFarMinor,
        upcomingIncomeMinor: cash.upcomingIncomeMinor,
        expectedIncomeMinor: cash.expectedIncomeMinor,
        incomeExpectation: cash.incomeExpectation,
        spendingSoFarMinor: cash.spendingSoFarMinor,
        upcomingSpendingMinor: cash.upcomingSpendingMinor,
        netCashFlowMinor: cash.netCashFlowMinor,
        deficitPctOfIncome: pct(Math.max(0, deficit), cash.expectedIncomeMinor),
        partialMonth: true,
      },
      threshold: { name: 'cashFlowFloorMinor', value: t.cashFlowFloorMinor },
    });
  }

  // Spending above income for N complete months in a row (ending last month).
  const streak: MonthKey[] = [];
  for (let mk = addMonths(current, -1); monthsBetween(ledger.window.from, mk) >= 0; mk = addMonths(mk, -1)) {
    const f = monthFigures(ledger, mk);
    if (!(f.spendingMinor > f.incomeMinor)) break;
    streak.unshift(mk);
  }
  const n = Math.max(1, Math.floor(t.consecutiveOverspendMonths));
  if (streak.length >= n) {
    const figs = streak.map((mk) => monthFigures(ledger, mk));
    flags.push({
      code: 'consecutive_overspending',
      severity: streak.length >= 2 * n ? 'critical' : 'high',
      category: 'cash-flow',
      subject: null,
      figures: {
        consecutiveMonths: streak.length,
        fromMonth: streak[0],
        toMonth: streak[streak.length - 1],
        totalShortfallMinor: figs.reduce((s, f) => s + f.spendingMinor - f.incomeMinor, 0),
        // The streak is cut where the fetched window ends, so it may be longer in reality.
        reachesWindowStart: streak[0] === ledger.window.from,
      },
      threshold: { name: 'consecutiveOverspendMonths', value: n },
    });
  }

  // Budgets overrun this month.
  const report = budgetVsActual(ledger, { kind: 'this-month' }, { now });
  for (const line of report.lines) {
    // Putting more than planned into savings is not an overrun.
    if (line.budgetedMinor <= 0 || line.bucket === 'savings') continue;
    const limitBp = 10000 + roundHalfAwayFromZero(t.budgetOverrunTolerancePct * 100);
    if (!(line.actualMinor * 10000 > line.budgetedMinor * limitBp)) continue;
    const over = line.actualMinor - line.budgetedMinor;
    const severity: Severity = !abovePct(over, line.budgetedMinor, 10)
      ? 'low'
      : !abovePct(over, line.budgetedMinor, 25)
        ? 'medium'
        : 'high';
    flags.push({
      code: 'budget_overrun',
      severity,
      category: 'budget',
      subject: { type: 'budget', id: line.budgetId, name: line.name },
      figures: {
        month: current,
        budgetedMinor: line.budgetedMinor,
        actualMinor: line.actualMinor,
        overrunMinor: over,
        percentUsedPct: line.percentUsedPct,
        ownership: line.ownership,
        category: line.category,
      },
      threshold: { name: 'budgetOverrunTolerancePct', value: t.budgetOverrunTolerancePct },
    });
  }

  // Savings rate below the floor.
  const savingsPeriod = resolvePeriod({ kind: t.savingsRatePeriod }, now, ledger.timeZone);
  const s = summarisePeriod(ledger, savingsPeriod, { now });
  const floorBp = roundHalfAwayFromZero(t.savingsRateFloorPct * 100);
  // Saved = income - spending: what was left over plus what was moved to savings (see summarisePeriod).
  const saved = s.incomeMinor - s.spendingMinor;
  if (s.incomeMinor > 0 && saved * 10000 < s.incomeMinor * floorBp) {
    const severity: Severity = saved < 0 ? 'high' : saved * 20000 >= s.incomeMinor * floorBp ? 'low' : 'medium';
    flags.push({
      code: 'low_savings_rate',
      severity,
      category: 'savings',
      subject: null,
      figures: {
        month: savingsPeriod.label,
        incomeMinor: s.incomeMinor,
        spendingMinor: s.spendingMinor,
        movedToSavingsMinor: s.movedToSavingsMinor,
        netCashFlowMinor: s.netCashFlowMinor,
        savingsRatePct: s.savingsRatePct,
      },
      threshold: { name: 'savingsRateFloorPct', value: t.savingsRateFloorPct },
    });
  }

  // Payment due date passed on a debt that still has a balance.
  for (const d of options.debts) {
    if (d.paid || !d.payDueDate) continue;
    const lateMs = now.getTime() - d.payDueDate.getTime();
    if (!(lateMs > t.overdueGraceDays * DAY_MS)) continue;
    const daysOverdue = Math.floor(lateMs / DAY_MS);
    flags.push({
      code: 'debt_payment_overdue',
      severity: daysOverdue <= 7 ? 'medium' : daysOverdue <= 30 ? 'high' : 'critical',
      category: 'debt',
      subject: { type: 'debt', id: d.id, name: d.name },
      figures: {
        payDueDate: d.payDueDate.toISOString(),
        daysOverdue,
        balanceMinor: d.balanceMinor,
        monthlyPaymentMinor: d.minPaymentMinor,
      },
      threshold: { name: 'overdueGraceDays', value: t.overdueGraceDays },
    });
  }

  return flags.sort(
    (a, b) =>
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
      ((a.subject?.id ?? '') < (b.subject?.id ?? '') ? -1 : (a.subject?.id ?? '') > (b.subject?.id ?? '') ? 1 : 0),
  );
}
