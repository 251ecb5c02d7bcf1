import { CATEGORY_UNCATEGORISED } from './categories';
import type { DebtPaymentsInPeriod } from './debt-payments';
import { pct } from './money';
import type { PeriodInfo, PeriodSummary } from './summary';

/**
 * The 50/30/20 split measured on ACTUAL money out, not on budgets or plans.
 * - needs   = spending in needs categories + the monthly payment of each active debt that no expense in the month
 *             paid. Debt payments have one source of truth (see debt-payments.ts): an expense that pays a debt
 *             counts in its own bucket and the debt's `monthlyPayment` is then not added; a debt no expense paid
 *             adds its `monthlyPayment`. Never both.
 * - wants   = spending in wants categories, Uncategorised included (see CATEGORY_UNCATEGORISED);
 * - savings = money actually moved to savings, investments, a pension or a saving goal (the savings bucket).
 *             Saving-goal targets are plans, not money moved, and add nothing; nor does a completed goal.
 */

export const FIFTY_THIRTY_TWENTY_TARGETS = Object.freeze({ needs: 50, wants: 30, savings: 20 });

export interface BucketFigures {
  amountMinor: number;
  /** Part of amountMinor that is recorded money out (needs: the rest is debt payments no expense recorded). */
  spendingMinor: number;
  /** Share of income; null without income. */
  sharePct: number | null;
  targetPct: number;
  /** targetPct of income. */
  targetMinor: number;
  /** amount - target: positive means above target. */
  differenceMinor: number;
}

export interface FiftyThirtyTwenty {
  period: PeriodInfo;
  incomeMinor: number;
  needs: BucketFigures & {
    /** Monthly payments of active debts that no expense in the period paid, added to needs. */
    debtPaymentsMinor: number;
    /** Expenses found paying a debt: already in their bucket's spending (needs, unless their budget says other). */
    recordedDebtPaymentsMinor: number;
  };
  wants: BucketFigures & { uncategorisedMinor: number };
  savings: BucketFigures;
  /** income - (needs + wants + savings); negative when commitments and spending exceed income. */
  unallocatedMinor: number;
  hasIncome: boolean;
}

export function fiftyThirtyTwenty(
  summary: PeriodSummary,
  debtPayments: Pick<DebtPaymentsInPeriod, 'recordedMinor' | 'notRecordedMinor'>,
): FiftyThirtyTwenty {
  const income = summary.incomeMinor;
  let needsSpend = 0;
  let wantsSpend = 0;
  let uncategorised = 0;
  for (const c of summary.spendingByCategory) {
    if (c.bucket === 'needs') needsSpend += c.amountMinor;
    else wantsSpend += c.amountMinor;
    if (c.category === CATEGORY_UNCATEGORISED) uncategorised += c.amountMinor;
  }
  const savingsMoved = summary.movedToSavingsMinor;
  const debtPaymentsMinor = debtPayments.notRecordedMinor;

  const bucket = (amountMinor: number, spendingMinor: number, targetPct: number): BucketFigures => {
    // Integer maths: income * pct / 100 rounded half up (income is never negative in practice).
    const targetMinor = Math.round((income * targetPct) / 100);
    return {
      amountMinor,
      spendingMinor,
      sharePct: pct(amountMinor, income),
      targetPct,
      targetMinor,
      differenceMinor: amountMinor - targetMinor,
    };
  };
  const needs = needsSpend + debtPaymentsMinor;
  return {
    period: summary.period,
    incomeMinor: income,
    needs: {
      ...bucket(needs, needsSpend, FIFTY_THIRTY_TWENTY_TARGETS.needs),
      debtPaymentsMinor,
      recordedDebtPaymentsMinor: debtPayments.recordedMinor,
    },
    wants: { ...bucket(wantsSpend, wantsSpend, FIFTY_THIRTY_TWENTY_TARGETS.wants), uncategorisedMinor: uncategorised },
    savings: bucket(savingsMoved, savingsMoved, FIFTY_THIRTY_TWENTY_TARGETS.savings),
    unallocatedMinor: income - needs - wantsSpend - savingsMoved,
    hasIncome: income > 0,
  };
}
