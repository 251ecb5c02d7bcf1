import {
  formatMoney,
  formatPct,
  isKnownCategory,
  quoteUserText,
  type BudgetOverrun,
  type BudgetReportFigures,
  type DebtReportFigures,
  type ExpensesReportFigures,
  type ReportFigures,
  type StrategySummary,
} from '@app/finance';

/**
 * The report's figures as numbered, labelled lines for the model. The model may only cite what is here; each
 * line remembers the amounts and percentages it shows, so an answer can be checked against them.
 */
export interface ReportFact {
  /** Stable key the model cites in `figureKeys`, e.g. 'payoff.avalanche.interest'. */
  key: string;
  /** The line as the model reads it: label and formatted value(s). */
  text: string;
  amountsMinor: number[];
  percents: number[];
}

class FactSheet {
  readonly facts: ReportFact[] = [];

  constructor(
    private readonly currency: string,
    private readonly locale: string,
  ) {}

  money = (minor: number): string => formatMoney(minor, { currency: this.currency, locale: this.locale });
  pct = (p: number | null): string => formatPct(p, this.locale);

  /** `amounts` and `percents` list every figure `text` shows, so the answer check knows them. */
  add(key: string, text: string, amounts: number[] = [], percents: Array<number | null> = []): void {
    this.facts.push({ key, text, amountsMinor: amounts, percents: percents.filter((p): p is number => p !== null) });
  }

  moneyFact(key: string, label: string, minor: number): void {
    this.add(key, `${label}: ${this.money(minor)}`, [minor]);
  }

  pctFact(key: string, label: string, p: number | null): void {
    this.add(key, `${label}: ${this.pct(p)}`, [], [p]);
  }
}

const categoryName = (c: string): string => (isKnownCategory(c) ? c : quoteUserText(c));

export function reportFacts(figures: ReportFigures): ReportFact[] {
  const sheet = new FactSheet(figures.currency, figures.locale);
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
  return sheet.facts;
}

function expensesFacts(s: FactSheet, f: ExpensesReportFigures): void {
  s.add(
    'period',
    `Period analysed: ${f.period.label} (the ${f.period.months.length} complete months before ${f.currentMonth})`,
  );
  s.moneyFact('spending.total', 'Total spending in the period', f.spendingMinor);
  s.moneyFact('spending.monthly_average', 'Average spending per month', f.averageMonthlySpendingMinor);
  s.moneyFact('discretionary.total', 'Discretionary (wants) spending in the period', f.discretionary.amountMinor);
  s.pctFact('discretionary.share', 'Discretionary share of spending', f.discretionary.sharePct);
  s.moneyFact(
    'discretionary.monthly_average',
    'Average discretionary spending per month',
    f.discretionary.averagePerMonthMinor,
  );
  if (f.discretionary.uncategorisedMinor > 0) {
    s.moneyFact(
      'discretionary.uncategorised',
      'Spending the app could not categorise (counted as discretionary)',
      f.discretionary.uncategorisedMinor,
    );
  }
  f.topCategories.forEach((c, i) => {
    s.add(
      `category.${i + 1}`,
      `Category ${categoryName(c.category)} (${c.bucket}): ${s.money(c.amountMinor)}, ${s.pct(c.sharePct)} of spending`,
      [c.amountMinor],
      [c.sharePct],
    );
  });

  const subs = f.subscriptions;
  s.add('subscriptions.count', `Active likely subscriptions: ${subs.count}`);
  s.moneyFact('subscriptions.monthly_cost', 'Subscriptions cost per month', subs.monthlyCostMinor);
  s.moneyFact('subscriptions.yearly_cost', 'Subscriptions cost per year', subs.yearlyCostMinor);
  subs.items.forEach((r, i) => {
    s.add(
      `subscription.${i + 1}`,
      `Subscription ${quoteUserText(r.name)}: ${s.money(r.estimatedMonthlyCostMinor)} a month (${r.cadence}, last charge ${s.money(r.latestAmountMinor)} on ${r.lastDate}, next expected ${r.nextExpectedDate})`,
      [r.estimatedMonthlyCostMinor, r.latestAmountMinor],
    );
  });

  const dups = f.duplicates;
  s.add('duplicates.count', `Groups of likely duplicate entries: ${dups.count}`);
  s.moneyFact('duplicates.extra', 'Total of the extra (possibly duplicated) entries', dups.extraMinor);
  dups.items.forEach((g, i) => {
    s.add(
      `duplicate.${i + 1}`,
      `Possible duplicate ${quoteUserText(g.name)}: ${s.money(g.amountMinor)} recorded ${g.count} times on ${g.dates.map((x) => x.slice(0, 10)).join(', ')}; the extra entries add ${s.money(g.extraMinor)}`,
      [g.amountMinor, g.extraMinor],
    );
  });

  f.largestExpenses.forEach((e, i) => {
    s.add(
      `largest.${i + 1}`,
      `Large expense ${quoteUserText(e.name)}: ${s.money(e.amountMinor)} on ${e.date.slice(0, 10)} (${categoryName(e.category)})`,
      [e.amountMinor],
    );
  });
}

