import { CATEGORY_UNCATEGORISED } from './categories';
import { pct } from './money';
import type { PeriodInfo, PeriodSummary } from './summary';

/**
 * The 50/30/20 split measured on ACTUAL money out, not on budgets.
 * - needs   = spending in needs categories + monthly payments of active debts (a loan repayment is an
 *             obligation whether or not the user also logged it as an expense; if they did, it is in both:
 *             the assistant is told the split includes debt payments explicitly);
 * - wants   = spending in wants categories, Uncategorised included (see CATEGORY_UNCATEGORISED);
 * - savings = spending in savings categories + monthly targets of saving goals not yet completed.
 * Commitments are per month, so they are multiplied by the number of months in the period.
 */

export const FIFTY_THIRTY_TWENTY_TARGETS = Object.freeze({ needs: 50, wants: 30, savings: 20 });

export interface BucketFigures {
  amountMinor: number;
  /** Part of amountMinor that is recorded spending (the rest is commitments). */
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
  needs: BucketFigures & { debtPaymentsMinor: number };
  wants: BucketFigures & { uncategorisedMinor: number };
  savings: BucketFigures & { goalTargetsMinor: number };
  /** income - (needs + wants + savings); negative when commitments and spending exceed income. */
  unallocatedMinor: number;
  hasIncome: boolean;
}

export interface Commitments {
  /** Sum of monthlyPayment over debts with a balance. */
  debtPaymentsPerMonthMinor: number;
  /** Sum of monthlyTarget over saving goals not completed. */
  savingTargetsPerMonthMinor: number;
}

export function fiftyThirtyTwenty(summary: PeriodSummary, commitments: Commitments): FiftyThirtyTwenty {
  const months = summary.period.months.length;
  const income = summary.incomeMinor;
  let needsSpend = 0;
  let wantsSpend = 0;
  let savingsSpend = 0;
  let uncategorised = 0;
  for (const c of summary.spendingByCategory) {
    if (c.bucket === 'needs') needsSpend += c.amountMinor;
    else if (c.bucket === 'savings') savingsSpend += c.amountMinor;
    else wantsSpend += c.amountMinor;
    if (c.category === CATEGORY_UNCATEGORISED) uncategorised += c.amountMinor;
  }
  const debtPaymentsMinor = commitments.debtPaymentsPerMonthMinor * months;
  const goalTargetsMinor = commitments.savingTargetsPerMonthMinor * months;

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
  const savings = savingsSpend + goalTargetsMinor;
  return {
    period: summary.period,
    incomeMinor: income,
    needs: { ...bucket(needs, needsSpend, FIFTY_THIRTY_TWENTY_TARGETS.needs), debtPaymentsMinor },
    wants: { ...bucket(wantsSpend, wantsSpend, FIFTY_THIRTY_TWENTY_TARGETS.wants), uncategorisedMinor: uncategorised },
    savings: { ...bucket(savings, savingsSpend, FIFTY_THIRTY_TWENTY_TARGETS.savings), goalTargetsMinor },
    unallocatedMinor: income - needs - wantsSpend - savings,
    hasIncome: income > 0,
  };
}
