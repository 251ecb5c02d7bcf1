import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types, type PipelineStage } from 'mongoose';
import {
  dataWindows,
  isValidTimeZone,
  LARGEST_EXPENSES_PER_MONTH,
  type BudgetInput,
  type DataWindowOptions,
  type DataWindows,
  type DebtInput,
  type DuplicateCandidateGroup,
  type ExpenseMonthGroup,
  type FinanceInputs,
  type MonthLargestExpenses,
  type MonthTotal,
  type OccurrenceGroup,
  type PartnerBudgetSpend,
  type SavingGoalInput,
} from '@app/finance';
import type { BudgetDoc, DebtDoc, ExpenseDoc, IncomeDoc, SavingGoalDoc, UserDoc } from '../main-backend/schemas';
import { BLOCKED_STATUS } from '../account-status';
import { isObjectIdHex, toObjectId } from '../object-id';
import { hex, monthOf, seriesBudgetStages } from './expense-series';

/**
 * Reads everything `buildFinancialContext` needs for one user as aggregates (see libs/finance/src/inputs.ts for
 * the contract of each field). The cost is a fixed number of commands whatever the user's history:
 *   1. users       aggregate: the user (and its own time zone, if any) and, via $lookup, their partner if the link
 *                  is mutual and the partner active
 *   2. budgets     find: the user's budgets + the partner's household budgets (small, needed in full)
 *   3. expenses    aggregate: recurring copies given their series' budget (seriesBudgetStages), then one $facet
 *                  for monthly groups (dated up to now vs upcoming), largest per month so far, duplicates and the
 *                  partner's household spending (one scan of the months window instead of four)
 *   4. incomes     aggregate: totals per month
 *   5. debts       find
 *   6. savinggoals find
 *   7. expenses    aggregate: the recurring series, one row per name over 24 months back and 12 ahead (its own
 *                  command so the longer range is scanned once, by the one pipeline that needs it)
 * 1, 5 and 6 run together; the rest need the zone (1), 3 also the household budget ids (2), so latency is still
 * 3 round trips. Soft-deleted documents are excluded by the read-only plugin (find and the first stage of every
 * aggregate); the sub-pipelines it cannot reach, the $lookup in 1 and the $unionWith in 3, filter `isDeleted`
 * themselves.
 */
export const FINANCE_INPUTS_QUERY_COUNT = 7;

/** Keeps the recurring-detection payload bounded for names seen every day for a year. */
export const RECURRING_OCCURRENCES_KEPT = 60;

/** A series' newest budgets: enough to read its category, bounded for everyday names. */
export const RECURRING_BUDGET_IDS_KEPT = 3;

/** Big enough that the small lists (budgets, debts, goals) come back in the first batch, with no getMore. */
const SMALL_LIST_BATCH = 10_000;

// Case-insensitive and trimmed because the library compares budget types that way.
const HOUSEHOLD_TYPE = /^\s*household\s*$/i;

export class FinanceUserNotFoundError extends Error {
  constructor(readonly userId: string) {
    super(`user ${userId} not found (missing, soft-deleted or not an ObjectId)`);
    this.name = 'FinanceUserNotFoundError';
  }
}

/**
 * `nextUpcomingAt`: the earliest income or expense of the fetched months dated after `now` (a copy the main backend
 * made a period ahead), null when there is none. At that moment it turns from upcoming into "so far", so figures
 * computed before it are stale from then on (the financial snapshot's `validUntil`).
 */
export type LoadedFinanceInputs = FinanceInputs & { nextUpcomingAt: Date | null };

/** See FinanceInputsRepository.categoryScope. */
export interface CategoryScope {
  partnerId: string | null;
  budgets: BudgetInput[];
  savingGoals: SavingGoalInput[];
}

export interface LoadFinanceInputsOptions {
  now: Date;
  timeZone: string;
  /** Must match the options given to buildFinancialContext when its thresholds are not the defaults. */
  windows?: DataWindowOptions;
}

@Injectable()
export class FinanceInputsRepository {
  constructor(
    @InjectModel('User') private readonly users: Model<UserDoc>,
    @InjectModel('Income') private readonly incomes: Model<IncomeDoc>,
    @InjectModel('Expense') private readonly expenses: Model<ExpenseDoc>,
    @InjectModel('Budget') private readonly budgets: Model<BudgetDoc>,
    @InjectModel('Debt') private readonly debts: Model<DebtDoc>,
    @InjectModel('SavingGoal') private readonly savingGoals: Model<SavingGoalDoc>,
  ) {}

