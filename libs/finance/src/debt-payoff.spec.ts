import { comparePayoffStrategies, monthlyInterestMinor, simulatePayoff, strategyOrder } from './debt-payoff';
import { prepareDebts } from './debts';
import type { DebtInput } from './inputs';

const start = '2026-05';

/*
 * Hand-worked 3-debt example; budget = minimums 50 + 30 + 20 = £100 plus £400 extra = £500 a month.
 *   Card  £600 at 24% APR (2%/month),   minimum £50
 *   Store £300 at 12% APR (1%/month),   minimum £30
 *   Loan  £900 at  6% APR (0.5%/month), minimum £20
 * Interest each month = balance * APR / 12, rounded half up to a penny.
 *
 * AVALANCHE (Card, Store, Loan)
 *  M1 interest 1200 + 300 + 450 = 1950 -> 61200 / 30300 / 90450; minimums -> 56200 / 27300 / 88450;
 *     extra 50000 - 10000 = 40000 to Card -> 16200 / 27300 / 88450.
 *  M2 interest 324 + 273 + 442 (442.25) = 1039 -> 16524 / 27573 / 88892; minimums -> 11524 / 24573 / 86892;
 *     extra 40000: Card 11524 -> 0 (28476 left), Store 24573 -> 0 (3903 left), Loan 86892 - 3903 = 82989.
 *  M3 interest 415 (414.945) -> 83404; pay 50000 -> 33404.
 *  M4 interest 167 (167.02) -> 33571; paid in full (33571).
 *  Interest 1950 + 1039 + 415 + 167 = 3571; paid 50000 * 3 + 33571 = 183571 = 180000 + 3571. Debt-free M4.
 *
 * SNOWBALL (Store, Card, Loan)
 *  M1 interest 1950 -> 61200 / 30300 / 90450; minimums -> Card 56200, Store 27300, Loan 88450;
 *     extra 40000: Store 27300 -> 0 (12700 left), Card 56200 - 12700 = 43500.
 *  M2 interest Card 870 + Loan 442 = 1312 -> 44370 / 88892; minimums -> 39370 / 86892;
 *     extra 43000 (Store's minimum rolled over): Card 39370 -> 0 (3630 left), Loan 86892 - 3630 = 83262.
 *  M3 interest 416 (416.31) -> 83678; pay 50000 -> 33678.
 *  M4 interest 168 (168.39) -> 33846; paid in full.
 *  Interest 1950 + 1312 + 416 + 168 = 3846; paid 183846. Debt-free M4.
 * Avalanche saves 3846 - 3571 = 275 (£2.75) and 0 months.
 */
const threeDebts: DebtInput[] = [
  { id: 'd-card', name: 'Card', amount: 600, monthlyPayment: 50, userInterestRate: 24 },
  { id: 'd-store', name: 'Store', amount: 300, monthlyPayment: 30, userInterestRate: 12 },
  { id: 'd-loan', name: 'Loan', amount: 900, monthlyPayment: 20, userInterestRate: 6 },
];

