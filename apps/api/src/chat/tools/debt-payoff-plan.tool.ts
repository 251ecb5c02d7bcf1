import { Injectable } from '@nestjs/common';
import {
  addMonths,
  aprText,
  AVALANCHE_ORDER_RULE,
  balanceSourceText,
  incomeBasisText,
  buildReportFigures,
  capList,
  planProblemText,
  simulationDebts,
  SNOWBALL_ORDER_RULE,
  whatIfPayoff,
  type PlanSaving,
  type Strategy,
  type StrategySummary,
} from '@app/finance';
import { REPORT_WHAT_IF_MAX } from '../../reports/report.dto';
import type { ChatTool, ToolContext, ToolResult } from './chat-tool';
import { argumentMinor, displayName, ToolFigures } from './tool-support';

export type DebtPayoffPlanArgs = {
  strategy?: Strategy | 'both';
  extraMonthly?: number;
  lumpSum?: number;
};

/** Debts listed in a plan's payoff order; the rest are counted. */
export const PAYOFF_ORDER_SHOWN = 10;

/** `short` names the plan in fact labels; `rule` is the whole ordering rule, shared with the debt report's words. */
const LABELS: Record<Strategy, { en: string; bn: string; short: string; rule: string }> = {
  avalanche: { en: 'Avalanche', bn: 'অ্যাভালাঞ্চ', short: 'highest APR first', rule: AVALANCHE_ORDER_RULE },
  snowball: { en: 'Snowball', bn: 'স্নোবল', short: 'smallest starting balance first', rule: SNOWBALL_ORDER_RULE },
};

interface Plan {
  strategy: Strategy;
  result: StrategySummary;
  saves: PlanSaving;
}

/**
 * Avalanche and snowball payoff plans with optional extra money, by the debt report's own path: the report
 * figures (`buildReportFigures('debt', ...)` with the same what-if) on the same financial context, so the months,
 * interest and payoff order are the report's for the same inputs. The amounts are bounded as the report's
 * request is (REPORT_WHAT_IF_MAX, at most two decimals).
 */
@Injectable()
export class DebtPayoffPlanTool implements ChatTool<DebtPayoffPlanArgs> {
  readonly name = 'debt_payoff_plan';
  readonly description =
    "Simulate paying off the user's debts: avalanche (highest APR first) and/or snowball (smallest balance first), " +
    'optionally with extra money every month and a one-off lump sum in the first month. Returns months to ' +
    'debt-free, total interest, payoff order, and months and interest saved against paying only the minimums.';
  readonly parameters = {
    type: 'object',
    properties: {
      strategy: { type: 'string', enum: ['avalanche', 'snowball', 'both'], description: 'Default both.' },
      extraMonthly: {
        type: 'number',
        minimum: 0,
        maximum: REPORT_WHAT_IF_MAX.extraMonthly,
        description: 'Extra paid every month on top of the minimum payments (major units, default 0).',
      },
      lumpSum: {
        type: 'number',
        minimum: 0,
        maximum: REPORT_WHAT_IF_MAX.lumpSum,
        description: 'One-off payment in the first month (major units, default 0).',
      },
    },
    additionalProperties: false,
  };

