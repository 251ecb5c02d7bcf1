import { Injectable } from '@nestjs/common';
import { normaliseName, type RecurringItem } from '@app/finance';
import { ToolInputError, type ChatTool, type ToolContext, type ToolResult } from './chat-tool';
import { displayName, fitList, ToolFigures } from './tool-support';

export type SubscriptionsArgs = {
  name?: string;
};

export const SUBSCRIPTIONS_SHOWN = 20;
const NAME_MAX_CHARS = 100;
const NAMES_LISTED = 10;

/**
 * The subscriptions the snapshot's recurring detection found (active, and named or budgeted as a subscription), at
 * their current prices: what each costs a month and a year, the totals, and what cancelling one saves, which is
 * its own cost (nothing else changes). The snapshot's figures, so the tool and the chat context never disagree.
 */
@Injectable()
export class SubscriptionsTool implements ChatTool<SubscriptionsArgs> {
  readonly name = 'subscriptions';
  readonly description =
    "The user's active subscriptions detected from their repeating expenses: each one's monthly and yearly cost, " +
    'the totals, and what cancelling one (name it) would save per month and per year.';
  readonly parameters = {
    type: 'object',
    properties: {
      name: {
        type: 'string',
        minLength: 1,
        maxLength: NAME_MAX_CHARS,
        description: 'A subscription to price the cancelling of (e.g. "Netflix"); leave out for the whole list.',
      },
    },
    additionalProperties: false,
  };

  run(args: SubscriptionsArgs, ctx: ToolContext): Promise<ToolResult> {
    const r = ctx.snapshot.recurring;
    const f = new ToolFigures(this.name, ctx);
    const sorted = [...r.subscriptions].sort(
      (a, b) => b.estimatedYearlyCostMinor - a.estimatedYearlyCostMinor || (a.name < b.name ? -1 : 1),
    );
    const cancelling = args.name ? findSubscription(r.subscriptions, r.items, args.name) : null;

    const data: Record<string, unknown> = {
      count: f.count('count', 'Active subscriptions', r.subscriptions.length),
      monthlyTotal: f.amount('monthly_total', 'All subscriptions: cost a month', r.subscriptionsMonthlyCostMinor),
      yearlyTotal: f.amount('yearly_total', 'All subscriptions: cost a year', r.subscriptionsYearlyCostMinor),
      note: 'Cancelling a subscription saves its own monthly and yearly cost.',
    };
    const fit = fitList(sorted.slice(0, SUBSCRIPTIONS_SHOWN), f, (s, i) => this.item(f, s, i));
    data.subscriptions = fit.shown;
    const omitted = [...fit.omitted, ...sorted.slice(SUBSCRIPTIONS_SHOWN)];
    if (omitted.length > 0) {
      const sum = (pick: (s: RecurringItem) => number) => omitted.reduce((t, s) => t + pick(s), 0);
      data.others = {
        count: f.count('others.count', 'Other subscriptions, summed', omitted.length),
        monthly: f.amount(
          'others.monthly',
          'Other subscriptions: cost a month',
          sum((s) => s.estimatedMonthlyCostMinor),
        ),
        yearly: f.amount(
          'others.yearly',
          'Other subscriptions: cost a year',
          sum((s) => s.estimatedYearlyCostMinor),
        ),
      };
    }
    if (cancelling)
      data.cancelling = this.cancel(f, cancelling, r.subscriptionsMonthlyCostMinor, r.subscriptionsYearlyCostMinor);
    return Promise.resolve({ data, facts: f.facts(), summary: summary(ctx, f, cancelling, r) });
  }

  private item(f: ToolFigures, s: RecurringItem, i: number): Record<string, unknown> {
    const name = displayName(s.name);
    const monthly = f.money(s.estimatedMonthlyCostMinor);
    const yearly = f.money(s.estimatedYearlyCostMinor);
    f.amount(
      `item_${i + 1}`,
      `Subscription "${name}" (${s.cadence})`,
      s.estimatedMonthlyCostMinor,
      `${monthly} a month, ${yearly} a year`,
    );
    f.amount(`item_${i + 1}.charge`, `Subscription "${name}": latest charge`, s.latestAmountMinor);
    const since = s.priceChange ? `, this price since ${s.priceChange.since}` : '';
    f.line(
      `item_${i + 1}.dates`,
      `Subscription "${name}"`,
      `last charged ${s.lastDate}, next ${s.nextExpectedDate}${since}`,
    );
    const out: Record<string, unknown> = {
      name,
      cadence: s.cadence,
      monthlyCost: monthly,
      monthlyCostMinor: s.estimatedMonthlyCostMinor,
      yearlyCost: yearly,
      yearlyCostMinor: s.estimatedYearlyCostMinor,
      latestCharge: f.money(s.latestAmountMinor),
      lastCharged: s.lastDate,
      nextExpected: s.nextExpectedDate,
    };
    if (s.priceChange) {
      out.priceChange = {
        from: f.amount(`item_${i + 1}.price_from`, `Subscription "${name}": previous price`, s.priceChange.fromMinor),
        to: f.money(s.priceChange.toMinor),
        since: s.priceChange.since,
      };
    }
    return out;
  }

