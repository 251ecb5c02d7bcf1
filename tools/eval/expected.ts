import type { Bucket, EvalDataset, EvalDebt, EvalExpense } from './dataset';

/**
 * The figures an answer must contain, worked out from the dataset's rows with plain arithmetic and formatted as the
 * app shows them (en-GB pounds, percentages to one decimal, "N months"). None of this calls the app's finance code:
 * the eval checks the app against an independent reckoning, not against itself.
 */

const POUNDS = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' });

export const pence = (amount: number): number => Math.round(amount * 100);
export const gbp = (minor: number): string => POUNDS.format(minor / 100);
export const months = (n: number): string => `${n} ${n === 1 ? 'month' : 'months'}`;

/** part / whole as a percentage to one decimal, halves up, as the app rounds: "94.2%". */
export function share(part: number, whole: number): string {
  return `${(Math.round((part * 1000) / whole) / 10).toFixed(1)}%`;
}

export const sum = (rows: { amount: number }[]): number => rows.reduce((s, r) => s + pence(r.amount), 0);

export interface ExpenseFilter {
  /** Month offsets (0 = this month). */
  months?: number[];
  /** Case-insensitive part of the name. */
  text?: string;
  bucket?: Bucket | 'spending';
  minAmount?: number;
  budget?: string;
}

/**
 * The user's own expenses that have happened (not deleted, not a copy dated in a later month), filtered. 'spending'
 * is every bucket but savings: money moved to savings is saved, not spent.
 */
export function ownExpenses(ds: EvalDataset, f: ExpenseFilter = {}): EvalExpense[] {
  return ds.expenses.filter(
    (e) =>
      e.who === 'user' &&
      !e.deleted &&
      e.at.month <= 0 &&
      (!f.months || f.months.includes(e.at.month)) &&
      (!f.text || e.name.toLowerCase().includes(f.text.toLowerCase())) &&
      (!f.bucket || (f.bucket === 'spending' ? e.bucket !== 'savings' : e.bucket === f.bucket)) &&
      (f.minAmount === undefined || e.amount >= f.minAmount) &&
      (!f.budget || (e.budget ?? e.seriesBudget) === f.budget),
  );
}

/** Expenses against a budget in one month, the partner's included when the budget is a household one. */
export function budgetSpend(ds: EvalDataset, key: string, month: number): number {
  const budget = ds.budgets.find((b) => b.key === key)!;
  return sum(
    ds.expenses.filter(
      (e) =>
        !e.deleted &&
        e.at.month === month &&
        (e.who === 'user' || (budget.type === 'household' && e.who === 'partner')) &&
        (e.budget ?? e.seriesBudget) === key,
    ),
  );
}

export function ownIncome(ds: EvalDataset, monthsBack: number[], text?: string): number {
  return sum(
    ds.incomes.filter(
      (i) =>
        i.who === 'user' &&
        monthsBack.includes(i.at.month) &&
        (!text || i.name.toLowerCase().includes(text.toLowerCase())),
    ),
  );
}

/** The user's budgets (monthly, all created before the months asked about): the amount budgeted in one month. */
export const ownBudgets = (ds: EvalDataset) => ds.budgets.filter((b) => b.who === 'user');

export interface PlanResult {
  months: number;
  interest: number;
}

/**
 * Paying the user's debts off month by month, in pence: interest on each balance (APR / 12, rounded to the penny),
 * then each debt's minimum, then (avalanche: highest APR first; snowball: smallest balance first) whatever is left of
 * the money goes to the first debt still owed, then the next. A lump sum is paid on top in the first month. Paying
 * only the minimums moves nothing on when a debt is cleared.
 */
export function payoffPlan(
  debts: EvalDebt[],
  order: 'avalanche' | 'snowball' | 'minimums',
  extra = 0,
  lumpSum = 0,
): PlanResult {
  const open = debts
    .filter((d) => d.who === 'user' && d.completionRatio < 100)
    .map((d) => ({
      name: d.name,
      balance: Math.round((pence(d.amount) * (100 - d.completionRatio)) / 100),
      minimum: pence(d.monthlyPayment),
      aprBp: d.aprBp,
    }));
  if (order === 'avalanche') open.sort((a, b) => b.aprBp - a.aprBp || a.name.localeCompare(b.name));
  else open.sort((a, b) => a.balance - b.balance || a.name.localeCompare(b.name));
  const each = open.reduce((s, d) => s + d.minimum, 0) + (order === 'minimums' ? 0 : pence(extra));
  let month = 0;
  let interest = 0;
  while (open.some((d) => d.balance > 0)) {
    month += 1;
    if (month > 600) throw new Error(`${order} plan does not pay off within 600 months`);
    for (const d of open) {
      if (d.balance <= 0) continue;
      const charged = Math.round((d.balance * d.aprBp) / 120_000);
      d.balance += charged;
      interest += charged;
    }
    let money = each + (month === 1 && order !== 'minimums' ? pence(lumpSum) : 0);
    for (const d of open) {
      const paid = Math.min(d.minimum, d.balance, money);
      d.balance -= paid;
      money -= paid;
    }
    if (order === 'minimums') continue;
    for (const d of open) {
      const paid = Math.min(d.balance, money);
      d.balance -= paid;
      money -= paid;
    }
  }
  return { months: month, interest };
}

/** Months needed to save what is left at a monthly amount: a part month is a whole one. */
export const monthsToSave = (leftPence: number, monthlyPence: number): number => Math.ceil(leftPence / monthlyPence);

/** A yearly charge as a month, to the penny: 95.00 a year is 7.92 a month. */
export const monthlyOfYearly = (yearlyPence: number): number => Math.round(yearlyPence / 12);
