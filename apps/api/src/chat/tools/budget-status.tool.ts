import { Injectable } from '@nestjs/common';
import { FinanceInputsRepository } from '@app/database';
import {
  budgetVsActual,
  buildLedger,
  currencyMinorDigits,
  monthKey,
  monthRange,
  type BudgetLine,
  type BudgetReport,
} from '@app/finance';
import type { ChatTool, ToolContext, ToolResult } from './chat-tool';
import { displayName, fitList, MONTH_SCHEMA, pastOrCurrentMonth, ToolFigures } from './tool-support';

export type BudgetStatusArgs = {
  month?: string;
};

/** Budget lines shown; the rest are summed. Overrun ones come first, so none of those is ever left out unseen. */
export const BUDGET_STATUS_MAX_LINES = 20;

/**
 * Each budget's amount, spending, what is left and the share used in one month, by the library's budgetVsActual:
 * the month in progress is the snapshot's own figures (so far: copies dated later this month are not spending),
 * an earlier month is computed from the records the same way. Household budgets include the partner's spending.
 */
@Injectable()
export class BudgetStatusTool implements ChatTool<BudgetStatusArgs> {
  readonly name = 'budget_status';
  readonly description =
    "The user's budgets for one month (default: this month so far): each budget's amount, spent, remaining, % used " +
    'and whether it is over, with totals and the spending outside any budget.';
  readonly parameters = {
    type: 'object',
    properties: {
      month: { ...MONTH_SCHEMA, description: 'YYYY-MM, this month or earlier (default this month).' },
    },
    additionalProperties: false,
  };

  constructor(private readonly inputs: FinanceInputsRepository) {}