  private cancel(f: ToolFigures, c: Match, monthlyTotal: number, yearlyTotal: number): Record<string, unknown> {
    const s = c.item;
    const name = displayName(s.name);
    const out: Record<string, unknown> = {
      name,
      isSubscription: c.isSubscription,
      cadence: s.cadence,
      savesPerMonth: f.amount('cancel.monthly', `Cancelling "${name}" saves a month`, s.estimatedMonthlyCostMinor),
      savesPerYear: f.amount('cancel.yearly', `Cancelling "${name}" saves a year`, s.estimatedYearlyCostMinor),
    };
    if (c.isSubscription) {
      out.subscriptionsLeftMonthly = f.amount(
        'cancel.left_monthly',
        `Subscriptions a month without "${name}"`,
        monthlyTotal - s.estimatedMonthlyCostMinor,
      );
      out.subscriptionsLeftYearly = f.amount(
        'cancel.left_yearly',
        `Subscriptions a year without "${name}"`,
        yearlyTotal - s.estimatedYearlyCostMinor,
      );
    } else {
      out.note = 'A regular payment, not detected as a subscription: cancelling it saves its own cost.';
    }
    return out;
  }
}

interface Match {
  item: RecurringItem;
  isSubscription: boolean;
}

/** A subscription by name (same words, else the only one containing them); else an active regular payment so named. */
function findSubscription(subscriptions: RecurringItem[], items: RecurringItem[], asked: string): Match {
  const key = normaliseName(asked);
  const pick = (list: RecurringItem[]): RecurringItem[] => {
    const same = list.filter((s) => s.nameKey === key || normaliseName(s.name) === key);
    return same.length ? same : list.filter((s) => key && normaliseName(s.name).includes(key));
  };
  const subs = pick(subscriptions);
  if (subs.length === 1) return { item: subs[0], isSubscription: true };
  const names = (list: RecurringItem[]) =>
    list
      .slice(0, NAMES_LISTED)
      .map((s) => `"${displayName(s.name)}"`)
      .join(', ');
  if (subs.length > 1) throw new ToolInputError(`Several subscriptions match: ${names(subs)}. Ask with the full name.`);
  const others = pick(items.filter((i) => i.active && !i.likelySubscription));
  if (others.length === 1) return { item: others[0], isSubscription: false };
  throw new ToolInputError(
    subscriptions.length
      ? `No active subscription matches that. The detected ones: ${names(subscriptions)}.`
      : 'No subscriptions were detected in the user’s expenses.',
  );
}

function summary(
  ctx: ToolContext,
  f: ToolFigures,
  cancelling: Match | null,
  r: ToolContext['snapshot']['recurring'],
): string {
  const bn = ctx.language === 'bn';
  if (cancelling) {
    const name = displayName(cancelling.item.name);
    const m = f.money(cancelling.item.estimatedMonthlyCostMinor);
    const y = f.money(cancelling.item.estimatedYearlyCostMinor);
    return bn
      ? `"${name}" বাতিল করলে মাসে ${m}, বছরে ${y} সাশ্রয় হবে`
      : `Cancelling "${name}" would save ${m} a month, ${y} a year`;
  }
  const n = r.subscriptions.length;
  if (n === 0) return bn ? 'কোনো সাবস্ক্রিপশন পাওয়া যায়নি' : 'No subscriptions found';
  const m = f.money(r.subscriptionsMonthlyCostMinor);
  const y = f.money(r.subscriptionsYearlyCostMinor);
  return bn
    ? `${n}টি সাবস্ক্রিপশন: মাসে ${m}, বছরে ${y}`
    : `${n} ${n === 1 ? 'subscription' : 'subscriptions'}: ${m} a month, ${y} a year`;
}
