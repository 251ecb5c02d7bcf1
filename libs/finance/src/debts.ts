import type { DebtInput } from './inputs';
import { roundHalfAwayFromZero, roundPct, toMinorOrZero } from './money';

/**
 * Debts as the maths needs them: balance and minimum payment in minor units and an APR with its provenance.
 *
 * Balance: the main backend never lowers a debt's `amount`; it is the total its `completionRatio` (0-100, the
 * progress the app shows) is measured against. The balance is therefore `amount x (1 - completionRatio / 100)`,
 * so our figures agree with the app; a debt at 100% (or more) is paid off. Without a usable ratio the whole
 * `amount` is owed.
 *
 * APR source, per debt:
 * - 'user'      : `userInterestRate` is plausible: above 0 and at most MAX_PLAUSIBLE_APR_PCT, or exactly 0 while
 *                 no interest is being charged (no interest part in the payment): a genuine 0% deal.
 * - 'estimated' : otherwise, from the payment's interest/capital split: the interest part of this month's
 *                 payment over the balance, x 12. The interest part is `monthlyPayment x interestRepayment /
 *                 (interestRepayment + capitalRepayment)` when both the split and the payment are known (the main
 *                 backend also adds these fields up as progress, so they may be a month's split or totals so far:
 *                 their ratio is the payment's interest share either way), else `interestRepayment` itself. Over
 *                 the current balance, so the simulation's first month charges exactly that interest part.
 *                 A stated rate that is implausible (negative, above the maximum: a typo such as 1990 for 19.9,
 *                 or not a number) or a stated 0% that contradicts a positive interest part is set aside, and
 *                 kept in `implausibleStatedAprPct` (when it was a number) so it can be mentioned.
 * - 'unknown'   : neither gives a plausible rate; the debt is simulated at 0% and flagged so nobody mistakes it
 *                 for free.
 */

export type AprSource = 'user' | 'estimated' | 'unknown';

/**
 * The highest APR taken at face value. `userInterestRate` is free input the main backend never checks. UK
 * credit above 100% APR is high-cost short-term credit whose total cost is capped by law (FCA: never more than
 * the amount borrowed), which a month-by-month APR simulation cannot represent; above this a value is far more
 * likely a typo (1990 for 19.9).
 */
export const MAX_PLAUSIBLE_APR_PCT = 100;

export interface PreparedDebt {
  id: string;
  name: string;
  /** The recorded `amount`: the total the app measures progress against (never reduced by the main backend). */
  amountMinor: number;
  /** `completionRatio` clamped to 0-100; null when the document has none (then the whole amount is owed). */
  completionPct: number | null;
  /** Outstanding balance: amount x (1 - completionPct / 100). */
  balanceMinor: number;
  minPaymentMinor: number;
  /** Exact APR percent used for decisions and the simulation. */
  apr: number;
  /** APR in hundredths of a percent (19.9 % -> 1990): the simulation's integer rate. */
  aprBp: number;
  aprSource: AprSource;
  /** The entered `userInterestRate` when it was set aside as implausible; null otherwise. */
  implausibleStatedAprPct: number | null;
  interestRepaymentMinor: number;
  payDueDate: Date | null;
  /** Nothing owed (balance <= 0, or the app shows 100%): excluded from simulations and commitments. */
  paid: boolean;
}

const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

const plausibleApr = (apr: number): boolean => apr > 0 && apr <= MAX_PLAUSIBLE_APR_PCT;

/** `completionRatio` as a percentage in 0-100, or null when it is missing or not a number. */
export function completionPct(ratio: number | null | undefined): number | null {
  return finite(ratio) ? Math.min(100, Math.max(0, ratio)) : null;
}

/** What is still owed, in major units: amount x (1 - completionRatio / 100). */
export function outstandingBalance(debt: Pick<DebtInput, 'amount' | 'completionRatio'>): number {
  if (!finite(debt.amount)) return 0;
  return (debt.amount * (100 - (completionPct(debt.completionRatio) ?? 0))) / 100;
}