  /**
   * `opts.timeZone` is the default (TIME_ZONE): a user document with a valid IANA `timeZone` of its own gets its
   * months in that zone instead, and `FinanceInputs.timeZone` says which one was used. The main backend's users have
   * no such field today (its only zone is notificationsettings' unused default), so in practice TIME_ZONE applies.
   */
  async load(userId: string, opts: LoadFinanceInputsOptions): Promise<LoadedFinanceInputs> {
    if (!isObjectIdHex(userId)) throw new FinanceUserNotFoundError(userId);
    const uid = toObjectId(userId);

    // Month edges need the user's zone first; debts and goals do not, so they share its round trip.
    const [{ partner, timeZone: ownZone }, debts, savingGoals] = await Promise.all([
      this.userOf(uid, userId),
      this.loadDebts(uid),
      this.loadSavingGoals(uid),
    ]);
    const timeZone = ownZone ?? opts.timeZone;
    const w = dataWindows(opts.now, timeZone, opts.windows);

    const budgetsAndExpenses = async () => {
      const budgets = await this.loadBudgets(uid, partner);
      const householdIds = budgets.filter((b) => HOUSEHOLD_TYPE.test(b.type)).map((b) => toObjectId(b.id));
      const expenses = await this.loadExpenses(uid, partner, householdIds, w, timeZone, opts.now);
      return { budgets, expenses };
    };
    const [{ budgets, expenses }, income, recurringCandidates] = await Promise.all([
      budgetsAndExpenses(),
      this.loadIncome(uid, w, timeZone, opts.now),
      this.loadRecurringSeries(uid, w),
    ]);
    const { nextUpcomingAt: nextExpense, ...expenseInputs } = expenses;

    return {
      userId,
      partnerId: partner ? partner.toHexString() : null,
      timeZone,
      window: { from: w.months.from, to: w.months.to },
      incomeByMonth: income.byMonth,
      ...expenseInputs,
      budgets,
      debts,
      savingGoals,
      recurringCandidates,
      nextUpcomingAt: earliest(income.nextUpcomingAt, nextExpense),
    };
  }

  /**
   * What placing one of the user's expenses in a category takes besides the expense: the budgets it may point at,
   * read as `load` reads them (the user's own and a mutual partner's household ones), and the saving goals (an
   * unbudgeted expense named like one is money saved). For readers of the ledger other than `load` (chat tools).
   */
  async categoryScope(userId: string): Promise<CategoryScope> {
    if (!isObjectIdHex(userId)) throw new FinanceUserNotFoundError(userId);
    const uid = toObjectId(userId);
    const [{ partner }, savingGoals] = await Promise.all([this.userOf(uid, userId), this.loadSavingGoals(uid)]);
    const budgets = await this.loadBudgets(uid, partner);
    return { partnerId: partner ? partner.toHexString() : null, budgets, savingGoals };
  }

  /**
   * The main backend has no household entity: two users are partners while each one's `partnerId` names the other
   * (set on both by accepting a request, cleared on both by unlinking). A one-sided pointer (left behind, or written
   * by anyone but the main backend) is not a partnership, and a partner who is deleted or blocked shares nothing.
   */
  private async userOf(
    uid: Types.ObjectId,
    userId: string,
  ): Promise<{ partner: Types.ObjectId | null; timeZone: string | null }> {
    const [user] = await this.users
      .aggregate<{ partner: Array<{ _id: Types.ObjectId }>; timeZone?: unknown }>([
        { $match: { _id: uid } },
        {
          $lookup: {
            from: 'users',
            let: { pid: '$partnerId', me: '$_id' },
            // The read-only plugin only guards the outer pipeline.
            pipeline: [
              { $match: { $expr: { $eq: ['$_id', '$$pid'] } } },
              { $match: { $expr: { $eq: ['$partnerId', '$$me'] } } },
              { $match: { isDeleted: { $ne: true }, status: { $not: BLOCKED_STATUS } } },
              { $project: { _id: 1 } },
            ],
            as: 'partner',
          },
        },
        { $project: { partner: 1, timeZone: 1 } },
      ])
      .exec();
    if (!user) throw new FinanceUserNotFoundError(userId);
    const partner = user.partner[0]?._id;
    return {
      partner: partner && !partner.equals(uid) ? partner : null,
      // Unvalidated input as far as we know: anything but a zone Intl knows is ignored rather than trusted.
      timeZone: typeof user.timeZone === 'string' && isValidTimeZone(user.timeZone) ? user.timeZone : null,
    };
  }

