/**
 * What the repository hands to the finance library: aggregate-shaped, never raw document lists, so a user with
 * years of materialised monthly copies costs a handful of small aggregations.
 *
 * Conventions for every field below:
 * - Amounts are the main backend's plain numbers in MAJOR units (45.5 = £45.50); the library converts them to
 *   integer minor units itself. `$sum` them as stored: do not round in MongoDB.
 * - Every query excludes soft-deleted documents: `isDeleted: { $ne: true }`.
 * - `month` keys are 'YYYY-MM' computed in the SAME IANA zone as the `timeZone` option given to the library:
 *   `{ $dateToString: { format: '%Y-%m', date: '$endDate', timezone: timeZone } }` (incomes: '$receiveDate').
 * - Ids are ObjectId hex strings (`_id.toHexString()`).
 * - Month-keyed aggregations cover `window` (see `dataWindows()` in windows.ts for what to fetch): match
 *   `{ $gte: monthRange(window.from).start, $lt: monthRange(window.to).end }` on the document's date.
 * - Counting is by the document's own date whatever its `frequency`: the main backend materialises recurring
 *   items (one document per period), so never multiply by frequency and never treat all-time sums as monthly.
 * - It makes each copy a period AHEAD (the day a weekly expense is paid, next week's copy already exists), so rows
 *   dated after `now` are not money that has moved yet: month-keyed aggregations also group by
 *   `upcoming: { $gt: [date, now] }` and mark those rows `upcoming: true`. "So far" figures leave them out; they
 *   are shown apart and used only for projections. Rows without the flag count as so far.
 */

import type { MonthKey } from './periods';

/** `incomes` grouped by month: `$match { userId, isDeleted: {$ne: true}, receiveDate: window }`,
 *  `$group { _id: monthOf('$receiveDate'), total: { $sum: '$amount' }, count: { $sum: 1 } }`. */
export interface MonthTotal {
  month: MonthKey;
  total: number;
  count: number;
  /** Dated after `now` (later in the current month); absent or false: dated up to now. */
  upcoming?: boolean;
}

/**
 * `expenses` of the user grouped by month and budget, with the name added only for expenses without a budget
 * (the classifier needs it; budgeted ones take their budget's category):
 * `$match { userId, isDeleted: {$ne: true}, endDate: window }`,
 * `$group { _id: { month: monthOf('$endDate'), budgetId: { $ifNull: ['$budgetId', null] },
 *    name: { $cond: [{ $ifNull: ['$budgetId', false] }, null, { $toLower: { $trim: { input: '$name' } } }] } },
 *    total: { $sum: '$amount' }, count: { $sum: 1 } }`.
 * A month's total spending is the sum of all its rows, so every expense must land in exactly one row.
 * Grouping budgeted expenses by name as well is harmless (more rows, same sums); the name of a budgeted row is
 * only used when its budget is not among `budgets` (e.g. a deleted budget), to classify it.
 *
 * The main backend's recurring copies lose `budgetId` (and with it their category), so `$budgetId` above means the
 * expense's own budget or, for a weekly/monthly/yearly expense without one, the budget of its SERIES: the nearest
 * earlier expense of the same user, lower-cased trimmed name and frequency that has a budget
 * (`$setWindowFields` + `$locf` over the series sorted by `endDate`, seeded with the latest budgeted row before
 * the scanned range). Rows dated after `now` are grouped apart (`upcoming`, see the conventions above).
 */
export interface ExpenseMonthGroup {
  month: MonthKey;
  /** Hex id of the expense's budget (its series' budget for a recurring copy), or null when it has none. */
  budgetId: string | null;
  /** Lower-cased trimmed name when budgetId is null (the library normalises further); may be null otherwise. */
  name: string | null;
  total: number;
  count: number;
  /** Dated after `now` (later in the current month); absent or false: dated up to now. */
  upcoming?: boolean;
}

export interface ExpenseItem {
  id: string;
  name: string;
  amount: number;
  /** The expense's `endDate`. */
  date: Date;
  budgetId: string | null;
}

/**
 * The N largest expenses of each month (N = `LARGEST_EXPENSES_PER_MONTH`): after the same `$match` as above,
 * `$group { _id: monthOf('$endDate'), items: { $topN: { n: N, sortBy: { amount: -1, _id: 1 },
 *   output: { id: '$_id', name: '$name', amount: '$amount', date: '$endDate', budgetId: '$budgetId' } } } }`
 * (or `$sort` + `$push` + `$slice` where `$topN` is unavailable). Per month, so any multi-month period's top N
 * is found in the union of its months' lists. Only expenses dated up to `now` (`endDate: { ..., $lte: now }`): the
 * lists are of money spent so far, and the library drops any item dated after `now` anyway.
 */
export interface MonthLargestExpenses {
  month: MonthKey;
  items: ExpenseItem[];
}

/**
 * The PARTNER's expenses against 'household' budgets (theirs or the user's): household budgets are shared, so
 * their actual spending is both partners' spending. `$match { userId: partnerId, budgetId: { $in:
 * householdBudgetIds }, isDeleted: {$ne: true}, endDate: window }`, `$group { _id: { month, budgetId },
 * total, count }`. These never enter the user's own income/spending figures.
 */
