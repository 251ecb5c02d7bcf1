import { buildFinancialContext } from './context';
import type { DebtInput, FinanceInputs } from './inputs';
import { d, inputs } from './fixtures.testing';
import { renderContextForPrompt } from './render';
import { buildReportFigures, PAYOFF_ORDERING } from './report-figures';

/** What chat (the system prompt's context) and the debt report's figures say about debts (issue 12). */
const now = d('2026-04-15T10:00:00Z');
const salary = ['2026-01', '2026-02', '2026-03'].map((month) => ({ month, total: 3000, count: 1 }));
const context = (debts: DebtInput[], extra: Partial<FinanceInputs> = {}, payoff?: { monthlyBudgetMinor: number }) =>
  buildFinancialContext(inputs({ incomeByMonth: salary, debts, ...extra }), { now, timeZone: 'UTC', payoff });
const lines = (text: string, re: RegExp) => text.split('\n').filter((l) => re.test(l));

describe('item 6: a debt that never pays off, in chat and in the report figures', () => {
  const ctx = context([{ id: 'c', name: 'Card', amount: 10000, monthlyPayment: 200, userInterestRate: 30 }]);

  it('states the month-1 shortfall and no totals', () => {
    // 10000 * 30% / 12 = £250.00 of interest in month 1; £200.00 paid: £50.00 short. Before: "£1,015,950.20 still
    // owed after 252 months".
    const text = renderContextForPrompt(ctx);
    expect(lines(text, /^- (Avalanche|Snowball)/)).toEqual([
      '- Avalanche (highest APR first): never pays off: £200.00 a month is £50.00 short of the £250.00 of interest charged in month 1, so the balance grows from month 1',
      '- Snowball (smallest balance at the start of the plan first; the order stays fixed as balances change): never pays off: £200.00 a month is £50.00 short of the £250.00 of interest charged in month 1, so the balance grows from month 1',
    ]);
    expect(text).not.toMatch(/1,056,350|after \d+ months/);
    const f = buildReportFigures('debt', ctx);
    expect(f.payoff?.avalanche).toMatchObject({
      paysOff: false,
      reason: 'payment-below-interest',
      months: null,
      totalInterestMinor: null,
      totalPaidMinor: null,
      shortfallMinor: 5000,
      firstMonth: { interestMinor: 25000, minimumsMinor: 20000 },
    });
  });
});

describe('item 7: a budget below the minimums is an infeasible plan, with its shortfall', () => {
  it('says so in chat instead of showing a plan that skips minimum payments', () => {
    // Loan £500 at 12%, minimum £100, planned at £50 a month: £50.00 short of month 1's £100.00 of minimums.
    // Before: "debt-free 2027-03 (11 months), interest £29.48".
    const ctx = context(
      [{ id: 'l', name: 'Loan', amount: 500, monthlyPayment: 100, userInterestRate: 12 }],
      {},
      {
        monthlyBudgetMinor: 5000,
      },
    );
    const text = renderContextForPrompt(ctx);
    expect(text).toContain(
      '- Avalanche (highest APR first): infeasible: £50.00 a month is £50.00 short of the £100.00 of minimum payments due in month 1, so no plan was simulated',
    );
    expect(text).not.toContain('debt-free');
    expect(buildReportFigures('debt', ctx).payoff?.snowball).toMatchObject({
      reason: 'budget-below-minimums',
      shortfallMinor: 5000,
      totalInterestMinor: null,
    });
  });
});

describe('item 8: debt-to-income on recorded take-home income, gaps stated', () => {
  it('names the income it is measured on and the month without income', () => {
    // Jan £3,000, Feb nothing, Mar £3,000: 600000 / 3 = £2,000.00 a month; payments £300: 15.0%.
    const ctx = context([{ id: 'l', name: 'Loan', amount: 5000, monthlyPayment: 300, userInterestRate: 6 }], {
      incomeByMonth: [salary[0], salary[2]],
    });
    expect(lines(renderContextForPrompt(ctx), /^DEBTS:/)).toEqual([
      'DEBTS: 1 active, total £5,000.00, payments £300.00/month, debt-to-income 15.0% (payments over recorded take-home income, average of 2026-01 to 2026-03; no income recorded in 2026-02, counted as zero)',
    ]);
    const f = buildReportFigures('debt', ctx);
    expect(f).toMatchObject({ monthlyIncomeMinor: 200000, debtToIncomePct: 15 });
    expect(f.incomeBasis.monthsWithoutIncome).toEqual(['2026-02']);
  });

  it('puts debts with no income at all first among the red flags, as critical', () => {
    const ctx = context([{ id: 'l', name: 'Loan', amount: 5000, monthlyPayment: 300, userInterestRate: 6 }], {
      incomeByMonth: [],
    });
    const text = renderContextForPrompt(ctx);
    expect(text).toContain(
      'debt-to-income n/a (payments over no income recorded at all (2026-01, 2026-02, 2026-03, 2026-04))',
    );
    expect(ctx.redFlags[0]).toMatchObject({
      code: 'debt_to_income_high',
      severity: 'critical',
      figures: { noIncome: true },
    });
  });
});

