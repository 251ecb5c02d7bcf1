import type { AprSource, DebtView, PreparedDebt } from './debts';
import { roundPct } from './money';
import { addMonths, type MonthKey } from './periods';

/**
 * Month-by-month payoff simulation in integer minor units. Each month, in this order:
 *  1. interest accrues on every open debt: balance * APR / 12, rounded half up to a whole minor unit;
 *  2. every open debt gets its minimum (monthlyPayment), capped at what it owes;
 *  3. whatever is left of the monthly budget (plus, in month 1, any lump sum) goes to the target debt (first open
 *     debt in strategy order), then the next, until the money or the debts run out.
 * The budget stays constant, so a paid-off debt's minimum automatically rolls over to the target.
 *
 * Ordering, fixed for the whole plan: avalanche by APR (highest first); snowball by the balance at the START of
 * the plan (smallest first), never re-sorted as balances change. Ties by name, then id.
 *
 * A plan that cannot work gives no totals, because a total "after N months" of a plan that never ends is an
 * artefact of where the simulation stopped:
 *  - 'budget-below-minimums': the monthly budget does not cover month 1's minimum payments; not simulated, and
 *    the shortfall is stated.
 *  - 'payment-below-interest': from some month on no balance falls and none is paid off. The allocation of a
 *    constant budget is then the same every month while interest can only grow, so no balance ever falls again:
 *    it never pays off. When the payments are at or below month 1's interest this is seen in month 1, and the
 *    shortfall (month 1's interest less the monthly payment) is stated.
 *  - 'exceeds-max-months': balances still fall, but not to zero within maxMonths (600 = 50 years).
 *  - 'no-payment': the monthly budget is zero.
 */

export type Strategy = 'avalanche' | 'snowball';
/** A strategy, or each debt paying only its own minimum until it is paid off, nothing moved on: the baseline. */
export type Plan = Strategy | 'minimums-only';

export const DEFAULT_MAX_MONTHS = 600;

export type NeverPaysOffReason =
  'payment-below-interest' | 'budget-below-minimums' | 'exceeds-max-months' | 'no-payment';

export interface PayoffOptions {
  /** First simulated month (month 1). */
  startMonth: MonthKey;
  /** Total paid towards all debts each month; default: the sum of their monthly payments. */
  monthlyBudgetMinor?: number;
  /** Added on top of the monthly budget. */
  extraMinor?: number;
  /** Paid once, in month 1, on top of the monthly budget; it goes where extra money goes. */
  lumpSumMinor?: number;
  maxMonths?: number;
  /** Include the first N months of the schedule in the result (for explanations and tests). */
  scheduleMonths?: number;
}

/** What the simulation reads of a debt: a PreparedDebt has it, and so has a DebtView (see `simulationDebts`). */
export type SimulatedDebt = Pick<
  PreparedDebt,
  'id' | 'name' | 'balanceMinor' | 'minPaymentMinor' | 'apr' | 'aprBp' | 'aprSource' | 'paid'
>;

/** A context's debts (DebtView) back as simulation input: the exact simulated rate is `aprBp`. */
export function simulationDebts(views: DebtView[]): SimulatedDebt[] {
  return views.map((v) => ({
    id: v.id,
    name: v.name,
    balanceMinor: v.balanceMinor,
    minPaymentMinor: v.monthlyPaymentMinor,
    apr: v.aprPct,
    aprBp: v.aprBp,
    aprSource: v.aprSource,
    paid: v.status === 'paid',
  }));
}

export interface DebtPayoff {
  id: string;
  name: string;
  aprPct: number;
  aprSource: AprSource;
  startingBalanceMinor: number;
  /** Interest charged until it reached zero; null when it does not within the plan. */
  interestPaidMinor: number | null;
  /** Paid until it reached zero; null when it does not within the plan. */
  totalPaidMinor: number | null;
  /** 1-based month of the simulation in which it reached zero; null if it never did. */
  payoffMonth: number | null;
  payoffMonthKey: MonthKey | null;
}

export interface ScheduleMonth {
  month: number;
  monthKey: MonthKey;
  debts: Array<{ id: string; interestMinor: number; paymentMinor: number; balanceMinor: number }>;
}