export interface PartnerBudgetSpend {
  month: MonthKey;
  budgetId: string;
  total: number;
  count: number;
}

/**
 * `budgets`: the user's own (all types) plus the partner's with `type: 'household'`; both lists in full
 * (they are small), not filtered by date: the library decides which months each one applies to from
 * `createdAt` (monthly budgets from their creation month on, 'on-off' ones only in their creation month).
 * Ownership is derived by comparing `userId` with `FinanceInputs.userId`.
 */
export interface BudgetInput {
  id: string;
  userId: string;
  name: string;
  amount: number;
  /** 'personal' | 'household'. */
  type: string;
  /** 'on-off' | 'monthly'. */
  frequency: string;
  /** 'Essential(Needs)' | 'Discretionary(Wants)' | 'Savings' | any free text | null. */
  category: string | null;
  createdAt: Date;
}

/** `debts` of the user, all non-deleted documents, mapped field for field (only `AdHocPayment` is renamed). */
export interface DebtInput {
  id: string;
  name: string;
  /** Outstanding balance (`amount`). */
  amount: number;
  monthlyPayment: number | null;
  /** The document's `AdHocPayment`. Informational: the simulation's extra payment is a caller option. */
  adHocPayment?: number | null;
  capitalRepayment?: number | null;
  /** Interest part of a monthly payment; used to estimate APR when userInterestRate is not set. */
  interestRepayment?: number | null;
  /** APR in percent (19.9 = 19.9 %). */
  userInterestRate?: number | null;
  payDueDate?: Date | null;
  completionRatio?: number | null;
}

/** `savinggoals` of the user, all non-deleted documents (the field `completionRation` is not needed). */
export interface SavingGoalInput {
  id: string;
  name: string;
  totalAmount: number;
  monthlyTarget: number | null;
  savedMoney: number | null;
  /** The goal's `date` (start). */
  date?: Date | null;
  /** `completeDate`: taken as the target date by which the goal should be reached. */
  completeDate?: Date | null;
  isCompleted: boolean;
}

/**
 * Expenses grouped by name for recurring/subscription detection, one row per series (never the raw rows), over
 * `dataWindows().recurring`: 24 months back, so a yearly charge is seen twice, and 12 months ahead, so the copy the
 * main backend records one period ahead is seen (it shows the cadence and the next date; it is not a charge yet):
 * `$match { userId, isDeleted: {$ne: true}, endDate: range }`, `$group { _id: { $toLower: { $trim: { input:
 * '$name' } } }, occurrences: { $bottomN: { n: 60, sortBy: { endDate: 1, _id: 1 }, output: { id: '$_id',
 * date: '$endDate', amount: '$amount', name: '$name' } } }, budgets: { $bottomN: { n: 3, sortBy: { budgetId: 1,
 * endDate: 1 }, output: { budgetId: '$budgetId' } } }, count: { $sum: 1 } }`, `$match { count: { $gte: 2 } }`.
 * The library merges groups whose names normalise alike (see normaliseName).
 */
export interface OccurrenceGroup {
  /** A representative original name (e.g. the latest), for display. */
  name: string;
  occurrences: Array<{ id?: string; date: Date; amount: number }>;
  /** Budgets of the series' rows (recurring copies have none): a category such as "Subscriptions" marks it. */
  budgetIds?: string[];
}

/**
 * Possible duplicate expenses over `dataWindows().duplicates`: same lower-cased trimmed name and same amount,
 * at least twice: `$group { _id: { name: { $toLower: { $trim: { input: '$name' } } }, amount: '$amount' },
 *   name: { $first: '$name' }, occurrences: { $push: { id: '$_id', date: '$endDate' } }, count: { $sum: 1 } }`,
 * `$match { count: { $gte: 2 } }`. The library applies the time window (default 2 days) and merges groups
 * whose names normalise alike.
 */
export interface DuplicateCandidateGroup {
  name: string;
  amount: number;
  occurrences: Array<{ id: string; date: Date }>;
}

export interface FinanceInputs {
  userId: string;
  partnerId?: string | null;
  /**
   * The IANA zone every month key below was computed in, when the repository chose it (the user document's own
   * zone, else the configured default). buildFinancialContext then uses it, so months and keys always agree.
   */
  timeZone?: string | null;
  /** The inclusive month range the month-keyed aggregations covered. Months outside it are "not fetched",
   *  not "zero", and the library says so in dataQuality instead of reporting zeros. */
  window: { from: MonthKey; to: MonthKey };
  incomeByMonth: MonthTotal[];
  expensesByMonth: ExpenseMonthGroup[];
  largestExpensesByMonth: MonthLargestExpenses[];
  /** null/undefined = not fetched (no partner, or skipped); then household actuals are the user's share only. */
  partnerBudgetSpendByMonth?: PartnerBudgetSpend[] | null;
  budgets: BudgetInput[];
  debts: DebtInput[];
  savingGoals: SavingGoalInput[];
  recurringCandidates: OccurrenceGroup[];
  duplicateCandidates: DuplicateCandidateGroup[];
}
