import {
  isKnownCategory,
  quoteUserText,
  type BudgetOverrun,
  type BudgetReportFigures,
  type DebtReportFigures,
  type ExpensesReportFigures,
  type ReportFigures,
  type StrategySummary,
} from '@app/finance';
import { FactSheetBuilder, type FactSheet } from '../facts';

/**
 * The report's figures as keyed, labelled facts for the model ('[key] label: text'). The model may only cite what
 * is here; `checkCitations` holds its answer to that.
 */
const categoryName = (c: string): string => (isKnownCategory(c) ? c : quoteUserText(c));

export function reportFacts(figures: ReportFigures): FactSheet {
  const sheet = new FactSheetBuilder(figures.currency, figures.locale);
  switch (figures.type) {
    case 'expenses':
      expensesFacts(sheet, figures);
      break;
    case 'budget':
      budgetFacts(sheet, figures);
      break;
    case 'debt':
      debtFacts(sheet, figures);
      break;
  }
  return sheet.sheet();
}

function expensesFacts(s: FactSheetBuilder, f: ExpensesReportFigures): void {
  s.line(
    'period',
    'Period analysed',
    `${f.period.label} (the ${f.period.months.length} complete months before ${f.currentMonth})`,
  );
  s.figure('spending.total', 'Total spending in the period', f.spendingMinor, 'money');
  s.figure('spending.monthly_average', 'Average spending per month', f.averageMonthlySpendingMinor, 'money');
  s.figure('discretionary.total', 'Discretionary (wants) spending in the period', f.discretionary.amountMinor, 'money');
  s.figure('discretionary.share', 'Discretionary share of spending', f.discretionary.sharePct, 'percent');
  s.figure(
    'discretionary.monthly_average',
    'Average discretionary spending per month',
    f.discretionary.averagePerMonthMinor,
    'money',
  );
  if (f.discretionary.uncategorisedMinor > 0) {
    s.figure(
      'discretionary.uncategorised',
      'Spending the app could not categorise (counted as discretionary)',
      f.discretionary.uncategorisedMinor,
      'money',
    );
  }
  f.topCategories.forEach((c, i) => {
    s.figure(
      `category.${i + 1}`,
      `Category ${categoryName(c.category)} (${c.bucket})`,
      c.amountMinor,
      'money',
      `${s.money(c.amountMinor)}, ${s.pct(c.sharePct)} of spending`,
    );
  });

  const subs = f.subscriptions;
  s.figure('subscriptions.count', 'Active likely subscriptions', subs.count, 'count');
  s.figure('subscriptions.monthly_cost', 'Subscriptions cost per month', subs.monthlyCostMinor, 'money');
  s.figure('subscriptions.yearly_cost', 'Subscriptions cost per year', subs.yearlyCostMinor, 'money');
  subs.items.forEach((r, i) => {
    s.figure(
      `subscription.${i + 1}`,
      `Subscription ${quoteUserText(r.name)}`,
      r.estimatedMonthlyCostMinor,
      'money',
      `${s.money(r.estimatedMonthlyCostMinor)} a month (${r.cadence}, last charge ${s.money(r.latestAmountMinor)} on ${r.lastDate}, next expected ${r.nextExpectedDate})`,
    );
  });

  const dups = f.duplicates;
  s.figure('duplicates.count', 'Groups of likely duplicate entries', dups.count, 'count');
  s.figure('duplicates.extra', 'Total of the extra (possibly duplicated) entries', dups.extraMinor, 'money');
  dups.items.forEach((g, i) => {
    s.figure(
      `duplicate.${i + 1}`,
      `Possible duplicate ${quoteUserText(g.name)}`,
      g.amountMinor,
      'money',
      `${s.money(g.amountMinor)} recorded ${g.count} times on ${g.dates.map((x) => x.slice(0, 10)).join(', ')}; the extra entries add ${s.money(g.extraMinor)}`,
    );
  });

  f.largestExpenses.forEach((e, i) => {
    s.figure(
      `largest.${i + 1}`,
      `Large expense ${quoteUserText(e.name)}`,
      e.amountMinor,
      'money',
      `${s.money(e.amountMinor)} on ${e.date.slice(0, 10)} (${categoryName(e.category)})`,
    );
  });
}

