import type { EvalDataset } from './dataset';
import {
  budgetSpend,
  gbp,
  months,
  monthlyOfYearly,
  monthsToSave,
  ownBudgets,
  ownExpenses,
  ownIncome,
  payoffPlan,
  pence,
  share,
  sum,
} from './expected';

/** The chat tools, as the api registers them: every one must be expected by some question. */
export const EVAL_TOOLS = [
  'search_transactions',
  'spending_breakdown',
  'budget_status',
  'debt_payoff_plan',
  'savings_goal_projection',
  'subscriptions',
  'app_help',
] as const;
export type EvalTool = (typeof EVAL_TOOLS)[number];

export interface ScriptedCall {
  name: EvalTool;
  arguments: Record<string, unknown>;
}

export interface EvalQuestion {
  id: string;
  lang: 'en' | 'bn';
  text: string;
  /** Tools a good answer calls; empty when the snapshot in the system prompt already has the answer. */
  expectTools: EvalTool[];
  /** Figures the answer must contain, written as the app writes them ("£237.50", "94.2%", "6 months", "4"). */
  expectFigures: string[];
  /** Figures that must never appear: another user's, or a deleted row's. */
  forbidFigures?: string[];
  /** Scripted mode: the calls the fake model makes (one round), with sensible arguments. */
  script: ScriptedCall[];
  /** Scripted mode, no tools: the snapshot lines (by their start) the fake model quotes. */
  snapshotLines?: string[];
}

/** Figures that belong to the partner, the stranger or a deleted row: never in the user's answers. */
const NOT_THEIRS = ['£333.33', '£999.99', '£500.00', '£9,999.00'];

/**
 * The questions, in English and Bengali, over `evalDataset`. Dates in the scripted arguments are the months the
 * question names ("last month" is `ds.month(-1)`), worked out from today as the api will.
 */
