import {
  comparePayoffStrategies,
  monthlyInterestMinor,
  simulatePayoff,
  strategyOrder,
  whatIfPayoff,
} from './debt-payoff';
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
    // £1,000 at 24% accrues £20 a month; paying £15 a month the balance grows from month 1: £5.00 short.
    const r = simulatePayoff(
      prepareDebts([{ id: 'x', name: 'Payday', amount: 1000, monthlyPayment: 15, userInterestRate: 24 }]),
      'avalanche',
      { startMonth: start },
    );
    expect(r).toMatchObject({
      paysOff: false,
      reason: 'payment-below-interest',
      months: null,
      debtFreeMonthKey: null,
      totalInterestMinor: null,
      totalPaidMinor: null,
      firstMonth: { interestMinor: 2000, minimumsMinor: 1500 },
      shortfallMinor: 500,
    });
    expect(r.debts[0]).toMatchObject({ payoffMonth: null, interestPaidMinor: null, totalPaidMinor: null });
    const c = comparePayoffStrategies(
      prepareDebts([{ id: 'x', name: 'Payday', amount: 1000, monthlyPayment: 15, userInterestRate: 24 }]),
      { startMonth: start },
    );
    expect(c.better).toBe('neither');
    expect(c.avalancheSavesInterestMinor).toBeNull();
  });

  it('distinguishes a slow but falling balance from a growing one, and a zero budget', () => {
    // £1,000 at 0% paying £1 a month needs 1000 months: beyond the 600-month cap, and no total is given.
    const slow = simulatePayoff(
      prepareDebts([{ id: 's', name: 'Slow', amount: 1000, monthlyPayment: 1, userInterestRate: 0 }]),
      'snowball',
      { startMonth: start },
    );
    expect(slow).toMatchObject({
      paysOff: false,
      reason: 'exceeds-max-months',
      months: null,
      maxMonths: 600,
      totalInterestMinor: null,
      shortfallMinor: null,
    });
    const none = simulatePayoff(
      prepareDebts([{ id: 'n', name: 'None', amount: 100, monthlyPayment: 0, userInterestRate: 5 }]),
      'snowball',
      { startMonth: start },
    );
    expect(none).toMatchObject({ paysOff: false, reason: 'no-payment', months: null });
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

  it('flags unknown APRs, simulated at 0%', () => {
    const c = comparePayoffStrategies(prepareDebts([{ id: 'u', name: 'Mystery', amount: 500, monthlyPayment: 100 }]), {
      startMonth: start,
    });
    expect(c.unknownAprDebtIds).toEqual(['u']);
    expect(c.avalanche.warnings).toEqual(['apr-unknown-treated-as-zero']);
    expect(c.avalanche).toMatchObject({ paysOff: true, months: 5, totalInterestMinor: 0 });
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

describe('issue 12, item 6: a debt that never pays off is reported from month 1, with no totals', () => {
  const card = (monthlyPayment: number) =>
    prepareDebts([{ id: 'c', name: 'Card', amount: 10000, monthlyPayment, userInterestRate: 30 }]);

  it('£10,000 at 30% paying £200: £250.00 of interest in month 1 against £200.00, £50.00 short', () => {
    // 30% / 12 = 2.5% a month: 1,000,000 * 3000 / 120000 = 25000 minor (£250.00) of interest in month 1. Paying
    // 20000 (£200.00) the balance ends month 1 at 1,005,000: higher than it started, and every later month's
    // interest is higher still. Shortfall 25000 - 20000 = 5000 (£50.00). Before: "£1,056,350.20 of interest after
    // 252 months", a total of wherever the simulation happened to stop.
    const r = simulatePayoff(card(200), 'avalanche', { startMonth: start, scheduleMonths: 1 });
    expect(r).toMatchObject({
      paysOff: false,
      reason: 'payment-below-interest',
      months: null,
      totalInterestMinor: null,
      totalPaidMinor: null,
      monthlyBudgetMinor: 20000,
      firstMonth: { interestMinor: 25000, minimumsMinor: 20000 },
      shortfallMinor: 5000,
    });
    expect(r.schedule).toEqual([
      {
        month: 1,
        monthKey: '2026-05',
        debts: [{ id: 'c', interestMinor: 25000, paymentMinor: 20000, balanceMinor: 1005000 }],
      },
    ]);
  });

  it('a payment exactly equal to the interest never pays off either: shortfall 0', () => {
    // £10,000 at 24%: 1,000,000 * 2400 / 120000 = 20000 (£200.00) a month, paid exactly: the balance stands still.
    const r = simulatePayoff(
      prepareDebts([{ id: 'c', name: 'Card', amount: 10000, monthlyPayment: 200, userInterestRate: 24 }]),
      'snowball',
      { startMonth: start },
    );
    expect(r).toMatchObject({ paysOff: false, reason: 'payment-below-interest', shortfallMinor: 0, months: null });
  });

  it('a penny over the interest does pay off (the balance falls from month 1)', () => {
    const r = simulatePayoff(
      prepareDebts([{ id: 'c', name: 'Card', amount: 10000, monthlyPayment: 200.01, userInterestRate: 24 }]),
      'avalanche',
      { startMonth: start },
    );
    expect(r.paysOff).toBe(true);
    expect(r.shortfallMinor).toBeNull();
  });

  it('with several debts: the month-1 shortfall is stated, and a debt really paid off on the way is kept', () => {
    // Card £10,000 at 30% (minimum £200), Store £100 at 0% (minimum £10): £210 a month against £250.00 of interest
    // in month 1 (Card 25000, Store 0): shortfall 25000 - 21000 = 4000 (£40.00).
    // Snowball targets Store: it falls by £10 a month and is paid off in month 10 (10000 / 1000). From month 11
    // the whole £210 goes to Card, whose interest is then above £250: no balance falls, so it never pays off.
    const r = simulatePayoff(
      prepareDebts([
        { id: 'c', name: 'Card', amount: 10000, monthlyPayment: 200, userInterestRate: 30 },
        { id: 's', name: 'Store', amount: 100, monthlyPayment: 10, userInterestRate: 0, interestRepayment: 0 },
      ]),
      'snowball',
      { startMonth: start },
    );
    expect(r).toMatchObject({
      paysOff: false,
      reason: 'payment-below-interest',
      shortfallMinor: 4000,
      totalInterestMinor: null,
      firstMonth: { interestMinor: 25000, minimumsMinor: 21000 },
    });
    expect(r.payoffOrder).toEqual([{ id: 's', name: 'Store', month: 10, monthKey: '2027-02' }]);
    expect(r.debts.find((x) => x.id === 's')).toMatchObject({ interestPaidMinor: 0, totalPaidMinor: 10000 });
    expect(r.debts.find((x) => x.id === 'c')).toMatchObject({ interestPaidMinor: null, payoffMonth: null });
  });
});

describe('issue 12, item 7: a budget below the minimums is an infeasible plan with its shortfall', () => {
  it('states the shortfall instead of simulating missed minimums', () => {
    // Loan £500 at 12%, minimum £100; budget £50. Month 1: interest 50000 * 1200 / 120000 = 500; minimum due
    // min(10000, 50500) = 10000. 5000 < 10000: infeasible, £50.00 short. Before: "debt-free in 11 months, interest
    // £29.48", a plan that skips half of every minimum payment.
    const c = comparePayoffStrategies(
      prepareDebts([{ id: 'l', name: 'Loan', amount: 500, monthlyPayment: 100, userInterestRate: 12 }]),
      { startMonth: start, monthlyBudgetMinor: 5000 },
    );
    for (const r of [c.avalanche, c.snowball]) {
      expect(r).toMatchObject({
        paysOff: false,
        reason: 'budget-below-minimums',
        months: null,
        totalInterestMinor: null,
        monthlyBudgetMinor: 5000,
        firstMonth: { interestMinor: 500, minimumsMinor: 10000 },
        shortfallMinor: 5000,
      });
    }
    expect(c.better).toBe('neither');
  });

  it('counts a minimum larger than what is owed only up to what is owed', () => {
    // Tiny £30 at 0% (minimum £50) + Big £1,000 at 12% (minimum £50): due in month 1 3000 + 5000 = 8000, so a
    // budget of £85 (8500) is feasible although the minimums add up to £100.
    const r = simulatePayoff(
      prepareDebts([
        { id: 'tiny', name: 'Tiny', amount: 30, monthlyPayment: 50, userInterestRate: 0, interestRepayment: 0 },
        { id: 'big', name: 'Big', amount: 1000, monthlyPayment: 50, userInterestRate: 12 },
      ]),
      'avalanche',
      { startMonth: start, monthlyBudgetMinor: 8500 },
    );
    expect(r.firstMonth.minimumsMinor).toBe(8000);
    expect(r.paysOff).toBe(true);
  });
});

describe('issue 12, item 10: snowball orders by the balance at the start, fixed for the whole plan', () => {
  it('keeps targeting the debt that was smallest at the start after another one drops below it', () => {
    // A £100 at 0% (minimum £1), B £120 at 0% (minimum £30), £5 extra: £36 a month. Snowball targets A (smaller at
    // the start).
    //  M1: minimums A 10000 - 100 = 9900, B 12000 - 3000 = 9000; extra 500 to A -> 9400.
    //      Now B (9000) is below A (9400): re-sorting by the current balance would target B from month 2.
    //  M2: minimums A -> 9300, B -> 6000; the extra still goes to A -> 8800 (A paid 600, B 3000).
    const r = simulatePayoff(
      prepareDebts([
        { id: 'a', name: 'A', amount: 100, monthlyPayment: 1, userInterestRate: 0, interestRepayment: 0 },
        { id: 'b', name: 'B', amount: 120, monthlyPayment: 30, userInterestRate: 0, interestRepayment: 0 },
      ]),
      'snowball',
      { startMonth: start, extraMinor: 500, scheduleMonths: 2 },
    );
    expect(r.schedule[0].debts).toEqual([
      { id: 'a', interestMinor: 0, paymentMinor: 600, balanceMinor: 9400 },
      { id: 'b', interestMinor: 0, paymentMinor: 3000, balanceMinor: 9000 },
    ]);
    expect(r.schedule[1].debts).toEqual([
      { id: 'a', interestMinor: 0, paymentMinor: 600, balanceMinor: 8800 },
      { id: 'b', interestMinor: 0, paymentMinor: 3000, balanceMinor: 6000 },
    ]);
  });
});

describe('issue 12, item 12: what-if with extra money, against paying only the minimums', () => {
  /*
   * Card £1,000 at 12% (1% a month), minimum £100; Loan £500 at 0%, minimum £50. Extra £150 a month, lump sum £200.
   *
   * MINIMUMS ONLY (each debt its own minimum; nothing moved on):
   *  Card: 100000 -> +1000 -10000 = 91000; +910 -> 81910; +819 (819.1) -> 72729; +727 (727.29) -> 63456;
   *        +635 (634.56) -> 54091; +541 (540.91) -> 44632; +446 (446.32) -> 35078; +351 (350.78) -> 25429;
   *        +254 (254.29) -> 15683; +157 (156.83) -> 5840; +58 (58.40) -> 5898 paid in month 11.
   *        Interest 1000+910+819+727+635+541+446+351+254+157+58 = 5898 (£58.98).
   *  Loan: 50000 / 5000 = 10 months, no interest. Baseline: 11 months, £58.98.
   *
   * AVALANCHE (Card, Loan), £300 a month (150 minimums + 150 extra), £200 more in month 1:
   *  M1 Card +1000 -> 101000; money 50000: minimums Card 10000 -> 91000, Loan 5000 -> 45000; 35000 to Card -> 56000.
   *  M2 Card +560 -> 56560; minimums -> 46560 / 40000; 15000 to Card -> 31560.
   *  M3 Card +316 (315.6) -> 31876; minimums -> 21876 / 35000; 15000 to Card -> 6876.
   *  M4 Card +69 (68.76) -> 6945, paid in full (6945); Loan minimum 5000 -> 30000; 18055 left -> Loan 11945.
   *  M5 Loan paid (11945). 5 months; interest 1000+560+316+69 = 1945 (£19.45).
   *  Saves 11 - 5 = 6 months and 5898 - 1945 = 3953 (£39.53).
   *
   * SNOWBALL (Loan, Card):
   *  M1 Card +1000 -> 101000; minimums Loan -> 45000, Card -> 91000; 35000 to Loan -> 10000.
   *  M2 Card +910 -> 91910; minimums Loan -> 5000, Card -> 81910; 15000: Loan 5000 -> 0, Card 10000 -> 71910.
   *  M3 Card +719 (719.1) -> 72629 -> 42629.  M4 +426 (426.29) -> 43055 -> 13055.  M5 +131 (130.55) -> 13186 paid.
   *  5 months; interest 1000+910+719+426+131 = 3186 (£31.86). Saves 6 months and 5898 - 3186 = 2712 (£27.12).
   */
  const debts = prepareDebts([
    { id: 'card', name: 'Card', amount: 1000, monthlyPayment: 100, userInterestRate: 12 },
    { id: 'loan', name: 'Loan', amount: 500, monthlyPayment: 50, userInterestRate: 0, interestRepayment: 0 },
  ]);

  it('runs both strategies with the extra money and compares each with minimums only, as worked by hand', () => {
    const w = whatIfPayoff(debts, { startMonth: start, extraMinor: 15000, lumpSumMinor: 20000 });
    expect(w.minimumsOnly).toMatchObject({
      strategy: 'minimums-only',
      paysOff: true,
      months: 11,
      totalInterestMinor: 5898,
      monthlyBudgetMinor: 15000,
      lumpSumMinor: 0,
    });
    expect(w.minimumsOnly.payoffOrder.map((o) => [o.id, o.month])).toEqual([
      ['loan', 10],
      ['card', 11],
    ]);
    expect(w.avalanche).toMatchObject({
      paysOff: true,
      months: 5,
      totalInterestMinor: 1945,
      totalPaidMinor: 151945,
      monthlyBudgetMinor: 30000,
      lumpSumMinor: 20000,
    });
    expect(w.avalanche.payoffOrder.map((o) => [o.id, o.month])).toEqual([
      ['card', 4],
      ['loan', 5],
    ]);
    expect(w.snowball).toMatchObject({ paysOff: true, months: 5, totalInterestMinor: 3186, totalPaidMinor: 153186 });
    expect(w.snowball.payoffOrder.map((o) => [o.id, o.month])).toEqual([
      ['loan', 2],
      ['card', 5],
    ]);
    expect(w.avalancheSaves).toEqual({ monthsSaved: 6, interestSavedMinor: 3953 });
    expect(w.snowballSaves).toEqual({ monthsSaved: 6, interestSavedMinor: 2712 });
  });

  it('gives no saving when the minimums alone never pay off', () => {
    // £10,000 at 30% paying £200 never pays off (item 6); with £100 more a month it does.
    const w = whatIfPayoff(
      prepareDebts([{ id: 'c', name: 'Card', amount: 10000, monthlyPayment: 200, userInterestRate: 30 }]),
      {
        startMonth: start,
        extraMinor: 10000,
      },
    );
    expect(w.minimumsOnly).toMatchObject({ paysOff: false, reason: 'payment-below-interest', shortfallMinor: 5000 });
    expect(w.avalanche.paysOff).toBe(true);
    expect(w.avalancheSaves).toEqual({ monthsSaved: null, interestSavedMinor: null });
  });
});
