import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types, type PipelineStage } from 'mongoose';
import type { MonthKey } from '@app/finance';
import type { ExpenseDoc, IncomeDoc } from '../main-backend/schemas';
import { isObjectIdHex, toObjectId } from '../object-id';
import { hex, LOWER_TRIMMED_NAME, monthOf, seriesBudgetStages } from './expense-series';
import { FinanceInputsRepository, FinanceUserNotFoundError, type CategoryScope } from './finance-inputs.repository';

/**
 * Looks things up in one user's incomes and expenses for the chat tools: filtered, grouped and paged in MongoDB,
 * never the raw history in memory. Expenses get their budget the way the financial context gives it
 * (seriesBudgetStages: a recurring copy without `budgetId` takes its series' budget), so a tool and the snapshot
 * put every expense in the same category. Soft-deleted rows are left out by the read-only plugin (first stage of
 * every aggregate) and by seriesBudgetStages' own sub-pipeline.
 *
 * Names are matched with a case-insensitive, escaped regular expression: the main backend defines no text index
 * (and we may not create one on its collections), and the `userId` (+ date) match in front of it is what an index
 * can serve; the name test only runs over that user's rows.
 */

/** Longest text a name search takes: a merchant or a few words, never a document. */
export const LEDGER_SEARCH_TEXT_MAX = 100;

export interface LedgerFilter {
  /** A substring of the name, any case. */
  text?: string | null;
  /** Inclusive instant. */
  start?: Date | null;
  /** Exclusive instant. */
  end?: Date | null;
  /** Major units, inclusive. */
  minAmount?: number | null;
  maxAmount?: number | null;
}

/** Expenses sharing month, budget (own or the series'), lower-cased trimmed name and "dated after now". */
export interface ExpenseGroup {
  month: MonthKey;
  budgetId: string | null;
  /** Lower-cased trimmed name, as MongoDB keys it. */
  nameKey: string;
  /** The spelling of the group's latest row, for display. */
  displayName: string;
  total: number;
  count: number;
  /** Dated after `now`: a copy the main backend made a period ahead, not money that has moved. */
  upcoming: boolean;
}

export interface LedgerRow {
  id: string;
  name: string;
  /** Major units as stored. */
  amount: number;
  date: Date;
  frequency: string;
  /** Expenses: the row's budget, or its series' for a recurring copy; incomes: null. */
  budgetId: string | null;
  /** Lower-cased trimmed name, as in ExpenseGroup. */
  nameKey: string;
}

/** Expenses whose budget or (unbudgeted) name is one of these; from ExpenseGroups already categorised. */
export interface ExpenseSelection {
  budgetIds: string[];
  nameKeys: string[];
}

export interface IncomeSearch {
  /** Dated up to now. */
  count: number;
  total: number;
  /** Matching rows dated after now (copies made ahead), not in count or total. */
  upcomingCount: number;
  /** Newest first, up to the limit. */
  rows: LedgerRow[];
}

interface QueryTime {
  now: Date;
  timeZone: string;
}

