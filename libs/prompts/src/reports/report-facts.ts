import {
  andMore,
  capList,
  isKnownCategory,
  restOfTotal,
  topByAmount,
  quoteUserText,
  type BudgetOverrun,
  type BudgetReportFigures,
  type DebtReportFigures,
  type DebtWhatIfFigures,
  type ExpensesReportFigures,
  type ListRest,
  type Noun,
  type PlanSaving,
  type ReportFigures,
  type Strategy,
  type StrategySummary,
  aprText,
  AVALANCHE_ORDER_RULE,
  balanceSourceText,
  incomeBasisText,
  planProblemText,
  SNOWBALL_ORDER_RULE,
} from '@app/finance';
import { FactSheetBuilder, type FactSheet } from '../facts';

/**
 * The report's figures as keyed, labelled facts for the model ('[key] label: text'). The model may only cite what
 * is here; `checkCitations` holds its answer to that.
 */
const categoryName = (c: string): string => (isKnownCategory(c) ? c : quoteUserText(c));

/** Debts the facts name one by one (the largest balances), and debts each payoff order names; the rest are summed. */
export const REPORT_FACT_DEBTS = 12;
export const REPORT_FACT_PAYOFF_ORDER = 10;

/** The "and K more, totalling X" fact of a capped list: X is the fact's value, so the model may quote it. */
function restFact(s: FactSheetBuilder, key: string, label: string, rest: ListRest, noun: Noun, unit = ''): void {
  if (rest.count <= 0) return;
  s.figure(key, label, rest.totalMinor, 'money', `${andMore(rest, noun, s.money)}${unit}`);
}

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
  restFact(s, 'category.others', 'Other categories', f.otherCategories, ['category', 'categories']);

  const subs = f.subscriptions;
  s.figure('subscriptions.count', 'Active likely subscriptions', subs.count, 'count');
  s.figure('subscriptions.monthly_cost', 'Subscriptions cost per month', subs.monthlyCostMinor, 'money');
  s.figure('subscriptions.yearly_cost', 'Subscriptions cost per year', subs.yearlyCostMinor, 'money');
  subs.items.forEach((r, i) => {
    const change = r.priceChange
      ? `, price ${r.priceChange.toMinor > r.priceChange.fromMinor ? 'up' : 'down'} from ${s.money(r.priceChange.fromMinor)} on ${r.priceChange.since}`
      : '';
    s.figure(
      `subscription.${i + 1}`,
      `Subscription ${quoteUserText(r.name)}`,
      r.estimatedMonthlyCostMinor,
      'money',
      `${s.money(r.estimatedMonthlyCostMinor)} a month, ${s.money(r.estimatedYearlyCostMinor)} a year (${r.cadence}, last charge ${s.money(r.latestAmountMinor)} on ${r.lastDate}${change}, next expected ${r.nextExpectedDate})`,
    );
  });
  const otherSubs = restOfTotal(subs.items, subs.count, subs.monthlyCostMinor, (r) => r.estimatedMonthlyCostMinor);
  restFact(s, 'subscription.others', 'Other subscriptions', otherSubs, ['subscription', 'subscriptions'], ' a month');

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
  const otherDups = restOfTotal(dups.items, dups.count, dups.extraMinor, (g) => g.extraMinor);
  restFact(
    s,
    'duplicate.others',
    'Other possible duplicates',
    otherDups,
    ['group of duplicates', 'groups of duplicates'],
    ' extra',
  );

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
  s.figure(
    'needs.debt_payments',
    'Monthly payments of debts no expense paid, counted in needs',
    t.needs.debtPaymentsMinor,
    'money',
  );
  if (t.needs.recordedDebtPaymentsMinor > 0)
    s.figure(
      'needs.debt_payments_recorded',
      'Expenses that paid debts (counted once, as spending; those debts add no monthly payment)',
      t.needs.recordedDebtPaymentsMinor,
      'money',
    );
  bucket('wants', 'Wants');
  if (t.wants.uncategorisedMinor > 0)
    s.figure('wants.uncategorised', 'Uncategorised spending counted in wants', t.wants.uncategorisedMinor, 'money');
  bucket('savings', 'Savings (money moved to savings; saving-goal targets are plans and not counted)');
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
  restFact(s, 'category.others', `Other categories in ${t.period.label}`, f.otherCategories, [
    'category',
    'categories',
  ]);

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
  restFact(s, 'overrun.others', 'Other budgets over their limit', m.otherOverruns, ['budget', 'budgets'], ' over');
  m.nearLimit.forEach((l, i) => line('near_limit', l, i, ', close to its limit'));
  restFact(
    s,
    'near_limit.others',
    'Other budgets close to their limit',
    m.otherNearLimit,
    ['budget', 'budgets'],
    ' spent',
  );
}

