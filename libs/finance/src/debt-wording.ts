import type { StrategyResult } from './debt-payoff';
import type { DebtView } from './debts';
import type { IncomeBasis } from './red-flags';

/**
 * The sentences that say what a debt figure rests on, shared by the chat context and the report facts so both
 * say the same thing. Money is formatted by the caller (its currency and locale).
 */

type Money = (minor: number) => string;
type PlanFigures = Pick<
  StrategyResult,
  'reason' | 'monthlyBudgetMinor' | 'firstMonth' | 'shortfallMinor' | 'maxMonths'
>;

/** Why a plan does not end in debt-free, with the shortfall when there is one; no totals (there are none). */
export function planProblemText(r: PlanFigures, money: Money): string {
  const paid = `${money(r.monthlyBudgetMinor)} a month`;
  switch (r.reason) {
    case 'budget-below-minimums':
      return `infeasible: ${paid} is ${money(r.shortfallMinor ?? 0)} short of the ${money(r.firstMonth.minimumsMinor)} of minimum payments due in month 1, so no plan was simulated`;
    case 'payment-below-interest':
      if (r.shortfallMinor === null)
        return 'never pays off: from some month on the payments no longer reduce any balance';
      return r.shortfallMinor === 0
        ? `never pays off: ${paid} only matches the ${money(r.firstMonth.interestMinor)} of interest charged in month 1, so the balance never falls`
        : `never pays off: ${paid} is ${money(r.shortfallMinor)} short of the ${money(r.firstMonth.interestMinor)} of interest charged in month 1, so the balance grows from month 1`;
    case 'exceeds-max-months':
      return `does not pay off within ${r.maxMonths} months (${Math.floor(r.maxMonths / 12)} years) at ${paid}`;
    case 'no-payment':
      return 'never pays off: no monthly payment is recorded';
    default:
      return 'never pays off';
  }
}

/** "from the app's progress: 25% paid of £10,000.00" when the app's progress lowers the balance; else null. */
export function balanceSourceText(d: Pick<DebtView, 'completionPct' | 'amountMinor'>, money: Money): string | null {
  if (d.completionPct === null || d.completionPct <= 0) return null;
  return `from the app's progress: ${d.completionPct}% paid of ${money(d.amountMinor)}`;
}

/** The APR and where it came from: entered, estimated from the payment's interest, or unknown. */
export function aprText(
  d: Pick<DebtView, 'aprPct' | 'aprSource' | 'implausibleStatedAprPct'>,
  percent: (p: number) => string,
): string {
  const setAside =
    d.implausibleStatedAprPct === null ? '' : `; the entered ${d.implausibleStatedAprPct}% is implausible`;
  if (d.aprSource === 'unknown') return `APR unknown (assumed 0%${setAside})`;
  if (d.aprSource === 'estimated')
    return `APR ${percent(d.aprPct)} (estimated from the payment's interest part${setAside})`;
  return `APR ${percent(d.aprPct)} (as entered)`;
}

/** What the debt-to-income ratio is measured on, and which months had no income (counted as zero). */
export function incomeBasisText(b: IncomeBasis): string {
  const gap = b.monthsWithoutIncome.length ? `no income recorded in ${b.monthsWithoutIncome.join(', ')}` : '';
  switch (b.basis) {
    case 'average-recent-months': {
      const span = b.months.length > 1 ? `${b.months[0]} to ${b.months[b.months.length - 1]}` : b.months[0];
      return `recorded take-home income, average of ${span}${gap ? `; ${gap}, counted as zero` : ''}`;
    }
    case 'this-month':
      return `recorded take-home income this month so far${gap ? `; ${gap}` : ''}`;
    default:
      return `no income recorded at all${gap ? ` (${b.monthsWithoutIncome.join(', ')})` : ''}`;
  }
}

/** The snowball ordering rule, stated wherever snowball figures are. */
export const SNOWBALL_ORDER_RULE =
  'smallest balance at the start of the plan first; the order stays fixed as balances change';
export const AVALANCHE_ORDER_RULE = 'highest APR first';