  run(args: DebtPayoffPlanArgs, ctx: ToolContext): Promise<ToolResult> {
    const f = new ToolFigures(this.name, ctx);
    const extraMinor = argumentMinor(args.extraMonthly ?? 0, 'extraMonthly', f.minorDigits);
    const lumpSumMinor = argumentMinor(args.lumpSum ?? 0, 'lumpSum', f.minorDigits);
    const wanted: Strategy[] = !args.strategy || args.strategy === 'both' ? ['avalanche', 'snowball'] : [args.strategy];
    const snapshot = ctx.snapshot;

    // The report's request turns zero amounts into a plain report; so does this.
    const whatIf = extraMinor > 0 || lumpSumMinor > 0 ? { extraMonthlyMinor: extraMinor, lumpSumMinor } : null;
    const figures = buildReportFigures('debt', snapshot, { whatIf });
    if (!figures.payoff) return Promise.resolve(noDebts(ctx, f, figures.debts.length));

    // The plain report has no baseline; its plans are today's payments, so the what-if engine at zero extra gives
    // the same plans and, with them, what paying only the minimums would take.
    const w =
      figures.whatIf ??
      whatIfPayoff(simulationDebts(snapshot.debts.items), { startMonth: addMonths(snapshot.currentMonth, 1) });
    const plans: Plan[] = wanted.map((strategy) => ({
      strategy,
      result: figures.whatIf ? w[strategy] : figures.payoff![strategy],
      saves: strategy === 'avalanche' ? w.avalancheSaves : w.snowballSaves,
    }));

    const data: Record<string, unknown> = {
      debts: {
        active: f.count('debts.active', 'Debts with a balance', figures.activeCount),
        totalBalance: f.amount('debts.total_balance', 'Total balance owed', figures.totalBalanceMinor),
        monthlyPayments: f.amount(
          'debts.monthly_payments',
          'Minimum payments each month (the recorded monthly payments)',
          figures.monthlyPaymentsMinor,
        ),
      },
      // Each debt as the app shows it: the balance from its progress, where the APR came from, or paid off.
      items: this.items(f, snapshot),
      debtToIncome: {
        pct: f.percent('debts.dti', 'Debt payments as a share of monthly income', snapshot.debts.debtToIncomePct),
        measuredOn: incomeBasisText(snapshot.debts.incomeBasis),
      },
      extraMonthly: f.amount('extra_monthly', 'Extra paid every month on top of the minimums', extraMinor),
      lumpSum: f.amount('lump_sum', 'One-off lump sum paid in the first month', lumpSumMinor),
      firstMonth: addMonths(snapshot.currentMonth, 1),
      plans: plans.map((p) => this.plan(f, p)),
      minimumsOnly: this.baseline(f, w.minimumsOnly),
    };
    f.line('first_month', 'Month 1 of every plan', String(data.firstMonth));
    if (wanted.length === 2) data.cheaper = this.comparison(f, plans);
    const unknownApr = figures.payoff.unknownAprDebtIds.length;
    if (unknownApr > 0) {
      data.unknownAprDebts = f.count('unknown_apr', 'Debts with no known APR, simulated at 0%', unknownApr);
      data.note = 'Debts with no known APR are simulated at 0%, so the real interest will be higher.';
    }
    return Promise.resolve({ data, facts: f.facts(), summary: summary(ctx, f, plans) });
  }

  private items(f: ToolFigures, snapshot: ToolContext['snapshot']): Record<string, unknown>[] {
    const shown = capList(snapshot.debts.items, PAYOFF_ORDER_SHOWN).shown;
    return shown.map((d, i) => {
      const name = displayName(d.name);
      const label = `"${name}"`;
      if (d.status === 'paid') {
        f.line(`debt_${i + 1}.status`, label, `paid off (${d.completionPct ?? 100}% paid)`);
        return { name, status: 'paid off', progress: `${d.completionPct ?? 100}% paid` };
      }
      const source = balanceSourceText(d, f.money);
      const balance = f.amount(`debt_${i + 1}.balance`, `${label}: balance`, d.balanceMinor);
      if (source) f.line(`debt_${i + 1}.balance_source`, `${label}: balance`, source);
      const apr = aprText(d, f.pct);
      f.line(`debt_${i + 1}.apr`, `${label}: APR`, apr);
      return {
        name,
        balance: source ? `${balance} (${source})` : balance,
        monthlyPayment: f.amount(`debt_${i + 1}.payment`, `${label}: monthly payment`, d.monthlyPaymentMinor),
        apr,
      };
    });
  }

