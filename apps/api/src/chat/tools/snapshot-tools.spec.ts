import { buildFinancialContext, buildReportFigures, type FinanceInputs } from '@app/finance';
import { checkCitations, FactSheetBuilder } from '@app/prompts';
import { d, hugeInputs, inputs, richInputs } from '../../../../../libs/finance/src/fixtures.testing';
import type { ToolContext, ToolLanguage, ToolResult } from './chat-tool';
import { DebtPayoffPlanTool } from './debt-payoff-plan.tool';
import { SavingsGoalProjectionTool } from './savings-goal-projection.tool';
import { SubscriptionsTool } from './subscriptions.tool';
import { ChatToolRegistry, TOOL_CONTENT_MAX_CHARS } from './tool-registry';

/**
 * The tools that read only the turn's snapshot, over contexts built by the library from fixture inputs, as of
 * 2026-04-15 10:00 UTC in London (month 1 of a payoff plan is 2026-05).
 */
const NOW = new Date('2026-04-15T10:00:00Z');
const registry = new ChatToolRegistry([
  new DebtPayoffPlanTool(),
  new SavingsGoalProjectionTool(),
  new SubscriptionsTool(),
]);

function ctxOf(source: FinanceInputs, language: ToolLanguage = 'en'): ToolContext {
  const snapshot = buildFinancialContext(source, { now: NOW, timeZone: 'Europe/London' });
  return { userId: 'u1', now: NOW, timeZone: 'Europe/London', currency: 'GBP', locale: 'en-GB', language, snapshot };
}

async function run(name: string, args: object, ctx: ToolContext): Promise<ToolResult & { content: string }> {
  const out = await registry.call(name, JSON.stringify(args), ctx);
  if (!out.ok) throw new Error(out.error);
  return { ...out.result, content: out.content };
}

