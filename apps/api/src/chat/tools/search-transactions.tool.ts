import { Injectable } from '@nestjs/common';
import {
  LEDGER_SEARCH_TEXT_MAX,
  LedgerSearchRepository,
  type ExpenseGroup,
  type LedgerFilter,
  type LedgerRow,
} from '@app/database';
import { monthKey, toMinorOrZero } from '@app/finance';
import { ToolInputError, type ChatTool, type ToolContext, type ToolResult } from './chat-tool';
import { categoryMatches, ExpenseCategories, type ExpenseCategory } from './expense-categories';
import { DATE_SCHEMA, dateRange, dayOf, displayName, fitList, ToolFigures, type DateRange } from './tool-support';

/** A type, not an interface: it must be assignable to the registry's `Record<string, unknown>` arguments. */
export type SearchTransactionsArgs = {
  text?: string;
  category?: string;
  from?: string;
  to?: string;
  minAmount?: number;
  maxAmount?: number;
  kind?: 'income' | 'expense' | 'both';
  limit?: number;
};

export const SEARCH_DEFAULT_LIMIT = 20;
export const SEARCH_MAX_LIMIT = 50;
/** Far above any household amount, so a bound never hides a real row. */
export const SEARCH_MAX_AMOUNT = 10_000_000;
const CATEGORY_MAX_CHARS = 60;
/** Categories listed back when a category matched nothing, so the model can retry with a real one. */
const CATEGORIES_LISTED = 12;

interface Row {
  date: string;
  name: string;
  kind: 'income' | 'expense';
  amount: string;
  amountMinor: number;
  category: string | null;
  frequency: string;
}

interface Totals {
  count: number;
  totalMinor: number;
  upcoming: number;
}

/**
 * Finds the user's own incomes and expenses by name, category, dates and amount. Count and total cover every
 * match (computed in MongoDB over all of them), the rows are the newest page. Rows dated after now (the copies the
 * main backend records a period ahead) are not transactions yet: left out, and counted as such.
 */
@Injectable()
export class SearchTransactionsTool implements ChatTool<SearchTransactionsArgs> {
  readonly name = 'search_transactions';
  readonly description =
    "Search the user's own recorded incomes and expenses by name text, category, date range, amount range and kind. " +
    'Returns the newest matching rows (up to limit) with the count and total of ALL matches. Use it for questions ' +
    'about specific transactions, a merchant, or a period the snapshot does not cover.';
  readonly parameters = {
    type: 'object',
    properties: {
      text: {
        type: 'string',
        minLength: 1,
        maxLength: LEDGER_SEARCH_TEXT_MAX,
        description: 'Part of the transaction name, any case (e.g. "tesco").',
      },
      category: {
        type: 'string',
        minLength: 1,
        maxLength: CATEGORY_MAX_CHARS,
        description:
          "Expense category (from the expense's budget, or classified from its name): 'Essential(Needs)', " +
          "'Discretionary(Wants)', 'Savings', 'Uncategorised' or a budget's own category; 'needs' or 'wants' also " +
          'match. Incomes have no category: with a category only expenses are searched.',
      },
      from: { ...DATE_SCHEMA, description: 'First day, YYYY-MM-DD, in the user’s time zone (inclusive).' },
      to: { ...DATE_SCHEMA, description: 'Last day, YYYY-MM-DD (inclusive).' },
      minAmount: { type: 'number', minimum: 0, maximum: SEARCH_MAX_AMOUNT, description: 'Smallest amount.' },
      maxAmount: { type: 'number', minimum: 0, maximum: SEARCH_MAX_AMOUNT, description: 'Largest amount.' },
      kind: { type: 'string', enum: ['income', 'expense', 'both'], description: 'Default both.' },
      limit: {
        type: 'integer',
        minimum: 1,
        maximum: SEARCH_MAX_LIMIT,
        description: `Rows to return, newest first (default ${SEARCH_DEFAULT_LIMIT}, at most ${SEARCH_MAX_LIMIT}).`,
      },
    },
    additionalProperties: false,
  };

  constructor(private readonly ledger: LedgerSearchRepository) {}

