import { Injectable } from '@nestjs/common';
import { LedgerSearchRepository } from '@app/database';
import { localDateKey, monthKey, monthRange, normaliseName, pct, toMinorOrZero } from '@app/finance';
import { ToolInputError, type ChatTool, type ToolContext, type ToolResult } from './chat-tool';
import { ExpenseCategories } from './expense-categories';
import { DATE_SCHEMA, dateRange, displayName, fitList, ToolFigures } from './tool-support';

export type BreakdownGroupBy = 'category' | 'merchant' | 'month';

export type SpendingBreakdownArgs = {
  groupBy?: BreakdownGroupBy;
  from?: string;
  to?: string;
  top?: number;
};

export const BREAKDOWN_DEFAULT_TOP = 10;
export const BREAKDOWN_MAX_TOP = 20;

interface Bucket {
  key: string;
  label: string;
  /** The month of the row the label was taken from: a merchant shows its latest spelling. */
  labelMonth: string;
  amountMinor: number;
  count: number;
}

/**
 * Spending grouped by category, merchant (normalised name) or month over a range, the largest groups shown and
 * the rest summed. Spending as the snapshot counts it: expenses dated up to now, money moved to savings (a Savings
 * budget or goal) kept apart, categories as the financial context decides them.
 */
@Injectable()
export class SpendingBreakdownTool implements ChatTool<SpendingBreakdownArgs> {
  readonly name = 'spending_breakdown';
  readonly description =
    "Break the user's spending down by category, merchant or month over a date range (default: this month so far). " +
    'Returns the largest groups with amounts and shares, the rest summed as "others", and the total.';
  readonly parameters = {
    type: 'object',
    properties: {
      groupBy: { type: 'string', enum: ['category', 'merchant', 'month'], description: 'Default category.' },
      from: { ...DATE_SCHEMA, description: 'First day, YYYY-MM-DD (default: the first day of this month).' },
      to: { ...DATE_SCHEMA, description: 'Last day, YYYY-MM-DD (default: today).' },
      top: {
        type: 'integer',
        minimum: 1,
        maximum: BREAKDOWN_MAX_TOP,
        description: `Groups to show (default ${BREAKDOWN_DEFAULT_TOP}); by month, the latest months.`,
      },
    },
    additionalProperties: false,
  };

  constructor(private readonly ledger: LedgerSearchRepository) {}

