import type { AprSource, PreparedDebt } from './debts';
import { roundPct } from './money';
import { addMonths, type MonthKey } from './periods';

/**
 * Month-by-month payoff simulation in integer minor units. Each month, in this order:
 *  1. interest accrues on every open debt: balance * APR / 12, rounded half up to a whole minor unit;
 *  2. every open debt gets its minimum (monthlyPayment), capped at what it owes;
 *  3. whatever is left of the monthly budget goes to the target debt (first open debt in strategy order),
 *     then the next, until the money or the debts run out.
 * The budget stays constant, so a paid-off debt's minimum automatically rolls over to the target.
 * Avalanche orders by APR (highest first), snowball by starting balance (smallest first); ties by name, then id.
 */

export type Strategy = 'avalanche' | 'snowball';

export const DEFAULT_MAX_MONTHS = 600;
/** A total balance this many times the starting one means the payments lost the race to interest. */
const RUNAWAY_FACTOR = 100;

export type NeverPaysOffReason =
  /** The balance grows (or does not fall) because payments do not cover the interest. */
  | 'payment-below-interest'
  /** The balance falls, but not to zero within maxMonths. */
  | 'exceeds-max-months'
  /** The monthly budget is zero. */
  | 'no-payment';

export interface PayoffOptions {
  /** First simulated month (month 1). */
  startMonth: MonthKey;
  /** Total paid towards all debts each month; default: the sum of their monthly payments. */
  monthlyBudgetMinor?: number;
  /** Added on top of the monthly budget. */
  extraMinor?: number;
  maxMonths?: number;
  /** Include the first N months of the schedule in the result (for explanations and tests). */
  scheduleMonths?: number;
}

export interface DebtPayoff {
  id: string;
  name: string;
  aprPct: number;
  aprSource: AprSource;
  startingBalanceMinor: number;
  interestPaidMinor: number;
  totalPaidMinor: number;
  /** 1-based month of the simulation in which it reached zero; null if it never did. */
  payoffMonth: number | null;
  payoffMonthKey: MonthKey | null;
  /** Balance left at the end of the simulation (0 when paid off). */
  remainingMinor: number;
}

export interface ScheduleMonth {
  month: number;
  monthKey: MonthKey;
  debts: Array<{ id: string; interestMinor: number; paymentMinor: number; balanceMinor: number }>;
}