/** Every figure the data shows must be one its facts show: what the reply verifier relies on. */
function expectDataCoveredByFacts(r: ToolResult): void {
  const sheet = { currency: 'GBP', locale: 'en-GB', facts: r.facts };
  const strings: string[] = [];
  const walk = (v: unknown, key = ''): void => {
    if (typeof v === 'string') strings.push(v);
    // Minor units and plain counts are checked through their formatted twins and fact values.
    else if (typeof v === 'number' && !/Minor$/.test(key)) strings.push(String(v));
    else if (Array.isArray(v)) v.forEach((x) => walk(x));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(r.data);
  expect(checkCitations(sheet, strings).uncited).toEqual([]);
}

describe('debt_payoff_plan', () => {
  const rich = ctxOf(richInputs());

  it("is the debt report's what-if for the same amounts", async () => {
    const r = await run('debt_payoff_plan', { extraMonthly: 50, lumpSum: 100 }, rich);
    const report = buildReportFigures('debt', rich.snapshot, {
      whatIf: { extraMonthlyMinor: 5000, lumpSumMinor: 10000 },
    });
    const data = r.data as any;
    for (const [i, s] of (['avalanche', 'snowball'] as const).entries()) {
      expect(data.plans[i]).toMatchObject({
        strategy: s,
        months: report.whatIf![s].months,
        totalInterestMinor: report.whatIf![s].totalInterestMinor,
      });
      expect(data.plans[i].payoffOrder.map((o: any) => o.monthKey)).toEqual(
        report.whatIf![s].payoffOrder.map((o) => o.monthKey),
      );
    }
    expectDataCoveredByFacts(r);
  });

  it('says when a plan can never pay off, with the shortfall and no totals', async () => {
    // £10,000 at 30% paying £200: month 1 charges £250.00 of interest.
    const stuck = ctxOf(
      inputs({ debts: [{ id: 'x', name: 'Store card', amount: 10000, monthlyPayment: 200, userInterestRate: 30 }] }),
    );
    const r = await run('debt_payoff_plan', { strategy: 'avalanche' }, stuck);
    const plan = (r.data as any).plans[0];
    expect(plan).toMatchObject({ paysOff: false, feasible: false, shortfall: '£50.00' });
    expect(plan.problem).toMatch(/£200\.00 a month is £50\.00 short of the £250\.00 of interest/);
    expect(plan.months).toBeUndefined();
    expect(r.summary).toBe('Avalanche: does not pay off at these payments');
    // £60 more a month covers it.
    const fixed = await run('debt_payoff_plan', { strategy: 'avalanche', extraMonthly: 60 }, stuck);
    expect((fixed.data as any).plans[0].paysOff).toBe(true);
  });

  it('words the same figures in Bengali', async () => {
    const en = await run('debt_payoff_plan', {}, rich);
    const bn = await run('debt_payoff_plan', {}, { ...rich, language: 'bn' });
    expect(bn.data).toEqual(en.data);
    expect(en.summary).toBe(
      'Avalanche: debt-free in 24 months, £167.04 interest; Snowball: debt-free in 24 months, £167.04 interest',
    );
    expect(bn.summary).toBe('অ্যাভালাঞ্চ: 24 মাসে ঋণমুক্ত, সুদ £167.04; স্নোবল: 24 মাসে ঋণমুক্ত, সুদ £167.04');
  });

  it('has nothing to plan without a balance', async () => {
    const r = await run('debt_payoff_plan', {}, ctxOf(inputs()));
    expect(r.summary).toBe('No debts with a balance');
  });

  it('stays within the character limit for 2,000 debts', async () => {
    const r = await run('debt_payoff_plan', {}, ctxOf(hugeInputs()));
    expect(r.content.length).toBeLessThanOrEqual(TOOL_CONTENT_MAX_CHARS);
    expect(() => JSON.parse(r.content)).not.toThrow();
    expect((r.data as any).plans[0].morePaidOff).toBeGreaterThan(0);
  });
});

describe('savings_goal_projection', () => {
  const rich = ctxOf(richInputs());

  it('gives the months and date at the goal target or at another contribution', async () => {
    // Holiday: 1,000 - 250 = 750 at 100 a month: 8 months, 15 December; by 1 October (6 months) it needs 125.
    const atTarget = await run('savings_goal_projection', { goal: 'Holiday' }, rich);
    expect(atTarget.data).toMatchObject({
      remaining: '£750.00',
      monthlyContribution: '£100.00',
      monthsNeeded: 8,
      reachedOn: '2026-12-15',
      targetDate: '2026-10-01',
      monthsToTargetDate: 6,
      neededMonthlyForTargetDate: '£125.00',
      onTrack: false,
    });
    expectDataCoveredByFacts(atTarget);
    const faster = await run(
      'savings_goal_projection',
      { goal: 'g1', monthlyContribution: 150 },
      { ...rich, language: 'bn' },
    );
    expect(faster.data).toMatchObject({ monthsNeeded: 5, reachedOn: '2026-09-15', onTrack: true });
    expect(faster.summary).toBe('"Holiday": আরও £750.00 বাকি, মাসে £150.00 করে জমালে 5 মাসে (2026-09-15) লক্ষ্যে পৌঁছাবে');
  });

  it('says a completed goal is reached, and when nothing is put aside it never is', async () => {
    const goals = inputs({
      savingGoals: [
        { id: 'a', name: 'Car', totalAmount: 500, monthlyTarget: 50, savedMoney: 500, isCompleted: false },
        { id: 'b', name: 'Boat', totalAmount: 500, monthlyTarget: 0, savedMoney: 0, isCompleted: false },
      ],
    });
    const car = await run('savings_goal_projection', { goal: 'car' }, ctxOf(goals, 'bn'));
    expect(car.data).toMatchObject({ completed: true });
    expect(car.summary).toBe('"Car" লক্ষ্যটি ইতিমধ্যে পূরণ হয়েছে');
    const boat = await run('savings_goal_projection', { goal: 'boat' }, ctxOf(goals));
    expect(boat.data).toMatchObject({ completed: false, remaining: '£500.00' });
    expect((boat.data as any).monthsNeeded).toBeUndefined();
    expect(boat.summary).toBe('"Boat": £500.00 to go; no monthly amount is set');
  });

  it('refuses a goal the user does not have, naming the ones they do', async () => {
    const out = await registry.call('savings_goal_projection', '{"goal":"Yacht"}', rich);
    expect(out).toMatchObject({ ok: false, error: 'No saving goal matches that. The user\'s goals: "Holiday".' });
  });
});

describe('subscriptions', () => {
  it('lists them with what each costs and what cancelling one saves', async () => {
    const rich = ctxOf(richInputs());
    const r = await run('subscriptions', { name: 'NETFLIX.COM' }, rich);
    expect(r.data).toMatchObject({
      count: 1,
      monthlyTotal: '£10.99',
      yearlyTotal: '£131.88',
      cancelling: {
        name: 'Netflix',
        savesPerMonth: '£10.99',
        savesPerYear: '£131.88',
        subscriptionsLeftYearly: '£0.00',
      },
    });
    expect(r.summary).toBe('Cancelling "Netflix" would save £10.99 a month, £131.88 a year');
    expectDataCoveredByFacts(r);
    const all = await run('subscriptions', {}, { ...rich, language: 'bn' });
    expect(all.summary).toBe('1টি সাবস্ক্রিপশন: মাসে £10.99, বছরে £131.88');
  });

  it('keeps hundreds of subscriptions within the limit, the rest summed', async () => {
    const huge = ctxOf(hugeInputs());
    const r = await run('subscriptions', {}, huge);
    const data = r.data as any;
    expect(r.content.length).toBeLessThanOrEqual(TOOL_CONTENT_MAX_CHARS);
    expect(data.subscriptions.length + data.others.count).toBe(huge.snapshot.recurring.subscriptions.length);
    const shownYearly = data.subscriptions.reduce((s: number, x: any) => s + x.yearlyCostMinor, 0);
    const money = new FactSheetBuilder('GBP', 'en-GB').money;
    expect(data.others.yearly).toBe(money(huge.snapshot.recurring.subscriptionsYearlyCostMinor - shownYearly));
  });

  it('refuses an unknown name', async () => {
    const out = await registry.call('subscriptions', '{"name":"Disney"}', ctxOf(richInputs()));
    expect(out).toMatchObject({
      ok: false,
      error: 'No active subscription matches that. The detected ones: "Netflix".',
    });
  });
});

describe('dates of a goal are the user zone’s', () => {
  it('counts from the local day, not the UTC one', async () => {
    // 23:30 UTC on 30 April is 1 May in London.
    const late = new Date('2026-04-30T23:30:00Z');
    const source = inputs({
      savingGoals: [
        {
          id: 'g',
          name: 'Bike',
          totalAmount: 300,
          monthlyTarget: 100,
          savedMoney: 0,
          isCompleted: false,
          completeDate: d('2026-12-01T00:00:00Z'),
        },
      ],
    });
    const snapshot = buildFinancialContext(source, { now: late, timeZone: 'Europe/London' });
    const r = await run('savings_goal_projection', { goal: 'bike' }, { ...ctxOf(source), now: late, snapshot });
    expect(r.data).toMatchObject({ monthsNeeded: 3, reachedOn: '2026-08-01' });
  });
});