  async run(args: SpendingBreakdownArgs, ctx: ToolContext): Promise<ToolResult> {
    const groupBy = args.groupBy ?? 'category';
    const top = args.top ?? BREAKDOWN_DEFAULT_TOP;
    const today = localDateKey(ctx.now, ctx.timeZone);
    const from = args.from ?? `${monthKey(ctx.now, ctx.timeZone)}-01`;
    if (args.to === undefined && from > today) {
      throw new ToolInputError(`from ${from} is after today (${today}): nothing has been spent in it yet`);
    }
    const range = dateRange(from, args.to ?? today, ctx.timeZone);
    const f = new ToolFigures(this.name, ctx);

    const [scope, groups] = await Promise.all([
      this.ledger.categoryScope(ctx.userId),
      this.ledger.expenseGroups(ctx.userId, { start: range.start, end: range.end }, ctx),
    ]);
    const categories = new ExpenseCategories(scope, {
      userId: ctx.userId,
      timeZone: ctx.timeZone,
      minorDigits: f.minorDigits,
      month: monthKey(ctx.now, ctx.timeZone),
    }).categorise(groups);

    const buckets = new Map<string, Bucket>();
    let spendingMinor = 0;
    let transactions = 0;
    let savedMinor = 0;
    let upcoming = 0;
    groups.forEach((g, i) => {
      if (g.upcoming) {
        upcoming += g.count;
        return;
      }
      const amountMinor = toMinorOrZero(g.total, f.minorDigits);
      if (categories[i].bucket === 'savings') {
        savedMinor += amountMinor;
        return;
      }
      spendingMinor += amountMinor;
      transactions += g.count;
      const key =
        groupBy === 'category'
          ? categories[i].category
          : groupBy === 'month'
            ? g.month
            : normaliseName(g.nameKey) || g.nameKey;
      const label = groupBy === 'merchant' ? g.displayName || g.nameKey : key;
      const b = buckets.get(key) ?? { key, label, labelMonth: g.month, amountMinor: 0, count: 0 };
      b.amountMinor += amountMinor;
      b.count += g.count;
      if (g.month > b.labelMonth) Object.assign(b, { label, labelMonth: g.month });
      buckets.set(key, b);
    });

    const all = [...buckets.values()];
    // By month the latest months are shown (in calendar order), otherwise the largest groups; ties by name.
    const ranked =
      groupBy === 'month'
        ? all.sort((a, b) => (a.key < b.key ? 1 : -1))
        : all.sort((a, b) => b.amountMinor - a.amountMinor || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
    const fromKey = range.fromKey as string;
    const toKey = range.toKey as string;
    const period = `${fromKey} to ${toKey}`;
    f.line('period', 'Period', period);

    const noun = { category: 'category', merchant: 'merchant', month: 'month' }[groupBy];
    const data: Record<string, unknown> = {
      groupBy,
      from: fromKey,
      to: toKey,
      total: f.amount('total', `Spending ${period} (money moved to savings not included)`, spendingMinor),
      totalMinor: spendingMinor,
      transactions: f.count('transactions', `Expenses counted ${period}`, transactions),
    };
    const fit = fitList(ranked.slice(0, top), f, (b, i) => {
      const name = displayName(b.label);
      const share = pct(b.amountMinor, spendingMinor);
      f.amount(`group_${i + 1}`, `Spending on ${noun} "${name}" ${period}`, b.amountMinor);
      f.percent(`group_${i + 1}.share`, `Share of spending: ${noun} "${name}"`, share);
      f.count(`group_${i + 1}.count`, `Expenses: ${noun} "${name}"`, b.count);
      return {
        [noun]: name,
        amount: f.money(b.amountMinor),
        amountMinor: b.amountMinor,
        sharePct: f.pct(share),
        transactions: b.count,
      };
    });
    data.groups = groupBy === 'month' ? [...fit.shown].reverse() : fit.shown;
    const omitted = [...fit.omitted, ...ranked.slice(top)];
    if (omitted.length > 0) {
      const othersMinor = omitted.reduce((s, b) => s + b.amountMinor, 0);
      data.others = {
        groups: f.count('others.groups', `Other ${noun} groups, summed`, omitted.length),
        amount: f.amount('others', `Spending on the other ${omitted.length} groups`, othersMinor),
        amountMinor: othersMinor,
        sharePct: f.percent('others.share', 'Share of spending: others', pct(othersMinor, spendingMinor)),
        transactions: f.count(
          'others.count',
          'Expenses in the other groups',
          omitted.reduce((s, b) => s + b.count, 0),
        ),
      };
    }
    if (savedMinor > 0) {
      data.movedToSavings = f.amount('moved_to_savings', `Moved to savings ${period} (not spending)`, savedMinor);
      data.movedToSavingsMinor = savedMinor;
    }
    if (upcoming > 0) {
      data.upcomingExcluded = f.count(
        'upcoming_excluded',
        'Expenses dated after today (recorded ahead by the app), not counted',
        upcoming,
      );
    }
    if (range.end && range.end > monthRange(monthKey(ctx.now, ctx.timeZone), ctx.timeZone).end) {
      data.note = 'The range reaches past this month: only expenses dated up to today are spending so far.';
    }
    return { data, facts: f.facts(), summary: summary(ctx, f, groupBy, fromKey, toKey, spendingMinor, all.length) };
  }
}

function summary(
  ctx: ToolContext,
  f: ToolFigures,
  groupBy: BreakdownGroupBy,
  from: string,
  to: string,
  totalMinor: number,
  groups: number,
): string {
  const total = f.money(totalMinor);
  if (ctx.language === 'bn') {
    const where = { category: 'টি বিভাগে', merchant: 'টি বিক্রেতার কাছে', month: ' মাসে' }[groupBy];
    return groups === 0
      ? `${from} থেকে ${to} পর্যন্ত কোনো খরচ নেই`
      : `${from} থেকে ${to} পর্যন্ত খরচ ${total}, ${groups}${where}`;
  }
  const noun = {
    category: ['category', 'categories'],
    merchant: ['merchant', 'merchants'],
    month: ['month', 'months'],
  }[groupBy];
  return groups === 0
    ? `No spending from ${from} to ${to}`
    : `Spending from ${from} to ${to}: ${total} across ${groups} ${groups === 1 ? noun[0] : noun[1]}`;
}
