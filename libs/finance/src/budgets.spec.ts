import { budgetVsActual } from './budgets';
import { CATEGORY_NEEDS, CATEGORY_WANTS } from './categories';
import { d, ledger, PARTNER, USER } from './fixtures.testing';
import type { BudgetInput, FinanceInputs } from './inputs';

const now = d('2026-04-15T10:00:00Z');
const TZ = 'Europe/London';

const budget = (b: Partial<BudgetInput> & Pick<BudgetInput, 'id' | 'name' | 'amount' | 'createdAt'>): BudgetInput => ({
  userId: USER,
  type: 'personal',
  frequency: 'monthly',
  category: CATEGORY_NEEDS,
  ...b,
});

const data: Partial<FinanceInputs> = {
  partnerId: PARTNER,
  budgets: [
    // A monthly budget materialised twice (March copy, April copy): only the April copy applies in April.
    budget({ id: 'b-groc-mar', name: 'Groceries', amount: 300, createdAt: d('2026-03-01T12:00:00Z') }),
    budget({ id: 'b-groc-apr', name: 'Groceries ', amount: 320, createdAt: d('2026-04-01T08:00:00Z') }),
    // The partner's household budget counts for both partners.
    budget({
      id: 'b-house',
      userId: PARTNER,
      name: 'Household bills',
      amount: 200,
      type: 'household',
      createdAt: d('2025-12-10T00:00:00Z'),
    }),
    budget({
      id: 'b-own-house',
      name: 'Shared food',
      amount: 150,
      type: 'household',
      createdAt: d('2026-01-05T00:00:00Z'),
    }),
    // On-off created at 23:30Z on 31 March = 00:30 on 1 April in London: an April budget.
    budget({
      id: 'b-trip',
      name: 'Paris trip',
      amount: 500,
      frequency: 'on-off',
      category: CATEGORY_WANTS,
      createdAt: d('2026-03-31T23:30:00Z'),
    }),
    budget({
      id: 'b-gift',
      name: 'Gift',
      amount: 50,
      frequency: 'on-off',
      category: CATEGORY_WANTS,
      createdAt: d('2026-03-10T00:00:00Z'),
    }),
    // The partner's personal budget is none of the user's business.
    budget({ id: 'b-golf', userId: PARTNER, name: 'Golf', amount: 80, createdAt: d('2026-01-01T00:00:00Z') }),
  ],
  expensesByMonth: [
    { month: '2026-04', budgetId: 'b-groc-mar', name: null, total: 30, count: 1 },
    { month: '2026-04', budgetId: 'b-groc-apr', name: null, total: 310.5, count: 4 },
    { month: '2026-04', budgetId: 'b-house', name: null, total: 120, count: 1 },
    { month: '2026-04', budgetId: 'b-own-house', name: null, total: 60, count: 1 },
    { month: '2026-04', budgetId: 'b-trip', name: null, total: 450.25, count: 2 },
    { month: '2026-04', budgetId: 'b-gift', name: null, total: 20, count: 1 },
    { month: '2026-04', budgetId: null, name: 'coffee', total: 12, count: 3 },
    { month: '2026-03', budgetId: 'b-groc-mar', name: null, total: 280, count: 3 },
  ],
  partnerBudgetSpendByMonth: [
    { month: '2026-04', budgetId: 'b-house', total: 100.75, count: 2 },
    { month: '2026-04', budgetId: 'b-own-house', total: 95, count: 1 },
    { month: '2026-04', budgetId: 'b-golf', total: 50, count: 1 },
  ],
};

