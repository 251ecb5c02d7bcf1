import {
  andMore,
  capList,
  isKnownCategory,
  quoteUserText,
  type FinancialContext,
  type ListRest,
  type Noun,
} from '@app/finance';
import { FactSheetBuilder, type FactSheet, type FactUnit, type FigureFact } from '@app/prompts';

const TOP_CATEGORIES = 3;
const TOP_BUDGETS = 4;
const TOP_GOALS = 3;

/** True when the user has recorded anything at all; without data there is nothing to base a tip on. */
export function hasFinancialData(ctx: FinancialContext): boolean {
  const recorded =
    ctx.thisMonth.incomeCount + ctx.thisMonth.expenseCount + ctx.last3Months.incomeCount + ctx.last3Months.expenseCount;
  return (
    recorded > 0 ||
    ctx.budgetsThisMonth.lines.length > 0 ||
    ctx.debts.items.length > 0 ||
    ctx.savingGoals.items.length > 0
  );
}

/**
 * The figures a tip may rest on, each with a stable key, a label and the value formatted as the app shows it.
 * Everything comes from the finance core's context; the model only picks keys. User-typed names in labels are
 * quoted (quoteUserText) so they read as data in the prompt. A figure without a value is left out.
 */
export function tipFigures(ctx: FinancialContext): FactSheet<FigureFact> {
  const format = new FactSheetBuilder(ctx.currency, ctx.locale);
  const { money } = format;
  const percent = (p: number): string => format.pct(p);
  const figures: FigureFact[] = [];
  /** `text` replaces the formatted value when the figure shows more (the other amounts, a share). */
  const add = (key: string, label: string, value: number | null, unit: FactUnit, text?: string): void => {
    if (value === null || !Number.isFinite(value)) return;
    figures.push({ key, label, value, unit, text: text ?? format.value(value, unit) });
  };
  const category = (c: string): string => (isKnownCategory(c) ? c : quoteUserText(c));
  /** The rest of a capped list as one figure: "and K more ..., totalling X", X its value so the words may quote it. */
  const others = (key: string, label: string, rest: ListRest, noun: Noun): void => {
    if (rest.count > 0) add(key, label, rest.totalMinor, 'money', andMore(rest, noun, money));
  };

  const t = ctx.thisMonth;
  const soFar = `so far (day ${ctx.currentMonthProgress.day} of ${ctx.currentMonthProgress.daysInMonth})`;
  if (t.incomeCount > 0) add('this_month_income', `Income this month ${soFar}`, t.incomeMinor, 'money');
  if (t.expenseCount > 0) add('this_month_spending', `Spending this month ${soFar}`, t.spendingMinor, 'money');
  if (t.incomeCount + t.expenseCount > 0)
    add('this_month_net', `Net cash flow this month ${soFar}`, t.netCashFlowMinor, 'money');
  const categories = capList(t.spendingByCategory, TOP_CATEGORIES, (c) => c.amountMinor);
  categories.shown.forEach((c, i) => {
    const share = c.sharePct === null ? '' : ` (${percent(c.sharePct)} of spending)`;
    add(
      `category_${i + 1}`,
      `Spending on ${category(c.category)} this month so far`,
      c.amountMinor,
      'money',
      `${money(c.amountMinor)}${share}`,
    );
  });
  others('category_others', 'Spending on other categories this month so far', categories.rest, [
    'category',
    'categories',
  ]);

  const l = ctx.lastMonth;
  if (l.incomeCount > 0) add('last_month_income', `Income in ${l.period.label}`, l.incomeMinor, 'money');
  if (l.expenseCount > 0) add('last_month_spending', `Spending in ${l.period.label}`, l.spendingMinor, 'money');
  if (l.incomeCount > 0)
    add('last_month_savings_rate', `Savings rate in ${l.period.label}`, l.savingsRatePct, 'percent');
  const avg = ctx.last3Months.averagePerMonth;
  if (avg && ctx.last3Months.expenseCount > 0)
    add('avg_monthly_spending', 'Average monthly spending over the last 3 complete months', avg.spendingMinor, 'money');

  const budgets = ctx.budgetsThisMonth;
  const lines = capList(
    budgets.lines
      .filter((b) => b.budgetedMinor > 0 && b.percentUsedPct !== null)
      .sort((a, b) => Number(b.overrun) - Number(a.overrun) || (b.percentUsedPct ?? 0) - (a.percentUsedPct ?? 0)),
    TOP_BUDGETS,
    (b) => b.actualMinor,
  );
  lines.shown.forEach((b, i) => {
    const state = b.overrun ? `, over by ${money(b.overrunMinor)}` : `, ${money(b.remainingMinor)} left`;
    add(
      `budget_${i + 1}`,
      `Budget ${quoteUserText(b.name)} used this month`,
      b.percentUsedPct,
      'percent',
      `${money(b.actualMinor)} of ${money(b.budgetedMinor)} (${percent(b.percentUsedPct ?? 0)})${state}`,
    );
  });
  others('budget_others', 'Spent this month against the other budgets', lines.rest, ['budget', 'budgets']);
  if (budgets.lines.length > 0 && budgets.unbudgetedSpendingMinor > 0) {
    add('unbudgeted_spending', 'Spending this month outside any budget', budgets.unbudgetedSpendingMinor, 'money');
  }

  const f = ctx.fiftyThirtyTwentyThisMonth;
  if (f.hasIncome) {
    add('needs_share', 'Needs as a share of income this month (target 50%)', f.needs.sharePct, 'percent');
    add('wants_share', 'Wants as a share of income this month (target 30%)', f.wants.sharePct, 'percent');
    add('savings_share', 'Savings as a share of income this month (target 20%)', f.savings.sharePct, 'percent');
  }

  const d = ctx.debts;
  if (d.activeCount > 0) {
    add('debt_total', `Total debt still owed (${d.activeCount} active)`, d.totalBalanceMinor, 'money');
    add('debt_payments', 'Debt payments per month', d.monthlyPaymentsMinor, 'money');
    add('debt_to_income', 'Debt payments as a share of recorded take-home income', d.debtToIncomePct, 'percent');
    const avalanche = d.payoff?.avalanche;
    if (avalanche?.paysOff)
      add('debt_free_months', 'Months to debt-free paying the highest interest rate first', avalanche.months, 'months');
    const saves = d.payoff?.avalancheSavesInterestMinor ?? null;
    if (saves !== null && saves > 0)
      add(
        'avalanche_interest_saving',
        'Interest saved by paying the highest rate first instead of the smallest balance',
        saves,
        'money',
      );
  }

  const goals = capList(
    ctx.savingGoals.items.filter((g) => !g.completed),
    TOP_GOALS,
    (g) => g.remainingMinor,
  );
  goals.shown.forEach((g, i) => {
    add(
      `goal_${i + 1}`,
      `Saving goal ${quoteUserText(g.name)} progress`,
      g.progressPct,
      'percent',
      `${money(g.savedMinor)} of ${money(g.totalMinor)} (${percent(g.progressPct ?? 0)})`,
    );
    if (g.onTrack === false)
      add(
        `goal_${i + 1}_needed`,
        `Monthly saving needed to reach ${quoteUserText(g.name)} on time`,
        g.requiredMonthlyMinor,
        'money',
      );
  });
  others('goal_others', 'Still to save for the other saving goals', goals.rest, ['goal', 'goals']);

  const subs = ctx.recurring.subscriptions;
  if (subs.length > 0) {
    add(
      'subscriptions_monthly',
      `Cost per month of active subscriptions (${subs.length})`,
      ctx.recurring.subscriptionsMonthlyCostMinor,
      'money',
    );
    // At current prices, from each charge (not 12 rounded months), so a tip can say what cancelling saves a year.
    add(
      'subscriptions_yearly',
      `Cost per year of active subscriptions (${subs.length})`,
      ctx.recurring.subscriptionsYearlyCostMinor,
      'money',
    );
  }
  if (ctx.duplicates.length > 0) {
    add(
      'duplicate_expenses',
      'Possible duplicate expenses recorded recently (extra amount)',
      ctx.duplicates.reduce((s, x) => s + x.extraMinor, 0),
      'money',
    );
  }
  return { currency: ctx.currency, locale: ctx.locale, facts: figures };
}