/** Regular-expression metacharacters escaped: the text is matched literally. */
export function literalPattern(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

@Injectable()
export class LedgerSearchRepository {
  constructor(
    @InjectModel('Expense') private readonly expenses: Model<ExpenseDoc>,
    @InjectModel('Income') private readonly incomes: Model<IncomeDoc>,
    private readonly finance: FinanceInputsRepository,
  ) {}

  /** Budgets (own + partner's household) and saving goals: what categorising the user's expenses needs. */
  categoryScope(userId: string): Promise<CategoryScope> {
    return this.finance.categoryScope(userId);
  }

  /**
   * Every matching expense, grouped (month, budget, name, upcoming) with totals: one row per group however many
   * documents, so counts and totals cover all matches, not a page.
   */
  async expenseGroups(userId: string, filter: LedgerFilter, t: QueryTime): Promise<ExpenseGroup[]> {
    const uid = userObjectId(userId);
    const rows = await this.expenses
      .aggregate<{
        _id: { month: string; budgetId: unknown; nameKey: string; upcoming: boolean };
        total: number;
        count: number;
        displayName: unknown;
      }>([
        ...this.expenseStages(uid, filter, null),
        { $sort: { endDate: 1, _id: 1 } },
        {
          $group: {
            _id: {
              month: monthOf('$endDate', t.timeZone),
              budgetId: { $ifNull: ['$budgetId', null] },
              nameKey: LOWER_TRIMMED_NAME,
              upcoming: { $gt: ['$endDate', t.now] },
            },
            total: { $sum: '$amount' },
            count: { $sum: 1 },
            displayName: { $last: '$name' },
          },
        },
      ])
      // One row per group: past the driver's default first batch for a long history, without a getMore.
      .option({ batchSize: 10_000 })
      .exec();
    return rows.map((r) => ({
      month: r._id.month,
      budgetId: hex(r._id.budgetId),
      nameKey: r._id.nameKey ?? '',
      displayName: str(r.displayName),
      total: num(r.total) ?? 0,
      count: r.count,
      upcoming: r._id.upcoming === true,
    }));
  }

  /** The newest matching expenses dated up to now, optionally only the selected budgets and names. */
  async expenseRows(
    userId: string,
    filter: LedgerFilter,
    opts: { now: Date; limit: number; only?: ExpenseSelection | null },
  ): Promise<LedgerRow[]> {
    const uid = userObjectId(userId);
    const only = opts.only
      ? [
          {
            $match: {
              $or: [
                { budgetId: { $in: opts.only.budgetIds.flatMap(storedIdForms) } },
                { budgetId: null, nameKey: { $in: opts.only.nameKeys } },
              ],
            },
          },
        ]
      : [];
    const rows = await this.expenses
      .aggregate<RawRow>([
        ...this.expenseStages(uid, filter, opts.now),
        { $set: { nameKey: LOWER_TRIMMED_NAME, budgetId: { $ifNull: ['$budgetId', null] } } },
        ...only,
        { $sort: { endDate: -1, _id: -1 } },
        { $limit: Math.max(0, Math.floor(opts.limit)) },
        { $project: { name: 1, amount: 1, date: '$endDate', frequency: 1, budgetId: 1, nameKey: 1 } },
      ])
      .exec();
    return rows.map(toLedgerRow);
  }

  /** Incomes: count and total of every match dated up to now, the upcoming ones counted apart, the newest rows. */
  async searchIncome(userId: string, filter: LedgerFilter, opts: QueryTime & { limit: number }): Promise<IncomeSearch> {
    const uid = userObjectId(userId);
    const [out] = await this.incomes
      .aggregate<{
        totals: Array<{ _id: boolean; total: number; count: number }>;
        rows: RawRow[];
      }>([
        { $match: { userId: uid, ...dateMatch('receiveDate', filter), ...nameMatch(filter) } },
        ...amountStage(filter),
        {
          $facet: {
            totals: [
              { $group: { _id: { $gt: ['$receiveDate', opts.now] }, total: { $sum: '$amount' }, count: { $sum: 1 } } },
            ],
            rows: [
              { $match: { receiveDate: { $lte: opts.now } } },
              { $sort: { receiveDate: -1, _id: -1 } },
              { $limit: Math.max(1, Math.floor(opts.limit)) },
              {
                $project: {
                  name: 1,
                  amount: 1,
                  date: '$receiveDate',
                  frequency: 1,
                  nameKey: LOWER_TRIMMED_NAME,
                },
              },
            ],
          },
        },
      ])
      .exec();
    const so = out?.totals.find((x) => x._id !== true);
    const ahead = out?.totals.find((x) => x._id === true);
    return {
      count: so?.count ?? 0,
      total: num(so?.total) ?? 0,
      upcomingCount: ahead?.count ?? 0,
      rows: (out?.rows ?? []).map(toLedgerRow),
    };
  }

  /**
   * The user's matching expenses with their series' budget resolved. `upTo` (inclusive) leaves out rows dated
   * later; rows after it cannot change an earlier row's series budget, so it is applied before the series stages.
   * The amount filter comes after them: a series' first, budgeted row may have had another amount.
   */
  private expenseStages(uid: Types.ObjectId, filter: LedgerFilter, upTo: Date | null): PipelineStage[] {
    const dates = dateMatch('endDate', filter);
    if (upTo) {
      const range = (dates.endDate ?? {}) as Record<string, Date>;
      dates.endDate = { ...range, $lte: upTo };
    }
    return [
      { $match: { userId: uid, ...dates, ...nameMatch(filter) } },
      { $project: { userId: 1, name: 1, amount: 1, endDate: 1, budgetId: 1, frequency: 1 } },
      // Series that began before the range are seeded from before it; with no range there is nothing before.
      ...seriesBudgetStages(uid, filter.start ?? new Date(0)),
      ...amountStage(filter),
    ];
  }
}

interface RawRow {
  _id: unknown;
  name: unknown;
  amount: unknown;
  date: unknown;
  frequency: unknown;
  budgetId: unknown;
  nameKey: unknown;
}

function userObjectId(userId: string): Types.ObjectId {
  if (!isObjectIdHex(userId)) throw new FinanceUserNotFoundError(userId);
  return toObjectId(userId);
}

/** Budget ids as they may be stored: ObjectIds, or strings where an older document held one. */
const storedIdForms = (id: string): Array<Types.ObjectId | string> => (isObjectIdHex(id) ? [toObjectId(id), id] : [id]);

function dateMatch(field: string, f: LedgerFilter): Record<string, unknown> {
  const range: Record<string, Date> = {};
  if (f.start) range.$gte = f.start;
  if (f.end) range.$lt = f.end;
  return Object.keys(range).length ? { [field]: range } : {};
}

function nameMatch(f: LedgerFilter): Record<string, unknown> {
  const text = f.text?.trim().slice(0, LEDGER_SEARCH_TEXT_MAX);
  return text ? { name: { $regex: literalPattern(text), $options: 'i' } } : {};
}

function amountStage(f: LedgerFilter): PipelineStage[] {
  const range: Record<string, number> = {};
  if (typeof f.minAmount === 'number') range.$gte = f.minAmount;
  if (typeof f.maxAmount === 'number') range.$lte = f.maxAmount;
  return Object.keys(range).length ? [{ $match: { amount: range } }] : [];
}

function toLedgerRow(r: RawRow): LedgerRow {
  return {
    id: hex(r._id) ?? '',
    name: str(r.name),
    amount: num(r.amount) ?? 0,
    date: r.date instanceof Date ? r.date : new Date(NaN),
    frequency: str(r.frequency),
    budgetId: hex(r.budgetId),
    nameKey: str(r.nameKey),
  };
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