function budgetFacts(s: FactSheetBuilder, f: BudgetReportFigures): void {
  const t = f.fiftyThirtyTwenty;
  s.line(
    'period',
    '50/30/20 period',
    `${t.period.label} (last complete month); figures are actual money out, commitments included`,
  );
  if (!t.hasIncome)
    s.line('income.missing', `No income was recorded in ${t.period.label}, so shares of income cannot be given`);
  s.figure('income', 'Income', t.incomeMinor, 'money');
  const bucket = (name: 'needs' | 'wants' | 'savings', label: string): void => {
    const b = t[name];
    s.figure(
      name,
      label,
      b.amountMinor,
      'money',
      `${s.money(b.amountMinor)} = ${s.pct(b.sharePct)} of income; target ${s.pct(b.targetPct)} = ${s.money(b.targetMinor)}; difference ${s.money(b.differenceMinor)}`,
    );
  };
  bucket('needs', 'Needs');
  s.figure('needs.debt_payments', 'Debt monthly payments counted in needs', t.needs.debtPaymentsMinor, 'money');
  bucket('wants', 'Wants');
  if (t.wants.uncategorisedMinor > 0)
    s.figure('wants.uncategorised', 'Uncategorised spending counted in wants', t.wants.uncategorisedMinor, 'money');
  bucket('savings', 'Savings');
  s.figure(
    'savings.goal_targets',
    'Saving-goal monthly targets counted in savings',
    t.savings.goalTargetsMinor,
    'money',
  );
  s.figure(
    'unallocated',
    'Income left after needs, wants and savings (negative: overspent)',
    t.unallocatedMinor,
    'money',
  );
  f.spendingByCategory.forEach((c, i) => {
    s.figure(
      `category.${i + 1}`,
      `Category ${categoryName(c.category)} (${c.bucket}) in ${t.period.label}`,
      c.amountMinor,
      'money',
      `${s.money(c.amountMinor)}, ${s.pct(c.sharePct)} of spending`,
    );
  });

  const m = f.budgetsThisMonth;
  s.line(
    'this_month',
    'This month so far',
    `${m.period.label}, day ${m.day} of ${m.daysInMonth}; ${m.budgetCount} budgets apply`,
  );
  s.figure(
    'this_month.budgets',
    'Budgets this month',
    m.percentUsedPct,
    'percent',
    `${s.money(m.actualMinor)} spent of ${s.money(m.budgetedMinor)} budgeted (${s.pct(m.percentUsedPct)})`,
  );
  s.figure('this_month.unbudgeted', 'Spending this month outside any budget', m.unbudgetedSpendingMinor, 'money');
  const line = (prefix: string, l: BudgetOverrun, i: number, tail: string): void => {
    s.figure(
      `${prefix}.${i + 1}`,
      `Budget ${quoteUserText(l.name)} (${categoryName(l.category)})`,
      l.percentUsedPct,
      'percent',
      `${s.money(l.actualMinor)} of ${s.money(l.budgetedMinor)} (${s.pct(l.percentUsedPct)})${tail}`,
    );
  };
  m.overruns.forEach((l, i) => line('overrun', l, i, `, over by ${s.money(l.overrunMinor)}`));
  m.nearLimit.forEach((l, i) => line('near_limit', l, i, ', close to its limit'));
}

const APR_SOURCE: Record<string, string> = {
  user: 'as entered',
  estimated: "estimated from this month's interest",
  unknown: 'unknown, simulated as 0%',
};