  private async loadBudgets(uid: Types.ObjectId, partner: Types.ObjectId | null): Promise<BudgetInput[]> {
    const filter = partner ? { $or: [{ userId: uid }, { userId: partner, type: HOUSEHOLD_TYPE }] } : { userId: uid };
    const docs = await this.budgets
      .find(filter)
      .select({ userId: 1, name: 1, amount: 1, type: 1, frequency: 1, category: 1, createdAt: 1 })
      .batchSize(SMALL_LIST_BATCH)
      .lean<Array<Partial<BudgetDoc> & { _id: Types.ObjectId }>>()
      .exec();
    return docs.map((b) => ({
      id: hex(b._id) as string,
      userId: hex(b.userId) ?? '',
      name: str(b.name),
      amount: num(b.amount) ?? 0,
      type: str(b.type),
      frequency: str(b.frequency),
      category: typeof b.category === 'string' ? b.category : null,
      // An invalid date is what the library reports as "budget-created-date-missing".
      createdAt: date(b.createdAt) ?? new Date(NaN),
    }));
  }

  private async loadIncome(
    uid: Types.ObjectId,
    w: DataWindows,
    timeZone: string,
    now: Date,
  ): Promise<{ byMonth: MonthTotal[]; nextUpcomingAt: Date | null }> {
    const rows = await this.incomes
      .aggregate<{ _id: { month: string; upcoming: boolean }; total: number; count: number; first: unknown }>([
        { $match: { userId: uid, receiveDate: { $gte: w.months.start, $lt: w.months.end } } },
        {
          $group: {
            // Copies dated later this month (made a period ahead) are upcoming, not income received so far.
            _id: { month: monthOf('$receiveDate', timeZone), upcoming: { $gt: ['$receiveDate', now] } },
            total: { $sum: '$amount' },
            count: { $sum: 1 },
            first: { $min: '$receiveDate' },
          },
        },
      ])
      .exec();
    return {
      byMonth: rows
        .map((r) => ({ month: r._id.month, total: r.total, count: r.count, upcoming: r._id.upcoming === true }))
        .sort(byMonth),
      nextUpcomingAt: earliestUpcoming(rows),
    };
  }

