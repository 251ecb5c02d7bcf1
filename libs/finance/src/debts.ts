import type { DebtInput } from './inputs';
import { roundHalfAwayFromZero, roundPct, toMinorOrZero } from './money';

/**
 * Debts as the maths needs them: balance and minimum payment in minor units and an APR with its provenance.
 *
 * APR source, per debt:
 * - 'user'      : `userInterestRate` is a positive number, or exactly 0 while no interest is being charged
 *                 (interestRepayment empty/0): a genuine 0% deal.
 * - 'estimated' : otherwise, from `interestRepayment` (this month's interest) against the balance:
 *                 interestRepayment / balance * 12 * 100. A stated 0% that contradicts a positive interest
 *                 repayment is treated as unset.
 * - 'unknown'   : neither is usable; the debt is simulated at 0% and flagged so nobody mistakes it for free.
 */

export type AprSource = 'user' | 'estimated' | 'unknown';

export interface PreparedDebt {
  id: string;
  name: string;
  balanceMinor: number;
  minPaymentMinor: number;
  /** Exact APR percent used for decisions and the simulation. */
  apr: number;
  /** APR in hundredths of a percent (19.9 % -> 1990): the simulation's integer rate. */
  aprBp: number;
  aprSource: AprSource;
  interestRepaymentMinor: number;
  payDueDate: Date | null;
  /** Balance <= 0: paid off, excluded from simulations and commitments. */
  paid: boolean;
}

const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

export function resolveApr(debt: Pick<DebtInput, 'amount' | 'userInterestRate' | 'interestRepayment'>): {
  apr: number;
  source: AprSource;
} {
  const stated = debt.userInterestRate;
  const interest = finite(debt.interestRepayment) ? debt.interestRepayment : 0;
  if (finite(stated) && stated > 0) return { apr: stated, source: 'user' };
  if (finite(stated) && stated === 0 && interest <= 0) return { apr: 0, source: 'user' };
  if (interest > 0 && finite(debt.amount) && debt.amount > 0) {
    return { apr: (interest / debt.amount) * 12 * 100, source: 'estimated' };
  }
  return { apr: 0, source: 'unknown' };
}

export function prepareDebts(debts: DebtInput[], minorDigits = 2): PreparedDebt[] {
  return debts.map((d) => {
    const { apr, source } = resolveApr(d);
    const balanceMinor = toMinorOrZero(d.amount, minorDigits);
    return {
      id: d.id,
      name: d.name ?? '',
      balanceMinor,
      minPaymentMinor: Math.max(0, toMinorOrZero(d.monthlyPayment, minorDigits)),
      apr,
      aprBp: Math.max(0, roundHalfAwayFromZero(apr * 100)),
      aprSource: source,
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
  balanceMinor: number;
  monthlyPaymentMinor: number;
  aprPct: number;
  aprSource: AprSource;
  payDueDate: string | null;
  status: 'active' | 'paid';
}

export function debtView(d: PreparedDebt): DebtView {
  return {
    id: d.id,
    name: d.name,
    balanceMinor: d.balanceMinor,
    monthlyPaymentMinor: d.minPaymentMinor,
    aprPct: roundPct(d.apr),
    aprSource: d.aprSource,
    payDueDate: d.payDueDate ? d.payDueDate.toISOString() : null,
    status: d.paid ? 'paid' : 'active',
  };
}