/** The interest part of this month's payment, from the interest/capital split (see the APR rules above). */
export function interestPartOfPayment(
  debt: Partial<Pick<DebtInput, 'monthlyPayment' | 'interestRepayment' | 'capitalRepayment'>>,
): number {
  const interest = finite(debt.interestRepayment) ? debt.interestRepayment : 0;
  if (interest <= 0) return 0;
  const capital = finite(debt.capitalRepayment) && debt.capitalRepayment > 0 ? debt.capitalRepayment : 0;
  const payment = finite(debt.monthlyPayment) && debt.monthlyPayment > 0 ? debt.monthlyPayment : 0;
  return capital > 0 && payment > 0 ? (payment * interest) / (interest + capital) : interest;
}

export function resolveApr(
  debt: Pick<DebtInput, 'amount'> &
    Partial<
      Pick<
        DebtInput,
        'completionRatio' | 'userInterestRate' | 'interestRepayment' | 'capitalRepayment' | 'monthlyPayment'
      >
    >,
): { apr: number; source: AprSource; implausibleStated: number | null } {
  const stated = debt.userInterestRate;
  const interest = interestPartOfPayment(debt);
  if (finite(stated) && plausibleApr(stated)) return { apr: stated, source: 'user', implausibleStated: null };
  if (stated === 0 && interest <= 0) return { apr: 0, source: 'user', implausibleStated: null };
  // A stated 0% contradicted by the interest part is not implausible, just out of date: it is not repeated back.
  const implausibleStated = finite(stated) && stated !== 0 ? stated : null;
  const balance = outstandingBalance(debt);
  if (interest > 0 && balance > 0) {
    const apr = (interest / balance) * 12 * 100;
    if (plausibleApr(apr)) return { apr, source: 'estimated', implausibleStated };
  }
  return { apr: 0, source: 'unknown', implausibleStated };
}

export function prepareDebts(debts: DebtInput[], minorDigits = 2): PreparedDebt[] {
  return debts.map((d) => {
    const { apr, source, implausibleStated } = resolveApr(d);
    const amountMinor = toMinorOrZero(d.amount, minorDigits);
    const completion = completionPct(d.completionRatio);
    const balanceMinor = roundHalfAwayFromZero((amountMinor * (100 - (completion ?? 0))) / 100);
    return {
      id: d.id,
      name: d.name ?? '',
      amountMinor,
      completionPct: completion,
      balanceMinor,
      minPaymentMinor: Math.max(0, toMinorOrZero(d.monthlyPayment, minorDigits)),
      apr,
      aprBp: Math.max(0, roundHalfAwayFromZero(apr * 100)),
      aprSource: source,
      implausibleStatedAprPct: implausibleStated,
      interestRepaymentMinor: toMinorOrZero(d.interestRepayment, minorDigits),
      payDueDate: d.payDueDate instanceof Date && !Number.isNaN(d.payDueDate.getTime()) ? d.payDueDate : null,
      paid: balanceMinor <= 0,
    };
  });
}

/** Monthly payments that are still owed: active debts only. */
export function monthlyDebtPaymentsMinor(debts: PreparedDebt[]): number {
  return debts.filter((d) => !d.paid).reduce((s, d) => s + d.minPaymentMinor, 0);
}

export interface DebtView {
  id: string;
  name: string;
  /** What is owed now: `amountMinor` less the app's progress (`completionPct`). */
  balanceMinor: number;
  /** The recorded `amount`, which the main backend never reduces. */
  amountMinor: number;
  /** The progress the app shows (0-100); null when none is recorded (then the balance is the whole amount). */
  completionPct: number | null;
  monthlyPaymentMinor: number;
  aprPct: number;
  /** APR in hundredths of a percent, exactly as simulated (aprPct is rounded for display). */
  aprBp: number;
  aprSource: AprSource;
  /** The entered rate that was set aside as implausible (then the APR is estimated or unknown). */
  implausibleStatedAprPct: number | null;
  payDueDate: string | null;
  status: 'active' | 'paid';
}

export function debtView(d: PreparedDebt): DebtView {
  return {
    id: d.id,
    name: d.name,
    balanceMinor: d.balanceMinor,
    amountMinor: d.amountMinor,
    completionPct: d.completionPct === null ? null : roundPct(d.completionPct),
    monthlyPaymentMinor: d.minPaymentMinor,
    aprPct: roundPct(d.apr),
    aprBp: d.aprBp,
    aprSource: d.aprSource,
    implausibleStatedAprPct: d.implausibleStatedAprPct,
    payDueDate: d.payDueDate ? d.payDueDate.toISOString() : null,
    status: d.paid ? 'paid' : 'active',
  };
}