function neverPaysOff(r: StrategySummary): string {
  if (r.reason === 'payment-below-interest') return 'never pays off: the payments do not cover the interest';
  if (r.reason === 'no-payment') return 'never pays off: no monthly payment is set';
  return `does not pay off within the ${r.months} months simulated at these payments`;
}

function debtFacts(s: FactSheetBuilder, f: DebtReportFigures): void {
  s.figure('debts.active_count', 'Debts with a balance', f.activeCount, 'count');
  s.figure('debts.total_balance', 'Total balance owed', f.totalBalanceMinor, 'money');
  s.figure('debts.monthly_payments', 'Monthly payments of all debts', f.monthlyPaymentsMinor, 'money');
  s.figure('income.monthly', 'Monthly income used for ratios', f.monthlyIncomeMinor, 'money');
  s.figure('debts.debt_to_income', 'Debt payments as a share of monthly income', f.debtToIncomePct, 'percent');
  f.debts
    .filter((d) => d.status === 'active')
    .slice(0, 12)
    .forEach((d, i) => {
      s.figure(
        `debt.${i + 1}`,
        `Debt ${quoteUserText(d.name)}`,
        d.balanceMinor,
        'money',
        `balance ${s.money(d.balanceMinor)}, APR ${s.pct(d.aprPct)} (${APR_SOURCE[d.aprSource]}), monthly payment ${s.money(d.monthlyPaymentMinor)}`,
      );
    });
  const p = f.payoff;
  if (!p) {
    s.line('payoff', 'No debt has a balance: there is nothing to pay off');
    return;
  }
  s.figure(
    'payoff.monthly_budget',
    'Paid towards debts each month in both simulations (the current monthly payments)',
    p.avalanche.monthlyBudgetMinor,
    'money',
  );
  strategyFacts(s, 'avalanche', 'Avalanche (highest APR first)', p.avalanche);
  strategyFacts(s, 'snowball', 'Snowball (smallest balance first)', p.snowball);
  const better =
    p.better === 'same'
      ? 'Both strategies cost the same'
      : p.better === 'neither'
        ? 'Neither strategy pays the debts off'
        : `Cheaper strategy: ${p.better}`;
  s.line('payoff.better', better);
  if (p.avalancheSavesInterestMinor !== null) {
    const saved = Math.abs(p.avalancheSavesInterestMinor);
    const who = p.avalancheSavesInterestMinor >= 0 ? 'Avalanche saves' : 'Snowball saves';
    s.line('payoff.interest_difference', `${who} ${s.money(saved)} of interest compared with the other strategy`);
  }
  if (p.avalancheSavesMonths !== null) {
    s.figure(
      'payoff.months_difference',
      'Difference in months to debt-free (snowball minus avalanche)',
      p.avalancheSavesMonths,
      'months',
      String(p.avalancheSavesMonths),
    );
  }
  if (p.unknownAprDebtIds.length) {
    s.line(
      'payoff.unknown_apr',
      `${p.unknownAprDebtIds.length} debt(s) have no known APR and were simulated at 0%, so real interest will be higher`,
    );
  }
}

function strategyFacts(s: FactSheetBuilder, key: string, label: string, r: StrategySummary): void {
  if (r.paysOff) {
    s.figure(
      `payoff.${key}.months`,
      label,
      r.months,
      'months',
      `debt-free after ${r.months} months, in ${r.debtFreeMonthKey}`,
    );
  } else {
    s.line(`payoff.${key}.months`, label, neverPaysOff(r));
  }
  s.figure(`payoff.${key}.interest`, `${label}: total interest`, r.totalInterestMinor, 'money');
  s.figure(`payoff.${key}.total_paid`, `${label}: total paid`, r.totalPaidMinor, 'money');
  if (r.payoffOrder.length) {
    s.line(
      `payoff.${key}.order`,
      label,
      `payoff order ${r.payoffOrder.map((o) => `${quoteUserText(o.name)} in ${o.monthKey}`).join(', then ')}`,
    );
  }
}