function budgetFacts(s: FactSheet, f: BudgetReportFigures): void {
  const t = f.fiftyThirtyTwenty;
  s.add(
    'period',
    `50/30/20 period: ${t.period.label} (last complete month); figures are actual money out, commitments included`,
  );
  if (!t.hasIncome)
    s.add('income.missing', `No income was recorded in ${t.period.label}, so shares of income cannot be given`);
  s.moneyFact('income', 'Income', t.incomeMinor);
  const bucket = (name: 'needs' | 'wants' | 'savings', label: string): void => {
    const b = t[name];
    s.add(
      `${name}`,
      `${label}: ${s.money(b.amountMinor)} = ${s.pct(b.sharePct)} of income; target ${s.pct(b.targetPct)} = ${s.money(b.targetMinor)}; difference ${s.money(b.differenceMinor)}`,
      [b.amountMinor, b.targetMinor, b.differenceMinor],
      [b.sharePct, b.targetPct],
    );
  };
  bucket('needs', 'Needs');
  s.moneyFact('needs.debt_payments', 'Debt monthly payments counted in needs', t.needs.debtPaymentsMinor);
  bucket('wants', 'Wants');
  if (t.wants.uncategorisedMinor > 0)
    s.moneyFact('wants.uncategorised', 'Uncategorised spending counted in wants', t.wants.uncategorisedMinor);
  bucket('savings', 'Savings');
  s.moneyFact('savings.goal_targets', 'Saving-goal monthly targets counted in savings', t.savings.goalTargetsMinor);
  s.moneyFact('unallocated', 'Income left after needs, wants and savings (negative: overspent)', t.unallocatedMinor);
  f.spendingByCategory.forEach((c, i) => {
    s.add(
      `category.${i + 1}`,
      `Category ${categoryName(c.category)} (${c.bucket}) in ${t.period.label}: ${s.money(c.amountMinor)}, ${s.pct(c.sharePct)} of spending`,
      [c.amountMinor],
      [c.sharePct],
    );
  });

  const m = f.budgetsThisMonth;
  s.add(
    'this_month',
    `This month so far: ${m.period.label}, day ${m.day} of ${m.daysInMonth}; ${m.budgetCount} budgets apply`,
  );
  s.add(
    'this_month.budgets',
    `Budgets this month: ${s.money(m.actualMinor)} spent of ${s.money(m.budgetedMinor)} budgeted (${s.pct(m.percentUsedPct)})`,
    [m.actualMinor, m.budgetedMinor],
    [m.percentUsedPct],
  );
  s.moneyFact('this_month.unbudgeted', 'Spending this month outside any budget', m.unbudgetedSpendingMinor);
  const line = (prefix: string, l: BudgetOverrun, i: number, tail: string, amounts: number[]): void => {
    s.add(
      `${prefix}.${i + 1}`,
      `Budget ${quoteUserText(l.name)} (${categoryName(l.category)}): ${s.money(l.actualMinor)} of ${s.money(l.budgetedMinor)} (${s.pct(l.percentUsedPct)})${tail}`,
      [l.actualMinor, l.budgetedMinor, ...amounts],
      [l.percentUsedPct],
    );
  };
  m.overruns.forEach((l, i) => line('overrun', l, i, `, over by ${s.money(l.overrunMinor)}`, [l.overrunMinor]));
  m.nearLimit.forEach((l, i) => line('near_limit', l, i, ', close to its limit', []));
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

function debtFacts(s: FactSheet, f: DebtReportFigures): void {
  s.add('debts.active_count', `Debts with a balance: ${f.activeCount}`);
  s.moneyFact('debts.total_balance', 'Total balance owed', f.totalBalanceMinor);
  s.moneyFact('debts.monthly_payments', 'Monthly payments of all debts', f.monthlyPaymentsMinor);
  s.moneyFact('income.monthly', 'Monthly income used for ratios', f.monthlyIncomeMinor);
  s.pctFact('debts.debt_to_income', 'Debt payments as a share of monthly income', f.debtToIncomePct);
  f.debts
    .filter((d) => d.status === 'active')
    .slice(0, 12)
    .forEach((d, i) => {
      s.add(
        `debt.${i + 1}`,
        `Debt ${quoteUserText(d.name)}: balance ${s.money(d.balanceMinor)}, APR ${s.pct(d.aprPct)} (${APR_SOURCE[d.aprSource]}), monthly payment ${s.money(d.monthlyPaymentMinor)}`,
        [d.balanceMinor, d.monthlyPaymentMinor],
        [d.aprPct],
      );
    });
  const p = f.payoff;
  if (!p) {
    s.add('payoff', 'No debt has a balance: there is nothing to pay off');
    return;
  }
  s.moneyFact(
    'payoff.monthly_budget',
    'Paid towards debts each month in both simulations (the current monthly payments)',
    p.avalanche.monthlyBudgetMinor,
  );
  strategyFacts(s, 'avalanche', 'Avalanche (highest APR first)', p.avalanche);
  strategyFacts(s, 'snowball', 'Snowball (smallest balance first)', p.snowball);
  const better =
    p.better === 'same'
      ? 'Both strategies cost the same'
      : p.better === 'neither'
        ? 'Neither strategy pays the debts off'
        : `Cheaper strategy: ${p.better}`;
  s.add('payoff.better', better);
  if (p.avalancheSavesInterestMinor !== null) {
    const saved = Math.abs(p.avalancheSavesInterestMinor);
    const who = p.avalancheSavesInterestMinor >= 0 ? 'Avalanche saves' : 'Snowball saves';
    s.add('payoff.interest_difference', `${who} ${s.money(saved)} of interest compared with the other strategy`, [
      saved,
    ]);
  }
  if (p.avalancheSavesMonths !== null) {
    s.add(
      'payoff.months_difference',
      `Difference in months to debt-free (snowball minus avalanche): ${p.avalancheSavesMonths}`,
    );
  }
  if (p.unknownAprDebtIds.length) {
    s.add(
      'payoff.unknown_apr',
      `${p.unknownAprDebtIds.length} debt(s) have no known APR and were simulated at 0%, so real interest will be higher`,
    );
  }
}

function strategyFacts(s: FactSheet, key: string, label: string, r: StrategySummary): void {
  if (r.paysOff) {
    s.add(`payoff.${key}.months`, `${label}: debt-free after ${r.months} months, in ${r.debtFreeMonthKey}`);
  } else {
    s.add(`payoff.${key}.months`, `${label}: ${neverPaysOff(r)}`);
  }
  s.moneyFact(`payoff.${key}.interest`, `${label}: total interest`, r.totalInterestMinor);
  s.moneyFact(`payoff.${key}.total_paid`, `${label}: total paid`, r.totalPaidMinor);
  if (r.payoffOrder.length) {
    s.add(
      `payoff.${key}.order`,
      `${label}: payoff order ${r.payoffOrder.map((o) => `${quoteUserText(o.name)} in ${o.monthKey}`).join(', then ')}`,
    );
  }
}