export interface StrategyResult {
  strategy: Strategy;
  paysOff: boolean;
  reason: NeverPaysOffReason | null;
  /** Months to debt-free when paysOff; otherwise the months simulated. */
  months: number;
  debtFreeMonthKey: MonthKey | null;
  totalInterestMinor: number;
  totalPaidMinor: number;
  monthlyBudgetMinor: number;
  /** Debts in the order they reach zero (ties within a month: strategy order). */
  payoffOrder: Array<{ id: string; name: string; month: number; monthKey: MonthKey }>;
  debts: DebtPayoff[];
  startingBalanceMinor: number;
  endingBalanceMinor: number;
  warnings: Array<'budget-below-minimums' | 'apr-unknown-treated-as-zero'>;
  schedule: ScheduleMonth[];
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const tieBreak = (a: PreparedDebt, b: PreparedDebt): number => byText(a.name, b.name) || byText(a.id, b.id);

export function strategyOrder(debts: PreparedDebt[], strategy: Strategy): PreparedDebt[] {
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

export function defaultMonthlyBudgetMinor(debts: PreparedDebt[]): number {
  return debts.filter((d) => !d.paid).reduce((s, d) => s + d.minPaymentMinor, 0);
}

export function simulatePayoff(allDebts: PreparedDebt[], strategy: Strategy, options: PayoffOptions): StrategyResult {
  const debts = strategyOrder(
    allDebts.filter((d) => !d.paid),
    strategy,
  );
  const budget =
    Math.max(0, options.monthlyBudgetMinor ?? defaultMonthlyBudgetMinor(debts)) + Math.max(0, options.extraMinor ?? 0);
  const maxMonths = options.maxMonths ?? DEFAULT_MAX_MONTHS;
  const scheduleMonths = options.scheduleMonths ?? 0;

  const balance = debts.map((d) => d.balanceMinor);
  const interestPaid = debts.map(() => 0);
  const paid = debts.map(() => 0);
  const payoffMonth: Array<number | null> = debts.map(() => null);
  const startingBalance = balance.reduce((s, b) => s + b, 0);
  const warnings: StrategyResult['warnings'] = [];
  if (debts.some((d) => d.aprSource === 'unknown')) warnings.push('apr-unknown-treated-as-zero');
  if (budget < defaultMonthlyBudgetMinor(debts)) warnings.push('budget-below-minimums');

  const payoffOrder: StrategyResult['payoffOrder'] = [];
  const schedule: ScheduleMonth[] = [];
  let totalInterest = 0;
  let totalPaid = 0;
  let month = 0;
  let reason: NeverPaysOffReason | null = null;
  let open = debts.length;

  if (open > 0 && budget === 0) reason = 'no-payment';
  while (open > 0 && reason === null) {
    if (month >= maxMonths) {
      reason = balance.reduce((s, b) => s + b, 0) >= startingBalance ? 'payment-below-interest' : 'exceeds-max-months';
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
    let money = budget;
    const pay = (i: number, amount: number): void => {
      const p = Math.min(amount, balance[i], money);
      balance[i] -= p;
      money -= p;
      paymentThisMonth[i] += p;
    };
    for (let i = 0; i < debts.length && money > 0; i++) if (balance[i] > 0) pay(i, debts[i].minPaymentMinor);
    for (let i = 0; i < debts.length && money > 0; i++) if (balance[i] > 0) pay(i, money);

    for (let i = 0; i < debts.length; i++) {
      interestPaid[i] += interestThisMonth[i];
      paid[i] += paymentThisMonth[i];
      totalInterest += interestThisMonth[i];
      totalPaid += paymentThisMonth[i];
      if (balance[i] <= 0 && payoffMonth[i] === null && debts[i].balanceMinor > 0) {
        payoffMonth[i] = month;
        open -= 1;
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
    if (open > 0 && balance.reduce((s, b) => s + b, 0) > RUNAWAY_FACTOR * startingBalance) {
      reason = 'payment-below-interest';
    }
  }

  const paysOff = open === 0;
  return {
    strategy,
    paysOff,
    reason: paysOff ? null : reason,
    months: month,
    debtFreeMonthKey: paysOff && month > 0 ? addMonths(options.startMonth, month - 1) : null,
    totalInterestMinor: totalInterest,
    totalPaidMinor: totalPaid,
    monthlyBudgetMinor: budget,
    payoffOrder,
    debts: debts.map((d, i) => ({
      id: d.id,
      name: d.name,
      aprPct: roundPct(d.apr),
      aprSource: d.aprSource,
      startingBalanceMinor: d.balanceMinor,
      interestPaidMinor: interestPaid[i],
      totalPaidMinor: paid[i],
      payoffMonth: payoffMonth[i],
      payoffMonthKey: payoffMonth[i] === null ? null : addMonths(options.startMonth, (payoffMonth[i] as number) - 1),
      remainingMinor: Math.max(0, balance[i]),
    })),
    startingBalanceMinor: startingBalance,
    endingBalanceMinor: balance.reduce((s, b) => s + Math.max(0, b), 0),
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
  /** Debts with balance <= 0, left out of the simulation. */
  excluded: Array<{ id: string; name: string; reason: 'already-paid' }>;
  /** Debts simulated at 0% because no APR could be determined. */
  unknownAprDebtIds: string[];
}

export function comparePayoffStrategies(debts: PreparedDebt[], options: PayoffOptions): PayoffComparison {
  const avalanche = simulatePayoff(debts, 'avalanche', options);
  const snowball = simulatePayoff(debts, 'snowball', options);
  const both = avalanche.paysOff && snowball.paysOff;
  let better: PayoffComparison['better'];
  if (both) {
    const d = snowball.totalInterestMinor - avalanche.totalInterestMinor || snowball.months - avalanche.months;
    better = d > 0 ? 'avalanche' : d < 0 ? 'snowball' : 'same';
  } else if (avalanche.paysOff) better = 'avalanche';
  else if (snowball.paysOff) better = 'snowball';
  else better = 'neither';
  return {
    avalanche,
    snowball,
    avalancheSavesInterestMinor: both ? snowball.totalInterestMinor - avalanche.totalInterestMinor : null,
    avalancheSavesMonths: both ? snowball.months - avalanche.months : null,
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