  private async loadExpenses(
    uid: Types.ObjectId,
    partner: Types.ObjectId | null,
    householdIds: Types.ObjectId[],
    w: DataWindows,
    timeZone: string,
    now: Date,
  ): Promise<
    Pick<
      FinanceInputs,
      'expensesByMonth' | 'largestExpensesByMonth' | 'duplicateCandidates' | 'partnerBudgetSpendByMonth'
    > & { nextUpcomingAt: Date | null }
  > {
    const start = new Date(Math.min(w.months.start.getTime(), w.duplicates.start.getTime()));
    const end = new Date(Math.max(w.months.end.getTime(), w.duplicates.end.getTime()));
    const inMonths = { $gte: w.months.start, $lt: w.months.end };
    const withPartner = partner !== null && householdIds.length > 0;
    const lowerName = { $toLower: { $trim: { input: { $ifNull: ['$name', ''] } } } };

    const facets: Record<string, PipelineStage.FacetPipelineStage[]> = {
      byMonth: [
        { $match: { userId: uid, endDate: inMonths } },
        {
          $group: {
            _id: {
              month: monthOf('$endDate', timeZone),
              budgetId: { $ifNull: ['$budgetId', null] },
              // Budgeted rows take their budget's category; only unbudgeted ones need a name to classify.
              name: { $cond: [{ $ifNull: ['$budgetId', false] }, null, lowerName] },
              // Copies dated later this month have not been paid yet: "so far" leaves them out.
              upcoming: { $gt: ['$endDate', now] },
            },
            total: { $sum: '$amount' },
            count: { $sum: 1 },
            first: { $min: '$endDate' },
          },
        },
      ],
      largest: [
        // Expenses so far: a copy dated later this month has not happened yet.
        { $match: { userId: uid, endDate: { ...inMonths, $lte: now } } },
        {
          $group: {
            _id: monthOf('$endDate', timeZone),
            items: {
              $topN: {
                n: LARGEST_EXPENSES_PER_MONTH,
                sortBy: { amount: -1, _id: 1 },
                output: {
                  id: '$_id',
                  name: '$name',
                  amount: '$amount',
                  date: '$endDate',
                  budgetId: { $ifNull: ['$budgetId', null] },
                },
              },
            },
          },
        },
      ],
      duplicates: [
        { $match: { userId: uid, endDate: { $gte: w.duplicates.start, $lt: w.duplicates.end } } },
        { $sort: { endDate: 1, _id: 1 } },
        {
          $group: {
            _id: { name: lowerName, amount: '$amount' },
            name: { $first: '$name' },
            occurrences: { $push: { id: '$_id', date: '$endDate' } },
            count: { $sum: 1 },
          },
        },
        { $match: { count: { $gte: 2 } } },
      ],
    };
    if (withPartner) {
      facets.partner = [
        { $match: { userId: partner, endDate: inMonths } },
        {
          $group: {
            _id: { month: monthOf('$endDate', timeZone), budgetId: '$budgetId' },
            total: { $sum: '$amount' },
            count: { $sum: 1 },
          },
        },
      ];
    }

    // The outer $match is what an index on { userId, endDate } serves; the facets only narrow it further.
    const who = withPartner
      ? { $or: [{ userId: uid }, { userId: partner, budgetId: { $in: householdIds } }] }
      : { userId: uid };
    const [out] = await this.expenses
      .aggregate<ExpenseFacets>([
        { $match: { ...who, endDate: { $gte: start, $lt: end } } },
        { $project: { userId: 1, name: 1, amount: 1, endDate: 1, budgetId: 1, frequency: 1 } },
        ...seriesBudgetStages(uid, start, lowerName),
        { $facet: facets },
      ])
      .exec();

    const largestExpensesByMonth: MonthLargestExpenses[] = (out?.largest ?? [])
      .map((g) => ({
        month: g._id,
        items: g.items.map((i) => ({
          id: hex(i.id) as string,
          name: str(i.name),
          amount: num(i.amount) ?? 0,
          // An invalid date makes the library drop the item and say so, rather than place it in a wrong month.
          date: date(i.date) ?? new Date(NaN),
          budgetId: hex(i.budgetId),
        })),
      }))
      .sort(byMonth);
    return {
      expensesByMonth: (out?.byMonth ?? [])
        .map((r): ExpenseMonthGroup => ({
          month: r._id.month,
          budgetId: hex(r._id.budgetId),
          name: r._id.name ?? null,
          total: r.total,
          count: r.count,
          upcoming: r._id.upcoming === true,
        }))
        .sort(byMonth),
      nextUpcomingAt: earliestUpcoming(out?.byMonth ?? []),
      largestExpensesByMonth,
      duplicateCandidates: (out?.duplicates ?? []).flatMap((g): DuplicateCandidateGroup[] => {
        const amount = num(g._id.amount);
        if (amount === null) return [];
        const occurrences = g.occurrences.flatMap((o) => {
          const d = date(o.date);
          return d ? [{ id: hex(o.id) as string, date: d }] : [];
        });
        return [{ name: str(g.name), amount, occurrences }];
      }),
      // null = "not fetched" (no partner); [] = fetched and nothing there, which the library treats differently.
      partnerBudgetSpendByMonth:
        partner === null
          ? null
          : (out?.partner ?? []).map((r): PartnerBudgetSpend => ({
              month: r._id.month,
              budgetId: hex(r._id.budgetId) as string,
              total: r.total,
              count: r.count,
            })),
    };
  }

  /**
   * One row per series (lower-cased trimmed name) seen at least twice, never the raw rows: its latest
   * RECURRING_OCCURRENCES_KEPT occurrences (rows dated ahead included: the main backend's next copy) and its newest
   * budgets, since recurring copies carry no budget and the first row's category still marks the series.
   */
  private async loadRecurringSeries(uid: Types.ObjectId, w: DataWindows): Promise<OccurrenceGroup[]> {
    const rows = await this.expenses
      .aggregate<RecurringSeriesRow>([
        { $match: { userId: uid, endDate: { $gte: w.recurring.start, $lt: w.recurring.end } } },
        {
          $group: {
            _id: { $toLower: { $trim: { input: { $ifNull: ['$name', ''] } } } },
            // The latest occurrences, oldest first; the last one's spelling is the display name. (Not `$top` for
            // the name: the test server's mingo returns it wrapped in an array.)
            occurrences: {
              $bottomN: {
                n: RECURRING_OCCURRENCES_KEPT,
                sortBy: { endDate: 1, _id: 1 },
                output: { id: '$_id', date: '$endDate', amount: '$amount', name: '$name' },
              },
            },
            // Missing budgetIds sort first, ObjectIds by creation: the series' newest budgets, with no extra stage
            // (a $set to rank "has a budget" doubled this command's time on the test server).
            budgets: {
              $bottomN: {
                n: RECURRING_BUDGET_IDS_KEPT,
                sortBy: { budgetId: 1, endDate: 1, _id: 1 },
                output: { budgetId: '$budgetId' },
              },
            },
            count: { $sum: 1 },
          },
        },
        { $match: { count: { $gte: 2 } } },
      ])
      // One row per name: past the driver's default first batch (101) for many users, so no getMore round trip.
      .option({ batchSize: SMALL_LIST_BATCH })
      .exec();
    return rows.map((g): OccurrenceGroup => ({
      name: str(g.occurrences[g.occurrences.length - 1]?.name) || g._id,
      occurrences: g.occurrences.flatMap((o) => {
        const d = date(o.date);
        return d ? [{ id: hex(o.id) ?? undefined, date: d, amount: num(o.amount) ?? 0 }] : [];
      }),
      budgetIds: [...new Set(g.budgets.flatMap((b) => hex(b.budgetId) ?? []))],
    }));
  }