  async run(args: BudgetStatusArgs, ctx: ToolContext): Promise<ToolResult> {
    const current = ctx.snapshot.currentMonth;
    const month = args.month === undefined ? current : pastOrCurrentMonth(args.month, current);
    const report = month === current ? ctx.snapshot.budgetsThisMonth : await this.pastMonth(month, ctx);
    const f = new ToolFigures(this.name, ctx);
    const inProgress = month === current;

    const lines = [...report.lines].sort(
      (a, b) =>
        b.overrunMinor - a.overrunMinor ||
        (b.percentUsedPct ?? -1) - (a.percentUsedPct ?? -1) ||
        (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    );
    const t = report.totals;
    const overCount = lines.filter((l) => l.overrun).length;
    const label = inProgress ? `${month} so far` : month;

    const data: Record<string, unknown> = {
      month,
      inProgress,
      totals: {
        budgeted: f.amount('total.budgeted', `Total budgeted for ${month}`, t.budgetedMinor),
        spent: f.amount('total.spent', `Total spent against budgets, ${label}`, t.actualMinor),
        remaining: f.amount('total.remaining', `Total remaining of the budgets, ${label}`, t.remainingMinor),
        percentUsed: f.percent('total.percent_used', `Share of all budgets used, ${label}`, t.percentUsedPct),
        overBudget: f.count('total.over_count', `Budgets over their amount, ${label}`, overCount),
      },
      unbudgetedSpending: f.amount('unbudgeted', `Spending with no budget, ${label}`, report.unbudgetedSpendingMinor),
    };
    const fit = fitList(lines.slice(0, BUDGET_STATUS_MAX_LINES), f, (l, i) => this.line(f, l, i, label));
    data.budgets = fit.shown;
    const omitted = [...fit.omitted, ...lines.slice(BUDGET_STATUS_MAX_LINES)];
    if (omitted.length > 0) {
      data.otherBudgets = {
        count: f.count('others.count', 'Other budgets, summed', omitted.length),
        budgeted: f.amount(
          'others.budgeted',
          'Budgeted in the other budgets',
          omitted.reduce((s, l) => s + l.budgetedMinor, 0),
        ),
        spent: f.amount(
          'others.spent',
          'Spent against the other budgets',
          omitted.reduce((s, l) => s + l.actualMinor, 0),
        ),
        overBudget: f.count(
          'others.over_count',
          'Other budgets over their amount',
          omitted.filter((l) => l.overrun).length,
        ),
      };
    }
    if (inProgress) {
      const p = ctx.snapshot.currentMonthProgress;
      data.dayOfMonth = f.count('day', 'Day of the month', p.day);
      data.daysInMonth = f.count('days_in_month', 'Days in the month', p.daysInMonth);
    }
    if (!report.partnerSpendIncluded) data.note = "The partner's spending on household budgets was not available.";
    return { data, facts: f.facts(), summary: summary(ctx, f, month, report, overCount) };
  }

  /** An earlier month from the records, as the snapshot computes the current one (its budgets, partner included). */
  private async pastMonth(month: string, ctx: ToolContext): Promise<BudgetReport> {
    // "Now" at the month's last instant: the month is complete and inside the fetched window.
    const now = new Date(monthRange(month, ctx.timeZone).end.getTime() - 1);
    const inputs = await this.inputs.load(ctx.userId, { now, timeZone: ctx.timeZone });
    const timeZone = inputs.timeZone || ctx.timeZone;
    const ledger = buildLedger(inputs, { timeZone, minorDigits: currencyMinorDigits(ctx.currency) });
    const key = monthKey(now, timeZone);
    return budgetVsActual(ledger, { kind: 'months', from: key, to: key }, { now });
  }

  private line(f: ToolFigures, l: BudgetLine, i: number, label: string): Record<string, unknown> {
    const name = displayName(l.name);
    const status = l.overrun ? 'over' : l.budgetedMinor === 0 ? 'no budget this month' : 'within';
    const shown = `${f.money(l.actualMinor)} of ${f.money(l.budgetedMinor)} (${f.pct(l.percentUsedPct)}), ${
      l.overrun ? `${f.money(l.overrunMinor)} over` : `${f.money(l.remainingMinor)} left`
    }`;
    f.amount(`budget_${i + 1}`, `Budget "${name}" ${label}: spent`, l.actualMinor, shown);
    const out: Record<string, unknown> = {
      name,
      category: displayName(l.category),
      budget: f.money(l.budgetedMinor),
      budgetMinor: l.budgetedMinor,
      spent: f.money(l.actualMinor),
      spentMinor: l.actualMinor,
      remaining: f.money(l.remainingMinor),
      remainingMinor: l.remainingMinor,
      percentUsed: f.pct(l.percentUsedPct),
      status,
    };
    if (l.overrun) {
      out.overBy = f.money(l.overrunMinor);
      out.overByMinor = l.overrunMinor;
    }
    if (l.partnerActualMinor > 0) {
      out.partnerSpent = f.amount(
        `budget_${i + 1}.partner`,
        `Budget "${name}": partner's spending`,
        l.partnerActualMinor,
      );
    }
    if (l.type.trim().toLowerCase() === 'household') out.household = true;
    return out;
  }
}

function summary(ctx: ToolContext, f: ToolFigures, month: string, r: BudgetReport, over: number): string {
  const bn = ctx.language === 'bn';
  if (r.lines.length === 0) return bn ? `${month} মাসের জন্য কোনো বাজেট নেই` : `No budgets for ${month}`;
  const spent = f.money(r.totals.actualMinor);
  const budgeted = f.money(r.totals.budgetedMinor);
  const used = f.pct(r.totals.percentUsedPct);
  if (bn) {
    const overText = over > 0 ? `; ${over}টি বাজেট সীমা ছাড়িয়েছে` : '; কোনো বাজেট সীমা ছাড়ায়নি';
    return `${month} মাসের বাজেট: ${budgeted} এর মধ্যে ${spent} খরচ হয়েছে (${used})${overText}`;
  }
  const overText = over > 0 ? `; ${over} over budget` : '; none over budget';
  return `Budgets for ${month}: ${spent} of ${budgeted} spent (${used})${overText}`;
}