  async run(args: SearchTransactionsArgs, ctx: ToolContext): Promise<ToolResult> {
    const range = dateRange(args.from, args.to, ctx.timeZone);
    if (args.minAmount !== undefined && args.maxAmount !== undefined && args.maxAmount < args.minAmount) {
      throw new ToolInputError('maxAmount must not be below minAmount');
    }
    const category = args.category?.trim() || null;
    const requested = args.kind ?? 'both';
    if (category && requested === 'income') {
      throw new ToolInputError('incomes have no category: leave category out, or search kind expense');
    }
    const kind = category ? 'expense' : requested;
    const limit = args.limit ?? SEARCH_DEFAULT_LIMIT;
    const filter: LedgerFilter = {
      text: args.text?.trim() || null,
      start: range.start,
      end: range.end,
      minAmount: args.minAmount ?? null,
      maxAmount: args.maxAmount ?? null,
    };

    const f = new ToolFigures(this.name, ctx);
    const [expenses, income] = await Promise.all([
      kind === 'income' ? null : this.searchExpenses(filter, category, limit, ctx, f),
      kind === 'expense'
        ? null
        : this.ledger.searchIncome(ctx.userId, filter, { now: ctx.now, timeZone: ctx.timeZone, limit }),
    ]);
    const incomeTotals: Totals | null = income
      ? { count: income.count, totalMinor: toMinorOrZero(income.total, f.minorDigits), upcoming: income.upcomingCount }
      : null;

    const rows: Row[] = [
      ...(expenses?.rows ?? []),
      ...(income?.rows ?? []).map((r) => this.row(r, 'income', null, ctx, f)),
    ]
      .sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0))
      .slice(0, limit);
    const count = (expenses?.totals.count ?? 0) + (incomeTotals?.count ?? 0);
    const upcoming = (expenses?.totals.upcoming ?? 0) + (incomeTotals?.upcoming ?? 0);

    const data: Record<string, unknown> = {
      kind,
      filters: filtersOf(args, range, category, f),
      count: f.count('count', 'Matching transactions (dated up to today)', count),
    };
    const single = kind === 'both' ? null : (expenses?.totals ?? incomeTotals)!;
    if (single) {
      data.total = f.amount('total', `Total of the ${count} matching transactions`, single.totalMinor);
      data.totalMinor = single.totalMinor;
    } else {
      data.income = this.totalsData(f, 'income', 'Matching incomes', incomeTotals!);
      data.expenses = this.totalsData(f, 'expenses', 'Matching expenses', expenses!.totals);
    }
    const shown = fitList(rows, f, (r, i) => {
      const what = `${r.kind === 'income' ? 'Income' : 'Expense'} "${r.name}" on ${r.date}`;
      f.amount(`row_${i + 1}`, r.category ? `${what} (${r.category})` : what, r.amountMinor);
      return r;
    }).shown;
    data.rows = shown;
    data.rowsShown = f.count('rows_shown', 'Transactions listed', shown.length);
    if (count > shown.length) {
      data.moreNotShown = f.count('more_not_shown', 'Matching transactions not listed', count - shown.length);
      if (shown.length < rows.length) data.rowsNote = 'Fewer rows than asked fit in one answer; narrow the search.';
    }
    if (upcoming > 0) {
      data.upcomingExcluded = f.count(
        'upcoming_excluded',
        'Matching rows dated after today (recorded ahead by the app), not counted',
        upcoming,
      );
      data.upcomingNote =
        'The app records repeating items a period ahead; rows dated after today have not happened yet and are ' +
        'not in count, total or rows.';
    }
    if (requested === 'both' && category) data.note = 'Incomes have no category, so only expenses were searched.';
    if (category && count === 0 && expenses?.categories.length) data.categoriesFound = expenses.categories;

    return { data, facts: f.facts(), summary: this.summary(ctx, f, count, single, incomeTotals, expenses?.totals) };
  }

  private async searchExpenses(
    filter: LedgerFilter,
    category: string | null,
    limit: number,
    ctx: ToolContext,
    f: ToolFigures,
  ): Promise<{ totals: Totals; rows: Row[]; categories: string[] }> {
    const minorDigits = f.minorDigits;
    const [scope, groups] = await Promise.all([
      this.ledger.categoryScope(ctx.userId),
      this.ledger.expenseGroups(ctx.userId, filter, ctx),
    ]);
    const categories = new ExpenseCategories(scope, {
      userId: ctx.userId,
      timeZone: ctx.timeZone,
      minorDigits,
      month: monthKey(ctx.now, ctx.timeZone),
    });
    const groupCategories = categories.categorise(groups);
    const matching: ExpenseGroup[] = category
      ? groups.filter((_, i) => categoryMatches(groupCategories[i].category, category))
      : groups;
    const totals: Totals = { count: 0, totalMinor: 0, upcoming: 0 };
    for (const g of matching) {
      if (g.upcoming) totals.upcoming += g.count;
      else {
        totals.count += g.count;
        totals.totalMinor += toMinorOrZero(g.total, minorDigits);
      }
    }
    const selection = category
      ? {
          budgetIds: [...new Set(matching.flatMap((g) => (g.budgetId ? [g.budgetId] : [])))],
          nameKeys: [...new Set(matching.flatMap((g) => (g.budgetId ? [] : [g.nameKey])))],
        }
      : null;
    const found =
      totals.count === 0
        ? []
        : await this.ledger.expenseRows(ctx.userId, filter, { now: ctx.now, limit, only: selection });
    const rowCategories = categories.categorise(found);
    return {
      totals,
      rows: found.map((r, i) => this.row(r, 'expense', rowCategories[i], ctx, f)),
      categories: [...new Set(groupCategories.map((c) => displayName(c.category)))].sort().slice(0, CATEGORIES_LISTED),
    };
  }

  private row(
    r: LedgerRow,
    kind: 'income' | 'expense',
    category: ExpenseCategory | null,
    ctx: ToolContext,
    f: ToolFigures,
  ): Row {
    const amountMinor = toMinorOrZero(r.amount, f.minorDigits);
    return {
      date: Number.isNaN(r.date.getTime()) ? 'unknown' : dayOf(r.date, ctx.timeZone),
      name: displayName(r.name),
      kind,
      amount: f.money(amountMinor),
      amountMinor,
      category: category ? displayName(category.category) : null,
      frequency: displayName(r.frequency),
    };
  }

  private totalsData(f: ToolFigures, key: string, label: string, t: Totals): Record<string, unknown> {
    return {
      count: f.count(`${key}.count`, label, t.count),
      total: f.amount(`${key}.total`, `${label}: total`, t.totalMinor),
      totalMinor: t.totalMinor,
    };
  }

  private summary(
    ctx: ToolContext,
    f: ToolFigures,
    count: number,
    single: Totals | null,
    income: Totals | null,
    expenses: Totals | undefined,
  ): string {
    const bn = ctx.language === 'bn';
    if (count === 0) return bn ? 'মিলে যাওয়া কোনো লেনদেন পাওয়া যায়নি' : 'No matching transactions';
    if (single) {
      const total = f.money(single.totalMinor);
      return bn
        ? `${count}টি লেনদেন পাওয়া গেছে, মোট ${total}`
        : `Found ${count} ${count === 1 ? 'transaction' : 'transactions'} totalling ${total}`;
    }
    const inMoney = f.money(income?.totalMinor ?? 0);
    const outMoney = f.money(expenses?.totalMinor ?? 0);
    return bn
      ? `${count}টি লেনদেন পাওয়া গেছে: আয় ${inMoney}, ব্যয় ${outMoney}`
      : `Found ${count} ${count === 1 ? 'transaction' : 'transactions'}: ${inMoney} in, ${outMoney} out`;
  }
}

/** The filters as applied, for the model to word its answer by; the amounts are figures it may repeat. */
function filtersOf(
  args: SearchTransactionsArgs,
  range: DateRange,
  category: string | null,
  f: ToolFigures,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (args.text?.trim()) out.text = displayName(args.text);
  if (category) out.category = displayName(category);
  if (range.fromKey) out.from = range.fromKey;
  if (range.toKey) out.to = range.toKey;
  if (range.fromKey || range.toKey)
    f.line('filter.dates', 'Dates searched', `${range.fromKey ?? '…'} to ${range.toKey ?? '…'}`);
  const bound = (key: string, label: string, major: number) =>
    f.amount(key, label, toMinorOrZero(major, f.minorDigits));
  if (args.minAmount !== undefined)
    out.minAmount = bound('filter.min_amount', 'Smallest amount searched for', args.minAmount);
  if (args.maxAmount !== undefined)
    out.maxAmount = bound('filter.max_amount', 'Largest amount searched for', args.maxAmount);
  return out;
}