  private async loadDebts(uid: Types.ObjectId): Promise<DebtInput[]> {
    const docs = await this.debts
      .find({ userId: uid })
      .select({
        name: 1,
        amount: 1,
        monthlyPayment: 1,
        AdHocPayment: 1,
        capitalRepayment: 1,
        interestRepayment: 1,
        userInterestRate: 1,
        payDueDate: 1,
        completionRatio: 1,
      })
      .batchSize(SMALL_LIST_BATCH)
      .lean<Array<Partial<DebtDoc> & { _id: Types.ObjectId }>>()
      .exec();
    return docs.map((d) => ({
      id: hex(d._id) as string,
      name: str(d.name),
      amount: num(d.amount) ?? 0,
      monthlyPayment: num(d.monthlyPayment),
      adHocPayment: num(d.AdHocPayment),
      capitalRepayment: num(d.capitalRepayment),
      interestRepayment: num(d.interestRepayment),
      userInterestRate: num(d.userInterestRate),
      payDueDate: date(d.payDueDate),
      completionRatio: num(d.completionRatio),
    }));
  }

  private async loadSavingGoals(uid: Types.ObjectId): Promise<SavingGoalInput[]> {
    const docs = await this.savingGoals
      .find({ userId: uid })
      .select({ name: 1, totalAmount: 1, monthlyTarget: 1, savedMoney: 1, date: 1, completeDate: 1, isCompleted: 1 })
      .batchSize(SMALL_LIST_BATCH)
      .lean<Array<Partial<SavingGoalDoc> & { _id: Types.ObjectId }>>()
      .exec();
    return docs.map((g) => ({
      id: hex(g._id) as string,
      name: str(g.name),
      totalAmount: num(g.totalAmount) ?? 0,
      monthlyTarget: num(g.monthlyTarget),
      savedMoney: num(g.savedMoney),
      date: date(g.date),
      completeDate: date(g.completeDate),
      isCompleted: g.isCompleted === true,
    }));
  }
}

interface ExpenseFacets {
  byMonth: Array<{
    _id: { month: string; budgetId: unknown; name: string | null; upcoming: boolean };
    total: number;
    count: number;
    first: unknown;
  }>;
  largest: Array<{
    _id: string;
    items: Array<{ id: unknown; name: unknown; amount: unknown; date: unknown; budgetId: unknown }>;
  }>;
  duplicates: Array<{
    _id: { name: string; amount: unknown };
    name: unknown;
    occurrences: Array<{ id: unknown; date: unknown }>;
    count: number;
  }>;
  partner?: Array<{ _id: { month: string; budgetId: unknown }; total: number; count: number }>;
}

interface RecurringSeriesRow {
  _id: string;
  occurrences: Array<{ id: unknown; date: unknown; amount: unknown; name: unknown }>;
  budgets: Array<{ budgetId: unknown }>;
  count: number;
}

const byMonth = (a: { month: string }, b: { month: string }): number =>
  a.month < b.month ? -1 : a.month > b.month ? 1 : 0;

/** The earliest date of the groups of rows dated after now (their `$min`). */
function earliestUpcoming(groups: Array<{ _id: { upcoming: boolean }; first: unknown }>): Date | null {
  return groups.reduce<Date | null>((min, g) => (g._id.upcoming === true ? earliest(min, date(g.first)) : min), null);
}

function earliest(a: Date | null, b: Date | null): Date | null {
  return a && b ? (a <= b ? a : b) : (a ?? b);
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function date(v: unknown): Date | null {
  return v instanceof Date && !Number.isNaN(v.getTime()) ? v : null;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