describe('budgetVsActual', () => {
  const l = ledger(data, TZ);

  it('reports each budget for this month, with the partner household budgets and their spending', () => {
    const r = budgetVsActual(l, { kind: 'this-month' }, { now });
    const byName = Object.fromEntries(r.lines.map((x) => [x.name.trim(), x]));
    expect(r.lines.map((x) => x.name.trim())).toEqual([
      'Gift',
      'Paris trip',
      'Groceries',
      'Household bills',
      'Shared food',
    ]);

    // Groceries: April copy 32000 budgeted; actual 3000 (against March copy) + 31050 = 34050; over by 2050;
    // 34050 / 32000 = 106.406% -> 106.4
    expect(byName['Groceries']).toMatchObject({
      budgetId: 'b-groc-apr',
      budgetIds: ['b-groc-mar', 'b-groc-apr'],
      ownership: 'own',
      monthsApplied: 1,
      budgetedMinor: 32000,
      actualMinor: 34050,
      ownActualMinor: 34050,
      partnerActualMinor: 0,
      remainingMinor: -2050,
      percentUsedPct: 106.4,
      overrun: true,
      overrunMinor: 2050,
    });
    // Household bills (partner's): 20000; own 12000 + partner 10075 = 22075; over 2075; 110.375% -> 110.4
    expect(byName['Household bills']).toMatchObject({
      ownership: 'partner',
      budgetedMinor: 20000,
      ownActualMinor: 12000,
      partnerActualMinor: 10075,
      actualMinor: 22075,
      overrunMinor: 2075,
      percentUsedPct: 110.4,
    });
    // Shared food (own household): 15000; 6000 + 9500 = 15500; over 500; 103.33% -> 103.3
    expect(byName['Shared food']).toMatchObject({
      ownership: 'own',
      actualMinor: 15500,
      overrunMinor: 500,
      percentUsedPct: 103.3,
    });
    // Paris trip: on-off, April in London; 45025 of 50000, 4975 left; 90.05% -> 90.1
    expect(byName['Paris trip']).toMatchObject({
      budgetedMinor: 50000,
      actualMinor: 45025,
      remainingMinor: 4975,
      percentUsedPct: 90.1,
      overrun: false,
    });
    // Gift: on-off from March, so nothing budgeted in April; spending against it is shown, not called an overrun.
    expect(byName['Gift']).toMatchObject({
      budgetedMinor: 0,
      actualMinor: 2000,
      monthsApplied: 0,
      percentUsedPct: null,
      overrun: false,
      overrunMinor: 0,
    });
    expect(r.lines.find((x) => x.name === 'Golf')).toBeUndefined();
    expect(r.unbudgetedSpendingMinor).toBe(1200);
    expect(r.partnerSpendIncluded).toBe(true);
  });

  it('totals by category and overall', () => {
    const r = budgetVsActual(l, { kind: 'this-month' }, { now });
    // Needs: 32000 + 20000 + 15000 = 67000 budgeted; 34050 + 22075 + 15500 = 71625 actual; over 4625;
    // 71625 / 67000 = 106.90% -> 106.9
    // Wants: 50000 budgeted; 45025 + 2000 = 47025; 2975 left; 94.05% -> 94.1
    expect(r.byCategory).toEqual([
      {
        category: CATEGORY_WANTS,
        bucket: 'wants',
        budgetCount: 2,
        budgetedMinor: 50000,
        actualMinor: 47025,
        remainingMinor: 2975,
        percentUsedPct: 94.1,
        overrun: false,
        overrunMinor: 0,
      },
      {
        category: CATEGORY_NEEDS,
        bucket: 'needs',
        budgetCount: 3,
        budgetedMinor: 67000,
        actualMinor: 71625,
        remainingMinor: -4625,
        percentUsedPct: 106.9,
        overrun: true,
        overrunMinor: 4625,
      },
    ]);
    // 117000 budgeted, 118650 actual; 118650 / 117000 = 101.41% -> 101.4
    expect(r.totals).toEqual({
      budgetedMinor: 117000,
      actualMinor: 118650,
      remainingMinor: -1650,
      percentUsedPct: 101.4,
    });
  });

  it('applies the creation month in the configured zone', () => {
    // In UTC the trip budget was created in March, so it is not active in April.
    const r = budgetVsActual(ledger(data, 'UTC'), { kind: 'this-month' }, { now });
    expect(r.lines.find((x) => x.name === 'Paris trip')).toMatchObject({
      budgetedMinor: 0,
      actualMinor: 45025,
      overrun: false,
    });
  });

  it('counts monthly budgets once per month applied over multi-month periods', () => {
    const r = budgetVsActual(l, { kind: 'last-n-months', n: 3 }, { now });
    const byName = Object.fromEntries(r.lines.map((x) => [x.name.trim(), x]));
    // Jan-Mar: household bills 3 x 20000; shared food from January 3 x 15000; groceries March copy only
    // (the April copy does not exist yet) 30000 vs 28000 spent; gift once in March.
    expect(byName['Household bills']).toMatchObject({ monthsApplied: 3, budgetedMinor: 60000, actualMinor: 0 });
    expect(byName['Shared food']).toMatchObject({ monthsApplied: 3, budgetedMinor: 45000 });
    expect(byName['Groceries']).toMatchObject({
      budgetId: 'b-groc-mar',
      monthsApplied: 1,
      budgetedMinor: 30000,
      actualMinor: 28000,
      remainingMinor: 2000,
    });
    expect(byName['Gift']).toMatchObject({ monthsApplied: 1, budgetedMinor: 5000, actualMinor: 0 });
    expect(byName['Paris trip']).toBeUndefined();
  });

  it('says when the partner spending was not provided', () => {
    const r = budgetVsActual(ledger({ ...data, partnerBudgetSpendByMonth: null }, TZ), { kind: 'this-month' }, { now });
    expect(r.partnerSpendIncluded).toBe(false);
    expect(r.lines.find((x) => x.name === 'Household bills')).toMatchObject({
      actualMinor: 12000,
      partnerActualMinor: 0,
    });
  });

  it('keeps a single monthly document applying every month from its creation', () => {
    const r = budgetVsActual(
      ledger({ budgets: [budget({ id: 'b1', name: 'Food', amount: 99.99, createdAt: d('2025-11-20T00:00:00Z') })] }),
      { kind: 'months', from: '2025-10', to: '2026-01' },
      { now },
    );
    // Nov, Dec, Jan: 3 x 9999 = 29997; October is before it existed.
    expect(r.lines[0]).toMatchObject({ monthsApplied: 3, budgetedMinor: 29997 });
  });
});