export function evalQuestions(ds: EvalDataset): EvalQuestion[] {
  const lastMonth = { from: ds.firstDay(-1), to: ds.lastDay(-1) };
  const lastTwo = { from: ds.firstDay(-2), to: ds.lastDay(-1) };
  const lastThree = { from: ds.firstDay(-3), to: ds.lastDay(-1) };
  const q = (
    id: string,
    lang: EvalQuestion['lang'],
    text: string,
    script: ScriptedCall[],
    expectFigures: string[],
    extra: Partial<EvalQuestion> = {},
  ): EvalQuestion => ({
    id,
    lang,
    text,
    expectTools: [...new Set(script.map((c) => c.name))],
    expectFigures,
    script,
    ...extra,
  });
  const call = (name: EvalTool, args: Record<string, unknown> = {}): ScriptedCall => ({ name, arguments: args });

  // Last month, by hand-labelled bucket: what the snapshot and the breakdown call spending.
  const spentLast = sum(ownExpenses(ds, { months: [-1], bucket: 'spending' }));
  const needsLast = sum(ownExpenses(ds, { months: [-1], bucket: 'needs' }));
  const wantsLast = sum(ownExpenses(ds, { months: [-1], bucket: 'wants' }));
  const savedLast = sum(ownExpenses(ds, { months: [-1], bucket: 'savings' }));
  const incomeLast = ownIncome(ds, [-1]);
  const tescoLast = ownExpenses(ds, { months: [-1], text: 'tesco' });
  const spentIn = (m: number) => sum(ownExpenses(ds, { months: [m], bucket: 'spending' }));

  // Budgets: every budget of the user applies in every month asked about (all created three months ago).
  const budgets = ownBudgets(ds);
  const budgeted = budgets.reduce((s, b) => s + pence(b.amount), 0);
  const spentAgainst = (m: number) => budgets.reduce((s, b) => s + budgetSpend(ds, b.key, m), 0);
  const household = ds.budgets.find((b) => b.key === 'household')!;
  const groceries = ds.budgets.find((b) => b.key === 'groceries')!;
  const householdOver = budgetSpend(ds, 'household', -1) - pence(household.amount);

  // Debts, simulated from next month at today's minimum payments.
  const plain = payoffPlan(ds.debts, 'avalanche');
  // At the minimums alone both orders move freed payments to the credit card: only extra money sets them apart.
  const avalanche150 = payoffPlan(ds.debts, 'avalanche', 150);
  const snowball150 = payoffPlan(ds.debts, 'snowball', 150);
  const minimums = payoffPlan(ds.debts, 'minimums');
  const extra100 = payoffPlan(ds.debts, 'avalanche', 100);
  const extra200 = payoffPlan(ds.debts, 'avalanche', 200);
  const lump500 = payoffPlan(ds.debts, 'avalanche', 0, 500);
  const owed = ds.debts
    .filter((d) => d.who === 'user')
    .reduce((s, d) => s + Math.round((pence(d.amount) * (100 - d.completionRatio)) / 100), 0);

  // Goals.
  const holiday = ds.goals.find((g) => g.who === 'user' && g.name === 'Holiday')!;
  const holidayLeft = pence(holiday.totalAmount) - pence(holiday.savedMoney);
  const laptop = ds.goals.find((g) => g.who === 'user' && g.name === 'New laptop')!;

  // Subscriptions: the monthly ones at their price, the yearly one over twelve months.
  const netflix = pence(10.99);
  const spotify = pence(11.99);
  const prime = pence(95);
  const subsMonthly = netflix + spotify + monthlyOfYearly(prime);
  const subsYearly = netflix * 12 + spotify * 12 + prime;

  return [
    // search_transactions
    q(
      'tesco-last-month',
      'en',
      'How much did I spend at Tesco last month?',
      [call('search_transactions', { text: 'Tesco', kind: 'expense', ...lastMonth })],
      [gbp(sum(tescoLast)), String(tescoLast.length)],
      { forbidFigures: NOT_THEIRS },
    ),
    q(
      'tesco-all-time',
      'en',
      'What have I spent at Tesco altogether?',
      [call('search_transactions', { text: 'tesco', kind: 'expense' })],
      [gbp(sum(ownExpenses(ds, { text: 'tesco' })))],
      { forbidFigures: NOT_THEIRS },
    ),
    q(
      'coffee-two-months',
      'en',
      'How much did I spend on coffee over the last two months?',
      [call('search_transactions', { text: 'coffee', kind: 'expense', ...lastTwo })],
      [gbp(sum(ownExpenses(ds, { months: [-2, -1], text: 'coffee' })))],
    ),
    q(
      'over-100-last-month',
      'en',
      'Which of my expenses last month were over £100?',
      [call('search_transactions', { kind: 'expense', minAmount: 100, ...lastMonth })],
      [
        gbp(sum(ownExpenses(ds, { months: [-1], minAmount: 100 }))),
        ...ownExpenses(ds, { months: [-1], minAmount: 100 }).map((e) => gbp(pence(e.amount))),
      ],
    ),
    q(
      'salary-three-months',
      'en',
      'How much salary did I receive in the last three months?',
      [call('search_transactions', { text: 'salary', kind: 'income', ...lastThree })],
      [gbp(ownIncome(ds, [-3, -2, -1], 'salary'))],
      { forbidFigures: ['£2,800.00', '£9,999.00'] },
    ),
    q(
      'wants-last-month',
      'en',
      'How much did I spend on wants last month?',
      [call('search_transactions', { category: 'wants', ...lastMonth })],
      [gbp(wantsLast)],
    ),
    q(
      'bn-tesco-last-month',
      'bn',
      'গত মাসে টেসকোতে আমি কত খরচ করেছি?',
      [call('search_transactions', { text: 'Tesco', kind: 'expense', ...lastMonth })],
      [gbp(sum(tescoLast))],
      { forbidFigures: NOT_THEIRS },
    ),
    q(
      'bn-coffee-last-month',
      'bn',
      'গত মাসে কফিতে আমার কত খরচ হয়েছে?',
      [call('search_transactions', { text: 'coffee', kind: 'expense', ...lastMonth })],
      [gbp(sum(ownExpenses(ds, { months: [-1], text: 'coffee' })))],
    ),

    // spending_breakdown
    q(
      'categories-last-month',
      'en',
      'Break down my spending last month by category.',
      [call('spending_breakdown', { groupBy: 'category', ...lastMonth })],
      [gbp(needsLast), gbp(wantsLast), gbp(spentLast), share(needsLast, spentLast), gbp(savedLast)],
    ),
    q(
      'merchants-last-month',
      'en',
      'Where did most of my money go last month? Show my top 3 merchants.',
      [call('spending_breakdown', { groupBy: 'merchant', top: 3, ...lastMonth })],
      [
        gbp(sum(ownExpenses(ds, { months: [-1], text: 'rent' }))),
        gbp(sum(tescoLast)),
        gbp(sum(ownExpenses(ds, { months: [-1], text: 'energy bill' }))),
      ],
    ),
    q(
      'monthly-trend',
      'en',
      'How has my spending changed month by month over the last three months?',
      [call('spending_breakdown', { groupBy: 'month', ...lastThree })],
      [gbp(spentIn(-3)), gbp(spentIn(-2)), gbp(spentIn(-1)), gbp(spentIn(-3) + spentIn(-2) + spentIn(-1))],
    ),
    q(
      'bn-categories-last-month',
      'bn',
      'গত মাসের খরচ বিভাগ অনুযায়ী ভাগ করে দেখাও।',
      [call('spending_breakdown', { groupBy: 'category', ...lastMonth })],
      [gbp(needsLast), gbp(wantsLast), gbp(spentLast)],
    ),
    q(
      'bn-monthly-trend',
      'bn',
      'গত তিন মাসে প্রতি মাসে আমার খরচ কেমন ছিল?',
      [call('spending_breakdown', { groupBy: 'month', ...lastThree })],
      [gbp(spentIn(-3)), gbp(spentIn(-2)), gbp(spentIn(-1))],
    ),

    // budget_status
    q(
      'budgets-last-month',
      'en',
      'How did I do against my budgets last month?',
      [call('budget_status', { month: ds.month(-1) })],
      [gbp(spentAgainst(-1)), gbp(budgeted), share(spentAgainst(-1), budgeted)],
    ),
    q(
      'over-budget-last-month',
      'en',
      'Did I go over any budget last month?',
      [call('budget_status', { month: ds.month(-1) })],
      [gbp(householdOver), gbp(budgetSpend(ds, 'household', -1))],
    ),
    q(
      'groceries-left-last-month',
      'en',
      'How much was left in my groceries budget at the end of last month?',
      [call('budget_status', { month: ds.month(-1) })],
      [gbp(pence(groceries.amount) - budgetSpend(ds, 'groceries', -1))],
    ),
    q(
      'budgets-this-month',
      'en',
      'How are my budgets looking this month?',
      [call('budget_status')],
      [gbp(spentAgainst(0)), gbp(budgeted), share(spentAgainst(0), budgeted)],
    ),
    q(
      'bn-over-budget-last-month',
      'bn',
      'গত মাসে কোন বাজেটের সীমা ছাড়িয়ে গেছি?',
      [call('budget_status', { month: ds.month(-1) })],
      [gbp(householdOver)],
    ),
    q(
      'bn-budgets-this-month',
      'bn',
      'এই মাসে আমার বাজেটের অবস্থা কেমন?',
      [call('budget_status')],
      [gbp(spentAgainst(0)), gbp(budgeted)],
    ),

    // debt_payoff_plan
    q(
      'debt-free-when',
      'en',
      'How long until I am debt-free?',
      [call('debt_payoff_plan')],
      [months(plain.months), gbp(plain.interest)],
    ),
    q(
      'debt-extra-100',
      'en',
      'What if I pay £100 more on the card each month?',
      [call('debt_payoff_plan', { extraMonthly: 100 })],
      [months(extra100.months), gbp(extra100.interest), gbp(minimums.interest - extra100.interest)],
    ),
    q(
      'debt-lump-500',
      'en',
      'What if I put a £500 lump sum towards my debts?',
      [call('debt_payoff_plan', { lumpSum: 500 })],
      [months(lump500.months), gbp(lump500.interest)],
    ),
    q(
      'debt-strategies',
      'en',
      'If I pay £150 extra a month, is the snowball or the avalanche method cheaper?',
      [call('debt_payoff_plan', { strategy: 'both', extraMonthly: 150 })],
      [
        gbp(avalanche150.interest),
        gbp(snowball150.interest),
        gbp(Math.abs(snowball150.interest - avalanche150.interest)),
      ],
    ),
    q(
      'bn-debt-free-when',
      'bn',
      'আমি কবে ঋণমুক্ত হব?',
      [call('debt_payoff_plan')],
      [months(plain.months), gbp(plain.interest)],
    ),
    q(
      'bn-debt-extra-200',
      'bn',
      'প্রতি মাসে আরও £২০০ বেশি দিলে আমার ঋণ কত মাসে শোধ হবে?',
      [call('debt_payoff_plan', { extraMonthly: 200 })],
      [months(extra200.months), gbp(extra200.interest)],
    ),

    // savings_goal_projection
    q(
      'holiday-when',
      'en',
      'When will I reach my Holiday goal?',
      [call('savings_goal_projection', { goal: 'Holiday' })],
      [gbp(holidayLeft), months(monthsToSave(holidayLeft, pence(holiday.monthlyTarget)))],
    ),
    q(
      'holiday-at-400',
      'en',
      'If I save £400 a month, how soon do I reach the holiday goal?',
      [call('savings_goal_projection', { goal: 'holiday', monthlyContribution: 400 })],
      [months(monthsToSave(holidayLeft, pence(400))), gbp(holidayLeft)],
    ),
    q(
      'laptop-done',
      'en',
      'Have I finished saving for the new laptop?',
      [call('savings_goal_projection', { goal: 'New laptop' })],
      [gbp(pence(laptop.savedMoney)), share(pence(laptop.savedMoney), pence(laptop.totalAmount))],
    ),
    q(
      'bn-holiday-when',
      'bn',
      'আমার হলিডে লক্ষ্যে কবে পৌঁছাব?',
      [call('savings_goal_projection', { goal: 'Holiday' })],
      [months(monthsToSave(holidayLeft, pence(holiday.monthlyTarget))), gbp(holidayLeft)],
    ),

    // subscriptions
    q(
      'subscriptions-list',
      'en',
      'What subscriptions am I paying for?',
      [call('subscriptions')],
      [gbp(subsMonthly), gbp(subsYearly)],
    ),
    q(
      'cancel-netflix',
      'en',
      'How much would I save by cancelling Netflix?',
      [call('subscriptions', { name: 'Netflix' })],
      [gbp(netflix), gbp(netflix * 12)],
    ),
    q(
      'bn-cancel-spotify',
      'bn',
      'স্পটিফাই বাতিল করলে বছরে কত টাকা বাঁচবে?',
      [call('subscriptions', { name: 'Spotify' })],
      [gbp(spotify * 12)],
    ),
    q(
      'bn-subscriptions-cost',
      'bn',
      'আমার সাবস্ক্রিপশনগুলোর মোট খরচ কত?',
      [call('subscriptions')],
      [gbp(subsMonthly), gbp(subsYearly)],
    ),

    // app_help: answers about the app carry no figures of the user's.
    q('help-add-budget', 'en', 'How do I add a budget?', [call('app_help', { query: 'add a budget' })], []),
    q(
      'help-cannot-do',
      'en',
      'Can you move money between my bank accounts for me?',
      [call('app_help', { query: 'what the assistant cannot do move money' })],
      [],
    ),
    q(
      'bn-help-add-goal',
      'bn',
      'আমি কিভাবে একটি সঞ্চয় লক্ষ্য যোগ করব?',
      [call('app_help', { query: 'add a saving goal সঞ্চয় লক্ষ্য' })],
      [],
    ),

    // Two tools in one turn.
    q(
      'subscriptions-and-eating-out',
      'en',
      'What do my subscriptions cost a year, and how much of my eating out budget did I use last month?',
      [call('subscriptions'), call('budget_status', { month: ds.month(-1) })],
      [gbp(subsYearly), gbp(budgetSpend(ds, 'eatingOut', -1))],
    ),

    // The snapshot in the system prompt already answers these: no tool needed.
    q('income-last-month', 'en', 'What was my income last month?', [], [gbp(incomeLast)], {
      snapshotLines: ['LAST MONTH'],
    }),
    q('spent-this-month', 'en', 'How much have I spent so far this month?', [], [gbp(spentIn(0))], {
      snapshotLines: ['THIS MONTH'],
    }),
    q('total-owed', 'en', 'How much do I owe across all my debts?', [], [gbp(owed)], { snapshotLines: ['DEBTS'] }),
    q(
      'savings-rate-last-month',
      'en',
      'What was my savings rate last month?',
      [],
      [share(incomeLast - spentLast, incomeLast)],
      { snapshotLines: ['LAST MONTH'] },
    ),
    q('bn-income-last-month', 'bn', 'গত মাসে আমার আয় কত ছিল?', [], [gbp(incomeLast)], {
      snapshotLines: ['LAST MONTH'],
    }),
    q('bn-saved-last-month', 'bn', 'গত মাসে আমি সঞ্চয়ে কত টাকা সরিয়েছি?', [], [gbp(savedLast)], {
      snapshotLines: ['LAST MONTH'],
    }),
  ];
}