describe('item 10: the ordering rules are stated', () => {
  it('in chat and in the report figures', () => {
    const ctx = context([
      { id: 'a', name: 'A', amount: 400, monthlyPayment: 40, userInterestRate: 10 },
      { id: 'b', name: 'B', amount: 900, monthlyPayment: 60, userInterestRate: 20 },
    ]);
    expect(renderContextForPrompt(ctx)).toContain(
      '- Snowball (smallest balance at the start of the plan first; the order stays fixed as balances change):',
    );
    expect(buildReportFigures('debt', ctx).payoff?.ordering).toEqual({
      avalanche: 'highest-apr',
      snowball: 'smallest-starting-balance',
    });
    expect(PAYOFF_ORDERING.snowball).toBe('smallest-starting-balance');
  });
});

describe("item 13c: the balance comes from the app's progress", () => {
  it('shows where the balance comes from and treats a debt at 100% as paid off', () => {
    // Car loan £10,000 at 25% paid: £7,500 owed. Done: 100% paid. Before: £10,000 and £2,000 owed, both active,
    // payments £400.
    const ctx = context([
      { id: 'c', name: 'Car loan', amount: 10000, monthlyPayment: 300, userInterestRate: 6, completionRatio: 25 },
      { id: 'p', name: 'Done', amount: 2000, monthlyPayment: 100, userInterestRate: 6, completionRatio: 100 },
    ]);
    expect(ctx.debts).toMatchObject({ activeCount: 1, totalBalanceMinor: 750000, monthlyPaymentsMinor: 30000 });
    const text = renderContextForPrompt(ctx);
    expect(text).toContain(
      '- "Car loan": balance £7,500.00 (from the app\'s progress: 25% paid of £10,000.00), APR 6.0% (as entered), payment £300.00/month',
    );
    expect(text).toContain('- "Done": paid off (the app\'s progress: 100% paid)');
    expect(ctx.debts.payoff?.excluded).toEqual([{ id: 'p', name: 'Done', reason: 'already-paid' }]);
    expect(ctx.debts.payoff?.avalanche.startingBalanceMinor).toBe(750000);
  });
});

describe('item 13d: an implausible userInterestRate is set aside and labelled', () => {
  it('estimates the APR from the payment split and says the entered value was implausible', () => {
    // Entered 1990%. Payment £200 = £150 interest + £50 capital: 150 / 10000 * 12 = 18% estimated. Before: 1990%
    // "as entered" and a plan that never pays off.
    const ctx = context([
      {
        id: 'x',
        name: 'Card',
        amount: 10000,
        monthlyPayment: 200,
        userInterestRate: 1990,
        interestRepayment: 150,
        capitalRepayment: 50,
      },
    ]);
    const text = renderContextForPrompt(ctx);
    expect(text).toContain("APR 18.0% (estimated from the payment's interest part; the entered 1990% is implausible)");
    expect(ctx.debts.payoff?.avalanche.paysOff).toBe(true);
    expect(ctx.dataQuality.items).toContainEqual({
      code: 'debt-apr-implausible',
      level: 'warning',
      detail: { debtIds: ['x'] },
    });
    expect(text).toMatch(/DATA GAPS.*debt-apr-implausible/);
  });
});

describe('item 12: what-if figures in the debt report', () => {
  // The hand-worked case of debt-payoff.spec.ts: Card £1,000 at 12% (£100), Loan £500 at 0% (£50); £150 extra a
  // month and £200 once: minimums only 11 months / £58.98; avalanche 5 months / £19.45; snowball 5 / £31.86.
  const ctx = context([
    { id: 'card', name: 'Card', amount: 1000, monthlyPayment: 100, userInterestRate: 12 },
    { id: 'loan', name: 'Loan', amount: 500, monthlyPayment: 50, userInterestRate: 0, interestRepayment: 0 },
  ]);

  it('runs both strategies with the extra money against minimums only', () => {
    const f = buildReportFigures('debt', ctx, { whatIf: { extraMonthlyMinor: 15000, lumpSumMinor: 20000 } });
    expect(f.whatIf).toMatchObject({
      extraMonthlyMinor: 15000,
      lumpSumMinor: 20000,
      minimumsOnly: { months: 11, totalInterestMinor: 5898, debtFreeMonthKey: '2027-03' },
      avalanche: { months: 5, totalInterestMinor: 1945, debtFreeMonthKey: '2026-09' },
      snowball: { months: 5, totalInterestMinor: 3186 },
      avalancheSaves: { monthsSaved: 6, interestSavedMinor: 3953 },
      snowballSaves: { monthsSaved: 6, interestSavedMinor: 2712 },
    });
    expect('schedule' in f.whatIf!.avalanche).toBe(false);
  });

  it('has no what-if without extra money, and the same figures otherwise', () => {
    expect(buildReportFigures('debt', ctx).whatIf).toBeNull();
    expect(buildReportFigures('debt', ctx, { whatIf: { extraMonthlyMinor: 0 } }).whatIf).toBeNull();
    const plain = buildReportFigures('debt', ctx);
    const withWhatIf = buildReportFigures('debt', ctx, { whatIf: { lumpSumMinor: 100 } });
    expect({ ...withWhatIf, whatIf: null }).toEqual(plain);
  });
});