function debtFacts(s: FactSheetBuilder, f: DebtReportFigures): void {
  s.figure('debts.active_count', 'Debts with a balance', f.activeCount, 'count');
  s.figure('debts.total_balance', 'Total balance owed', f.totalBalanceMinor, 'money');
  s.figure('debts.monthly_payments', 'Monthly payments of all debts', f.monthlyPaymentsMinor, 'money');
  s.figure(
    'income.monthly',
    'Monthly income used for ratios',
    f.monthlyIncomeMinor,
    'money',
    `${s.money(f.monthlyIncomeMinor)} (${incomeBasisText(f.incomeBasis)})`,
  );
  s.figure(
    'debts.debt_to_income',
    'Debt payments as a share of recorded take-home income (not gross pay)',
    f.debtToIncomePct,
    'percent',
  );
  if (f.incomeBasis.basis === 'none' && f.monthlyPaymentsMinor > 0) {
    s.line('income.missing', 'No income is recorded at all, so nothing shows how the debt payments are met');
  }
  const debts = topByAmount(
    f.debts.filter((d) => d.status === 'active'),
    REPORT_FACT_DEBTS,
    (d) => d.balanceMinor,
  );
  debts.shown.forEach((d, i) => {
    const source = balanceSourceText(d, s.money);
    s.figure(
      `debt.${i + 1}`,
      `Debt ${quoteUserText(d.name)}`,
      d.balanceMinor,
      'money',
      `balance ${s.money(d.balanceMinor)}${source ? ` (${source})` : ''}, ${aprText(d, s.pct)}, monthly payment ${s.money(d.monthlyPaymentMinor)}`,
    );
  });
  restFact(s, 'debt.others', 'Other debts', debts.rest, ['debt', 'debts'], ' owed');
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
  s.line(
    'payoff.ordering',
    'How the plans order the debts',
    `avalanche: ${AVALANCHE_ORDER_RULE}; snowball: ${SNOWBALL_ORDER_RULE}; ties by name`,
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
  if (f.whatIf) whatIfFacts(s, f.whatIf);
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
    s.figure(`payoff.${key}.interest`, `${label}: total interest`, r.totalInterestMinor, 'money');
    s.figure(`payoff.${key}.total_paid`, `${label}: total paid`, r.totalPaidMinor, 'money');
  } else if (r.shortfallMinor !== null) {
    // The shortfall is the figure; a plan that never ends has no totals to state.
    s.figure(`payoff.${key}.shortfall`, label, r.shortfallMinor, 'money', planProblemText(r, s.money));
  } else {
    s.line(`payoff.${key}.months`, label, planProblemText(r, s.money));
  }
  if (r.payoffOrder.length) {
    const order = capList(r.payoffOrder, REPORT_FACT_PAYOFF_ORDER);
    const more = andMore(order.rest, ['debt', 'debts']);
    const steps = [...order.shown.map((o) => `${quoteUserText(o.name)} in ${o.monthKey}`), ...(more ? [more] : [])];
    s.line(`payoff.${key}.order`, label, `payoff order ${steps.join(', then ')}`);
  }
}

/** The what-if: both strategies with the extra money, and what each saves against paying only the minimums. */
function whatIfFacts(s: FactSheetBuilder, w: DebtWhatIfFigures): void {
  if (w.extraMonthlyMinor > 0)
    s.figure(
      'what_if.extra_monthly',
      'What-if: extra paid every month on top of the minimums',
      w.extraMonthlyMinor,
      'money',
    );
  if (w.lumpSumMinor > 0)
    s.figure('what_if.lump_sum', 'What-if: one-off lump sum paid in the first month', w.lumpSumMinor, 'money');
  const base = w.minimumsOnly;
  const baseLabel = "Paying only each debt's minimum (nothing moved on when a debt is paid off)";
  if (base.paysOff) {
    s.figure(
      'what_if.minimums_only.months',
      baseLabel,
      base.months,
      'months',
      `debt-free after ${base.months} months, in ${base.debtFreeMonthKey}`,
    );
    s.figure('what_if.minimums_only.interest', `${baseLabel}: total interest`, base.totalInterestMinor, 'money');
  } else s.line('what_if.minimums_only.months', baseLabel, planProblemText(base, s.money));
  const plan = (key: Strategy, label: string, r: StrategySummary, saves: PlanSaving): void => {
    const l = `What-if ${label} with the extra money`;
    if (!r.paysOff) {
      s.line(`what_if.${key}.months`, l, planProblemText(r, s.money));
      return;
    }
    s.figure(
      `what_if.${key}.months`,
      l,
      r.months,
      'months',
      `debt-free after ${r.months} months, in ${r.debtFreeMonthKey}`,
    );
    s.figure(`what_if.${key}.interest`, `${l}: total interest`, r.totalInterestMinor, 'money');
    if (saves.monthsSaved !== null && saves.interestSavedMinor !== null) {
      s.figure(
        `what_if.${key}.months_saved`,
        `${l}: months saved against paying only the minimums`,
        saves.monthsSaved,
        'months',
      );
      s.figure(
        `what_if.${key}.interest_saved`,
        `${l}: interest saved against paying only the minimums`,
        saves.interestSavedMinor,
        'money',
      );
    } else if (!base.paysOff) {
      s.line(`what_if.${key}.compared`, `${l}: pays the debts off, which paying only the minimums never does`);
    }
  };
  plan('avalanche', 'avalanche (highest APR first)', w.avalanche, w.avalancheSaves);
  plan('snowball', 'snowball (smallest starting balance first)', w.snowball, w.snowballSaves);
}