describe('debt payoff simulation', () => {
  const debts = prepareDebts(threeDebts);

  it('rounds monthly interest half up exactly', () => {
    expect(monthlyInterestMinor(88450, 600)).toBe(442); // 442.25
    expect(monthlyInterestMinor(100, 600)).toBe(1); // 0.5 -> 1
    expect(monthlyInterestMinor(99, 600)).toBe(0); // 0.495
    expect(monthlyInterestMinor(50000, 0)).toBe(0);
  });

  it('runs avalanche month by month as worked by hand', () => {
    const r = simulatePayoff(debts, 'avalanche', { startMonth: start, extraMinor: 40000, scheduleMonths: 2 });
    expect(r.monthlyBudgetMinor).toBe(50000);
    expect(r.schedule[0].debts).toEqual([
      { id: 'd-card', interestMinor: 1200, paymentMinor: 45000, balanceMinor: 16200 },
      { id: 'd-store', interestMinor: 300, paymentMinor: 3000, balanceMinor: 27300 },
      { id: 'd-loan', interestMinor: 450, paymentMinor: 2000, balanceMinor: 88450 },
    ]);
    expect(r.schedule[1].debts).toEqual([
      { id: 'd-card', interestMinor: 324, paymentMinor: 16524, balanceMinor: 0 },
      { id: 'd-store', interestMinor: 273, paymentMinor: 27573, balanceMinor: 0 },
      { id: 'd-loan', interestMinor: 442, paymentMinor: 5903, balanceMinor: 82989 },
    ]);
    expect(r).toMatchObject({
      paysOff: true,
      reason: null,
      months: 4,
      debtFreeMonthKey: '2026-08',
      totalInterestMinor: 3571,
      totalPaidMinor: 183571,
    });
    expect(r.payoffOrder).toEqual([
      { id: 'd-card', name: 'Card', month: 2, monthKey: '2026-06' },
      { id: 'd-store', name: 'Store', month: 2, monthKey: '2026-06' },
      { id: 'd-loan', name: 'Loan', month: 4, monthKey: '2026-08' },
    ]);
    expect(r.debts.map((x) => [x.id, x.interestPaidMinor, x.totalPaidMinor])).toEqual([
      ['d-card', 1524, 61524], // 1200 + 324
      ['d-store', 573, 30573], // 300 + 273
      ['d-loan', 1474, 91474], // 450 + 442 + 415 + 167
    ]);
  });

  it('runs snowball as worked by hand and compares', () => {
    const c = comparePayoffStrategies(debts, { startMonth: start, extraMinor: 40000, scheduleMonths: 2 });
    const s = c.snowball;
    expect(s.schedule[0].debts).toEqual([
      { id: 'd-store', interestMinor: 300, paymentMinor: 30300, balanceMinor: 0 },
      { id: 'd-card', interestMinor: 1200, paymentMinor: 17700, balanceMinor: 43500 },
      { id: 'd-loan', interestMinor: 450, paymentMinor: 2000, balanceMinor: 88450 },
    ]);
    expect(s.schedule[1].debts[1]).toEqual({ id: 'd-card', interestMinor: 870, paymentMinor: 44370, balanceMinor: 0 });
    expect(s.schedule[1].debts[2]).toEqual({
      id: 'd-loan',
      interestMinor: 442,
      paymentMinor: 5630,
      balanceMinor: 83262,
    });
    expect(s).toMatchObject({ paysOff: true, months: 4, totalInterestMinor: 3846, totalPaidMinor: 183846 });
    expect(s.payoffOrder.map((o) => [o.id, o.month])).toEqual([
      ['d-store', 1],
      ['d-card', 2],
      ['d-loan', 4],
    ]);
    expect(c.avalancheSavesInterestMinor).toBe(275);
    expect(c.avalancheSavesMonths).toBe(0);
    expect(c.better).toBe('avalanche');
    expect(c.excluded).toEqual([]);
  });

  it('defaults the budget to the sum of minimum payments', () => {
    const r = simulatePayoff(debts, 'avalanche', { startMonth: start });
    expect(r.monthlyBudgetMinor).toBe(10000);
    expect(r.paysOff).toBe(true);
    const override = simulatePayoff(debts, 'avalanche', {
      startMonth: start,
      monthlyBudgetMinor: 30000,
      extraMinor: 20000,
    });
    expect(override.monthlyBudgetMinor).toBe(50000);
    expect(override.totalInterestMinor).toBe(3571);
  });

  it('says clearly when payments never beat the interest, without looping forever', () => {
    // £1,000 at 24% accrues £20 a month; paying £15 a month the balance grows.
    const r = simulatePayoff(
      prepareDebts([{ id: 'x', name: 'Payday', amount: 1000, monthlyPayment: 15, userInterestRate: 24 }]),
      'avalanche',
      { startMonth: start },
    );
    expect(r.paysOff).toBe(false);
    expect(r.reason).toBe('payment-below-interest');
    expect(r.debtFreeMonthKey).toBeNull();
    expect(r.months).toBeLessThanOrEqual(600);
    expect(r.debts[0].payoffMonth).toBeNull();
    expect(r.endingBalanceMinor).toBeGreaterThan(100000);
    const c = comparePayoffStrategies(
      prepareDebts([{ id: 'x', name: 'Payday', amount: 1000, monthlyPayment: 15, userInterestRate: 24 }]),
      { startMonth: start },
    );
    expect(c.better).toBe('neither');
    expect(c.avalancheSavesInterestMinor).toBeNull();
  });

  it('distinguishes a slow but falling balance from a growing one, and a zero budget', () => {
    // £1,000 at 0% paying £1 a month needs 1000 months: beyond the 600-month cap.
    const slow = simulatePayoff(
      prepareDebts([{ id: 's', name: 'Slow', amount: 1000, monthlyPayment: 1, userInterestRate: 0 }]),
      'snowball',
      { startMonth: start },
    );
    expect(slow).toMatchObject({
      paysOff: false,
      reason: 'exceeds-max-months',
      months: 600,
      endingBalanceMinor: 40000,
    });
    const none = simulatePayoff(
      prepareDebts([{ id: 'n', name: 'None', amount: 100, monthlyPayment: 0, userInterestRate: 5 }]),
      'snowball',
      { startMonth: start },
    );
    expect(none).toMatchObject({ paysOff: false, reason: 'no-payment', months: 0 });
  });

  it('handles zero-rate debts: no interest, straight division', () => {
    // £300 at 0%, £100 a month: 3 months, no interest.
    const r = simulatePayoff(
      prepareDebts([
        { id: 'z', name: 'Interest-free', amount: 300, monthlyPayment: 100, userInterestRate: 0, interestRepayment: 0 },
      ]),
      'avalanche',
      { startMonth: start },
    );
    expect(r).toMatchObject({
      paysOff: true,
      months: 3,
      totalInterestMinor: 0,
      totalPaidMinor: 30000,
      debtFreeMonthKey: '2026-07',
    });
  });

  it('excludes and lists already-paid debts', () => {
    const c = comparePayoffStrategies(
      prepareDebts([
        ...threeDebts,
        { id: 'd-done', name: 'Done', amount: 0, monthlyPayment: 999, userInterestRate: 30 },
      ]),
      { startMonth: start, extraMinor: 40000 },
    );
    expect(c.excluded).toEqual([{ id: 'd-done', name: 'Done', reason: 'already-paid' }]);
    // The paid debt's payment is not part of the default budget: same figures as without it.
    expect(c.avalanche.monthlyBudgetMinor).toBe(50000);
    expect(c.avalanche.totalInterestMinor).toBe(3571);
    expect(c.avalanche.debts.map((x) => x.id)).not.toContain('d-done');
  });

  it('sends the unused part of a minimum larger than the balance to the target', () => {
    // Tiny: £30 owed, £50 minimum, 0%. Big: £1,000 at 12%, £50 minimum. Budget £100.
    // M1: Big interest 1000; Tiny pays 3000 and is done; Big gets 5000 + the 2000 left over = 7000:
    //     101000 - 7000 = 94000.
    const r = simulatePayoff(
      prepareDebts([
        { id: 'tiny', name: 'Tiny', amount: 30, monthlyPayment: 50, userInterestRate: 0 },
        { id: 'big', name: 'Big', amount: 1000, monthlyPayment: 50, userInterestRate: 12 },
      ]),
      'avalanche',
      { startMonth: start, scheduleMonths: 1 },
    );
    expect(r.schedule[0].debts).toEqual([
      { id: 'big', interestMinor: 1000, paymentMinor: 7000, balanceMinor: 94000 },
      { id: 'tiny', interestMinor: 0, paymentMinor: 3000, balanceMinor: 0 },
    ]);
  });

  it('flags unknown APRs (simulated at 0%) and budgets below the minimums', () => {
    const c = comparePayoffStrategies(prepareDebts([{ id: 'u', name: 'Mystery', amount: 500, monthlyPayment: 100 }]), {
      startMonth: start,
      monthlyBudgetMinor: 5000,
    });
    expect(c.unknownAprDebtIds).toEqual(['u']);
    expect(c.avalanche.warnings).toEqual(['apr-unknown-treated-as-zero', 'budget-below-minimums']);
    expect(c.avalanche).toMatchObject({ paysOff: true, months: 10, totalInterestMinor: 0 });
  });

  it('breaks ties deterministically by name, then id', () => {
    const tied = prepareDebts([
      { id: 'b2', name: 'Beta', amount: 100, monthlyPayment: 10, userInterestRate: 10 },
      { id: 'a1', name: 'Alpha', amount: 100, monthlyPayment: 10, userInterestRate: 10 },
      { id: 'b1', name: 'Beta', amount: 100, monthlyPayment: 10, userInterestRate: 10 },
    ]);
    expect(strategyOrder(tied, 'avalanche').map((x) => x.id)).toEqual(['a1', 'b1', 'b2']);
    expect(strategyOrder(tied, 'snowball').map((x) => x.id)).toEqual(['a1', 'b1', 'b2']);
    const c = comparePayoffStrategies(tied, { startMonth: start });
    expect(c.better).toBe('same');
  });

  it('prefers avalanche on the bigger interest gap and records the estimated APR source', () => {
    const c = comparePayoffStrategies(
      prepareDebts([
        // £40 interest on £2,000 -> estimated 24% APR
        { id: 'e', name: 'Estimated', amount: 2000, monthlyPayment: 80, interestRepayment: 40 },
        { id: 'u', name: 'Small', amount: 400, monthlyPayment: 40, userInterestRate: 5 },
      ]),
      // £200 extra: avalanche aims it at the 24% debt first, snowball at the small one.
      { startMonth: start, extraMinor: 20000 },
    );
    expect(c.avalanche.debts.find((x) => x.id === 'e')).toMatchObject({ aprPct: 24, aprSource: 'estimated' });
    expect(c.avalanche.payoffOrder[0].id).toBe('e');
    expect(c.snowball.payoffOrder[0].id).toBe('u');
    expect(c.better).toBe('avalanche');
    expect(c.avalancheSavesInterestMinor).toBeGreaterThan(0);
  });
});