export interface StrategyResult {
  strategy: Plan;
  paysOff: boolean;
  reason: NeverPaysOffReason | null;
  /** Months to debt-free; null when it never pays off. */
  months: number | null;
  debtFreeMonthKey: MonthKey | null;
  /** Interest until debt-free; null when it never pays off (no total from an arbitrary horizon). */
  totalInterestMinor: number | null;
  /** Paid until debt-free; null when it never pays off. */
  totalPaidMinor: number | null;
  /** Paid towards the debts every month (budget + extra); minimums-only: the sum of the minimums. */
  monthlyBudgetMinor: number;
  /** Paid once on top in month 1. */
  lumpSumMinor: number;
  /** Month 1 as it stands: the interest it charges and the minimum payments due (each capped at what is owed). */
  firstMonth: { interestMinor: number; minimumsMinor: number };
  /**
   * 'payment-below-interest': month 1's interest less the monthly payment (0 when they are equal; null if month 1
   * was covered and the balances stopped falling later). 'budget-below-minimums': month 1's minimums less the
   * budget. Otherwise null.
   */
  shortfallMinor: number | null;
  /** Months simulated at most: 'exceeds-max-months' means not within this many. */
  maxMonths: number;
  /** Debts in the order they reach zero (ties within a month: strategy order), also when the plan never ends. */
  payoffOrder: Array<{ id: string; name: string; month: number; monthKey: MonthKey }>;
  debts: DebtPayoff[];
  startingBalanceMinor: number;
  warnings: Array<'apr-unknown-treated-as-zero'>;
  schedule: ScheduleMonth[];
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const tieBreak = (a: SimulatedDebt, b: SimulatedDebt): number => byText(a.name, b.name) || byText(a.id, b.id);

export function strategyOrder<T extends SimulatedDebt>(debts: T[], strategy: Plan): T[] {
  const sorted = [...debts];
  if (strategy === 'avalanche') sorted.sort((a, b) => b.aprBp - a.aprBp || tieBreak(a, b));
  else sorted.sort((a, b) => a.balanceMinor - b.balanceMinor || tieBreak(a, b));
  return sorted;
}

/** balance * bp / 120000 (APR in hundredths of a percent, per month) rounded half up, exactly via BigInt. */
export function monthlyInterestMinor(balanceMinor: number, aprBp: number): number {
  if (balanceMinor <= 0 || aprBp <= 0) return 0;
  const n = BigInt(balanceMinor) * BigInt(aprBp);
  return Number((2n * n + 120000n) / 240000n);
}

export function defaultMonthlyBudgetMinor(debts: SimulatedDebt[]): number {
  return debts.filter((d) => !d.paid).reduce((s, d) => s + d.minPaymentMinor, 0);
}

export function simulatePayoff(allDebts: SimulatedDebt[], strategy: Plan, options: PayoffOptions): StrategyResult {
  const debts = strategyOrder(
    allDebts.filter((d) => !d.paid),
    strategy,
  );
  const minimumsOnly = strategy === 'minimums-only';
  const budget = minimumsOnly
    ? defaultMonthlyBudgetMinor(debts)
    : Math.max(0, options.monthlyBudgetMinor ?? defaultMonthlyBudgetMinor(debts)) +
      Math.max(0, options.extraMinor ?? 0);
  const lumpSum = minimumsOnly ? 0 : Math.max(0, options.lumpSumMinor ?? 0);
  const maxMonths = options.maxMonths ?? DEFAULT_MAX_MONTHS;
  const scheduleMonths = options.scheduleMonths ?? 0;

  const balance = debts.map((d) => d.balanceMinor);
  const interestPaid = debts.map(() => 0);
  const paid = debts.map(() => 0);
  const payoffMonth: Array<number | null> = debts.map(() => null);
  const startingBalance = balance.reduce((s, b) => s + b, 0);
  const warnings: StrategyResult['warnings'] = [];
  if (debts.some((d) => d.aprSource === 'unknown')) warnings.push('apr-unknown-treated-as-zero');

  const firstInterest = debts.map((d, i) => monthlyInterestMinor(balance[i], d.aprBp));
  const firstMonth = {
    interestMinor: firstInterest.reduce((s, x) => s + x, 0),
    minimumsMinor: debts.reduce((s, d, i) => s + Math.min(d.minPaymentMinor, balance[i] + firstInterest[i]), 0),
  };

  const payoffOrder: StrategyResult['payoffOrder'] = [];
  const schedule: ScheduleMonth[] = [];
  let totalInterest = 0;
  let totalPaid = 0;
  let month = 0;
  let reason: NeverPaysOffReason | null = null;
  let shortfall: number | null = null;
  let open = debts.length;

  if (open > 0 && budget === 0) reason = 'no-payment';
  else if (open > 0 && budget < firstMonth.minimumsMinor) {
    reason = 'budget-below-minimums';
    shortfall = firstMonth.minimumsMinor - budget;
  }
  while (open > 0 && reason === null) {
    if (month >= maxMonths) {
      reason = 'exceeds-max-months';
      break;
    }
    month += 1;
    const interestThisMonth = debts.map(() => 0);
    const paymentThisMonth = debts.map(() => 0);
    for (let i = 0; i < debts.length; i++) {
      if (balance[i] <= 0) continue;
      const interest = monthlyInterestMinor(balance[i], debts[i].aprBp);
      balance[i] += interest;
      interestThisMonth[i] = interest;
    }
    let money = budget + (month === 1 ? lumpSum : 0);
    const pay = (i: number, amount: number): void => {
      const p = Math.min(amount, balance[i], money);
      balance[i] -= p;
      money -= p;
      paymentThisMonth[i] += p;
    };
    for (let i = 0; i < debts.length && money > 0; i++) if (balance[i] > 0) pay(i, debts[i].minPaymentMinor);
    if (!minimumsOnly) for (let i = 0; i < debts.length && money > 0; i++) if (balance[i] > 0) pay(i, money);

    let closed = 0;
    let fell = false;
    for (let i = 0; i < debts.length; i++) {
      interestPaid[i] += interestThisMonth[i];
      paid[i] += paymentThisMonth[i];
      totalInterest += interestThisMonth[i];
      totalPaid += paymentThisMonth[i];
      // The balance fell this month exactly when more was paid than the interest added.
      if (paymentThisMonth[i] > interestThisMonth[i]) fell = true;
      if (balance[i] <= 0 && payoffMonth[i] === null && debts[i].balanceMinor > 0) {
        payoffMonth[i] = month;
        open -= 1;
        closed += 1;
        payoffOrder.push({
          id: debts[i].id,
          name: debts[i].name,
          month,
          monthKey: addMonths(options.startMonth, month - 1),
        });
      }
    }
    if (month <= scheduleMonths) {
      schedule.push({
        month,
        monthKey: addMonths(options.startMonth, month - 1),
        debts: debts.map((d, i) => ({
          id: d.id,
          interestMinor: interestThisMonth[i],
          paymentMinor: paymentThisMonth[i],
          balanceMinor: balance[i],
        })),
      });
    }
    if (open > 0 && closed === 0 && !fell) {
      reason = 'payment-below-interest';
      shortfall = firstMonth.interestMinor >= budget ? firstMonth.interestMinor - budget : null;
    }
  }

  const paysOff = open === 0;
  return {
    strategy,
    paysOff,
    reason: paysOff ? null : reason,
    months: paysOff ? month : null,
    debtFreeMonthKey: paysOff && month > 0 ? addMonths(options.startMonth, month - 1) : null,
    totalInterestMinor: paysOff ? totalInterest : null,
    totalPaidMinor: paysOff ? totalPaid : null,
    monthlyBudgetMinor: budget,
    lumpSumMinor: lumpSum,
    firstMonth,
    shortfallMinor: paysOff ? null : shortfall,
    maxMonths,
    payoffOrder,
    debts: debts.map((d, i) => {
      const done = payoffMonth[i] !== null;
      return {
        id: d.id,
        name: d.name,
        aprPct: roundPct(d.apr),
        aprSource: d.aprSource,
        startingBalanceMinor: d.balanceMinor,
        interestPaidMinor: done ? interestPaid[i] : null,
        totalPaidMinor: done ? paid[i] : null,
        payoffMonth: payoffMonth[i],
        payoffMonthKey: done ? addMonths(options.startMonth, (payoffMonth[i] as number) - 1) : null,
      };
    }),
    startingBalanceMinor: startingBalance,
    warnings,
    schedule,
  };
}

export interface PayoffComparison {
  avalanche: StrategyResult;
  snowball: StrategyResult;
  /** snowball interest - avalanche interest (positive: avalanche is cheaper); null unless both pay off. */
  avalancheSavesInterestMinor: number | null;
  /** snowball months - avalanche months; null unless both pay off. */
  avalancheSavesMonths: number | null;
  better: Strategy | 'same' | 'neither';
  /** Debts with nothing owed, left out of the simulation. */
  excluded: Array<{ id: string; name: string; reason: 'already-paid' }>;
  /** Debts simulated at 0% because no APR could be determined. */
  unknownAprDebtIds: string[];
}

export function comparePayoffStrategies(debts: SimulatedDebt[], options: PayoffOptions): PayoffComparison {
  const avalanche = simulatePayoff(debts, 'avalanche', options);
  const snowball = simulatePayoff(debts, 'snowball', options);
  const both = avalanche.paysOff && snowball.paysOff;
  const interestGap = both ? (snowball.totalInterestMinor as number) - (avalanche.totalInterestMinor as number) : null;
  const monthsGap = both ? (snowball.months as number) - (avalanche.months as number) : null;
  let better: PayoffComparison['better'];
  if (both) {
    const d = (interestGap as number) || (monthsGap as number);
    better = d > 0 ? 'avalanche' : d < 0 ? 'snowball' : 'same';
  } else if (avalanche.paysOff) better = 'avalanche';
  else if (snowball.paysOff) better = 'snowball';
  else better = 'neither';
  return {
    avalanche,
    snowball,
    avalancheSavesInterestMinor: interestGap,
    avalancheSavesMonths: monthsGap,
    better,
    excluded: debts
      .filter((d) => d.paid)
      .sort(tieBreak)
      .map((d) => ({ id: d.id, name: d.name, reason: 'already-paid' as const })),
    unknownAprDebtIds: debts
      .filter((d) => !d.paid && d.aprSource === 'unknown')
      .map((d) => d.id)
      .sort(),
  };
}

/** Months and interest a plan saves against paying only the minimums; null unless both pay off. */
export interface PlanSaving {
  monthsSaved: number | null;
  interestSavedMinor: number | null;
}

export interface WhatIfComparison {
  extraMonthlyMinor: number;
  lumpSumMinor: number;
  /** The baseline: each debt on its own minimum until it is paid off, nothing moved on to other debts. */
  minimumsOnly: StrategyResult;
  /** Both strategies at the minimums plus the extra each month, and the lump sum in month 1. */
  avalanche: StrategyResult;
  snowball: StrategyResult;
  avalancheSaves: PlanSaving;
  snowballSaves: PlanSaving;
}

function saving(baseline: StrategyResult, plan: StrategyResult): PlanSaving {
  const both = baseline.paysOff && plan.paysOff;
  return {
    monthsSaved: both ? (baseline.months as number) - (plan.months as number) : null,
    interestSavedMinor: both ? (baseline.totalInterestMinor as number) - (plan.totalInterestMinor as number) : null,
  };
}

/**
 * "What if I paid more?": both strategies with `extraMinor` a month on top of the minimums and `lumpSumMinor`
 * once in month 1, against paying only the minimums.
 */
export function whatIfPayoff(
  debts: SimulatedDebt[],
  options: Pick<PayoffOptions, 'startMonth' | 'extraMinor' | 'lumpSumMinor' | 'maxMonths'>,
): WhatIfComparison {
  const extraMonthlyMinor = Math.max(0, options.extraMinor ?? 0);
  const lumpSumMinor = Math.max(0, options.lumpSumMinor ?? 0);
  const base = { startMonth: options.startMonth, maxMonths: options.maxMonths };
  const minimumsOnly = simulatePayoff(debts, 'minimums-only', base);
  const plan = { ...base, extraMinor: extraMonthlyMinor, lumpSumMinor };
  const avalanche = simulatePayoff(debts, 'avalanche', plan);
  const snowball = simulatePayoff(debts, 'snowball', plan);
  return {
    extraMonthlyMinor,
    lumpSumMinor,
    minimumsOnly,
    avalanche,
    snowball,
    avalancheSaves: saving(minimumsOnly, avalanche),
    snowballSaves: saving(minimumsOnly, snowball),
  };
}
