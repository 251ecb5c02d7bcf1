import { buildFinancialContext } from './context';
import { d, inputs, PARTNER, richInputs, USER } from './fixtures.testing';

const now = d('2026-04-15T10:00:00Z');

describe('buildFinancialContext', () => {
  const ctx = buildFinancialContext(richInputs(), { now, timeZone: 'Europe/London' });

  it('assembles the sections with consistent figures', () => {
    expect(ctx).toMatchObject({
      version: 1,
      userId: USER,
      timeZone: 'Europe/London',
      currency: 'GBP',
      locale: 'en-GB',
      currentMonth: '2026-04',
      today: '2026-04-15',
    });
    expect(ctx.currentMonthProgress).toEqual({ day: 15, daysInMonth: 30 });
    // April: income 200000; spending 90000 + 33050 + 4000 + 1099 = 128149; net 71851
    expect(ctx.thisMonth).toMatchObject({ incomeMinor: 200000, spendingMinor: 128149, netCashFlowMinor: 71851 });
    expect(ctx.lastMonth).toMatchObject({ incomeMinor: 200000, spendingMinor: 118000 });
    // Jan-Mar: 90000 + 90000 + 118000 = 298000 spending; 600000 income; one salary a month
    expect(ctx.last3Months).toMatchObject({
      incomeMinor: 600000,
      spendingMinor: 298000,
      averagePerMonth: { incomeMinor: 200000 },
    });
    // Food over by 3050; Home bits 4000 own + 2500 partner of 10000
    expect(ctx.budgetsThisMonth.lines.map((l) => [l.name, l.budgetedMinor, l.actualMinor, l.overrun])).toEqual([
      ['Home bits', 10000, 6500, false],
      ['Food', 30000, 33050, true],
    ]);
  });

  it('adds debts, both payoff strategies, goals, subscriptions, duplicates and red flags', () => {
    expect(ctx.debts).toMatchObject({ activeCount: 2, totalBalanceMinor: 150000, monthlyPaymentsMinor: 7000 });
    // £4.50 interest on £900 -> 4.5 / 900 * 12 * 100 = 6% estimated
    expect(ctx.debts.items.find((x) => x.id === 'd-loan')).toMatchObject({ aprPct: 6, aprSource: 'estimated' });
    // 7000 / 200000 = 3.5%
    expect(ctx.debts.debtToIncomePct).toBe(3.5);
    expect(ctx.debts.payoff!.avalanche.payoffOrder[0].monthKey! >= '2026-05').toBe(true);
    expect(ctx.debts.payoff?.excluded).toEqual([{ id: 'd-old', name: 'Old', reason: 'already-paid' }]);
    // 50/30/20 needs = rent 90000 + food 33050 + debt payments no expense paid 7000 = 130050; savings = money
    // moved to savings = 0 (the goal's 10000 target is a plan: before issue 12 it counted as savings)
    expect(ctx.fiftyThirtyTwentyThisMonth.needs.amountMinor).toBe(130050);
    expect(ctx.fiftyThirtyTwentyThisMonth.savings.amountMinor).toBe(0);
    expect(ctx.savingGoals.monthlyTargetsMinor).toBe(10000);
    expect(ctx.recurring.subscriptions.map((s) => s.nameKey)).toEqual(['netflix']);
    expect(ctx.recurring.subscriptionsMonthlyCostMinor).toBe(1099);
    expect(ctx.duplicates.map((x) => x.expenseIds)).toEqual([['t1', 't2']]);
    expect(ctx.redFlags.map((f) => [f.code, f.subject?.id ?? null])).toEqual([
      ['budget_overrun', 'b-food'], // 33050 / 30000: 10.2% over -> medium
      ['debt_payment_overdue', 'd-loan'], // due 10 April, 5 days late -> medium
    ]);
  });

  it('is plain JSON and deterministic', () => {
    expect(JSON.parse(JSON.stringify(ctx))).toEqual(ctx);
    expect(buildFinancialContext(richInputs(), { now, timeZone: 'Europe/London' })).toEqual(ctx);
  });

  it('reports what is missing', () => {
    expect(ctx.dataQuality.items.map((i) => i.code)).toEqual(['debt-apr-estimated', 'current-month-in-progress']);
    expect(ctx.dataQuality.complete).toBe(true);

    const empty = buildFinancialContext(
      inputs({
        partnerId: PARTNER,
        budgets: [
          {
            id: 'h',
            userId: USER,
            name: 'H',
            amount: 1,
            type: 'household',
            frequency: 'monthly',
            category: null,
            createdAt: d('2026-01-01T00:00:00Z'),
          },
        ],
      }),
      { now },
    );
    expect(empty.dataQuality.complete).toBe(false);
    expect(empty.dataQuality.items.map((i) => [i.code, i.level])).toEqual([
      ['no-income-this-month', 'missing'],
      ['no-expenses-this-month', 'missing'],
      ['no-income-last-month', 'missing'],
      ['no-expenses-last-month', 'missing'],
      ['no-income-last-3-months', 'missing'],
      ['no-debts', 'info'],
      ['no-saving-goals', 'info'],
      ['partner-household-spend-missing', 'warning'],
      ['no-recurring-history', 'info'],
      ['current-month-in-progress', 'info'],
    ]);
    expect(empty.debts.payoff).toBeNull();
  });

  it('flags unknown APRs, unknown budget ids, and periods outside the window', () => {
    const c = buildFinancialContext(
      richInputs({
        window: { from: '2026-03', to: '2026-04' },
        debts: [{ id: 'dx', name: 'Mystery', amount: 100, monthlyPayment: 10 }],
        expensesByMonth: [
          { month: '2026-04', budgetId: 'gone', name: null, total: 5, count: 1 },
          { month: '2025-01', budgetId: null, name: 'x', total: 1, count: 1 },
        ],
      }),
      { now },
    );
    const codes = c.dataQuality.items.map((i) => i.code);
    expect(codes).toEqual(
      expect.arrayContaining([
        'period-not-fetched',
        'debt-apr-unknown',
        'unknown-budget-ids',
        'rows-outside-window-ignored',
      ]),
    );
    expect(c.dataQuality.items.find((i) => i.code === 'period-not-fetched')?.detail.period).toBe('last-3-months');
    expect(c.dataQuality.items.find((i) => i.code === 'unknown-budget-ids')?.detail.budgetIds).toEqual(['gone']);
    expect(c.thisMonth.spendingByCategory[0]).toMatchObject({ category: 'Uncategorised', amountMinor: 500 });
  });

  it('applies thresholds and payoff options', () => {
    const c = buildFinancialContext(richInputs(), {
      now,
      thresholds: { debtToIncomeMaxPct: 3 },
      payoff: { extraMinor: 10000 },
    });
    expect(c.thresholds.debtToIncomeMaxPct).toBe(3);
    expect(c.redFlags.map((f) => f.code)).toContain('debt_to_income_high');
    expect(c.debts.payoff?.avalanche.monthlyBudgetMinor).toBe(17000);
  });

  it('uses currency minor digits and rejects a bad now', () => {
    const c = buildFinancialContext(inputs({ incomeByMonth: [{ month: '2026-04', total: 1200, count: 1 }] }), {
      now,
      currency: 'JPY',
    });
    expect(c.thisMonth.incomeMinor).toBe(1200);
    expect(() => buildFinancialContext(inputs(), { now: new Date('nope') })).toThrow(RangeError);
  });
});