  private plan(f: ToolFigures, p: Plan): Record<string, unknown> {
    const r = p.result;
    const k = p.strategy;
    const label = `${LABELS[k].en} (${LABELS[k].short})`;
    const out: Record<string, unknown> = {
      strategy: k,
      order: LABELS[k].rule,
      paysOff: r.paysOff,
      monthlyPayment: f.amount(
        `${k}.monthly_payment`,
        `${label}: paid towards the debts each month`,
        r.monthlyBudgetMinor,
      ),
    };
    if (r.paysOff) {
      out.months = f.count(`${k}.months`, `${label}: months to debt-free`, r.months as number, 'months');
      out.debtFreeMonth = r.debtFreeMonthKey;
      f.line(`${k}.debt_free_month`, `${label}: debt-free in`, r.debtFreeMonthKey ?? '');
      out.totalInterest = f.amount(`${k}.interest`, `${label}: total interest`, r.totalInterestMinor as number);
      out.totalInterestMinor = r.totalInterestMinor;
      out.totalPaid = f.amount(`${k}.total_paid`, `${label}: total paid`, r.totalPaidMinor as number);
      if (p.saves.monthsSaved !== null && p.saves.interestSavedMinor !== null) {
        out.savesVsMinimumsOnly = {
          months: f.count(
            `${k}.months_saved`,
            `${label}: months saved against minimums only`,
            p.saves.monthsSaved,
            'months',
          ),
          interest: f.amount(
            `${k}.interest_saved`,
            `${label}: interest saved against minimums only`,
            p.saves.interestSavedMinor,
          ),
        };
      }
    } else {
      out.feasible = r.reason !== 'budget-below-minimums' && r.reason !== 'payment-below-interest';
      out.problem = planProblemText(r, f.money);
      f.line(`${k}.problem`, label, String(out.problem));
      if (r.shortfallMinor !== null) {
        out.shortfall = f.amount(`${k}.shortfall`, `${label}: monthly shortfall`, r.shortfallMinor);
      }
    }
    const order = capList(r.payoffOrder, PAYOFF_ORDER_SHOWN);
    out.payoffOrder = order.shown.map((o, i) => {
      const name = displayName(o.name);
      f.line(
        `${k}.order_${i + 1}`,
        `${label}: paid off number ${i + 1}`,
        `"${name}" in month ${o.month} (${o.monthKey})`,
      );
      return { name, month: o.month, monthKey: o.monthKey };
    });
    if (order.rest.count > 0) out.morePaidOff = order.rest.count;
    return out;
  }

  private baseline(f: ToolFigures, r: StrategySummary): Record<string, unknown> {
    const label = "Paying only each debt's minimum";
    if (!r.paysOff) {
      const problem = planProblemText(r, f.money);
      f.line('minimums_only.problem', label, problem);
      return { paysOff: false, problem };
    }
    f.line('minimums_only.debt_free_month', `${label}: debt-free in`, r.debtFreeMonthKey ?? '');
    return {
      paysOff: true,
      months: f.count('minimums_only.months', `${label}: months to debt-free`, r.months as number, 'months'),
      debtFreeMonth: r.debtFreeMonthKey,
      totalInterest: f.amount('minimums_only.interest', `${label}: total interest`, r.totalInterestMinor as number),
    };
  }

  private comparison(f: ToolFigures, plans: Plan[]): Record<string, unknown> {
    const [a, s] = plans.map((p) => p.result);
    if (!a.paysOff || !s.paysOff) {
      const which = a.paysOff ? 'avalanche' : s.paysOff ? 'snowball' : 'neither';
      return { strategy: which };
    }
    const interestGap = (s.totalInterestMinor as number) - (a.totalInterestMinor as number);
    const monthsGap = (s.months as number) - (a.months as number);
    const d = interestGap || monthsGap;
    const which = d > 0 ? 'avalanche' : d < 0 ? 'snowball' : 'same';
    return {
      strategy: which,
      interestDifference: f.amount(
        'interest_difference',
        'Interest difference between the plans',
        Math.abs(interestGap),
      ),
      monthsDifference: f.count(
        'months_difference',
        'Months difference between the plans',
        Math.abs(monthsGap),
        'months',
      ),
    };
  }
}

function noDebts(ctx: ToolContext, f: ToolFigures, recorded: number): ToolResult {
  return {
    data: {
      debts: { active: f.count('debts.active', 'Debts with a balance', 0), recorded },
      note: 'No debt has a balance left, so there is nothing to plan.',
    },
    facts: f.facts(),
    summary: ctx.language === 'bn' ? 'বকেয়া কোনো ঋণ নেই' : 'No debts with a balance',
  };
}

function summary(ctx: ToolContext, f: ToolFigures, plans: Plan[]): string {
  const bn = ctx.language === 'bn';
  return plans
    .map(({ strategy, result: r }) => {
      const name = LABELS[strategy][bn ? 'bn' : 'en'];
      if (!r.paysOff) return bn ? `${name}: এই পরিশোধে ঋণ শোধ হবে না` : `${name}: does not pay off at these payments`;
      const interest = f.money(r.totalInterestMinor as number);
      return bn
        ? `${name}: ${r.months} মাসে ঋণমুক্ত, সুদ ${interest}`
        : `${name}: debt-free in ${r.months} months, ${interest} interest`;
    })
    .join('; ');
}
