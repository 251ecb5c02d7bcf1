import { debtView, MAX_PLAUSIBLE_APR_PCT, monthlyDebtPaymentsMinor, prepareDebts, resolveApr } from './debts';
import { d } from './fixtures.testing';

describe('APR source', () => {
  it('uses the user rate when set', () => {
    expect(resolveApr({ amount: 1000, userInterestRate: 19.9, interestRepayment: 5 })).toEqual({
      apr: 19.9,
      source: 'user',
      implausibleStated: null,
    });
  });

  it('estimates from the interest repayment against the balance', () => {
    // £50 interest a month on £3,000: 50 / 3000 * 12 * 100 = 20 %
    const r = resolveApr({ amount: 3000, userInterestRate: null, interestRepayment: 50 });
    expect(r.source).toBe('estimated');
    expect(r.apr).toBeCloseTo(20, 10);
  });

  it('treats a stated 0% as real only when no interest is being charged', () => {
    expect(resolveApr({ amount: 1000, userInterestRate: 0, interestRepayment: 0 })).toEqual({
      apr: 0,
      source: 'user',
      implausibleStated: null,
    });
    // 0% stated but £10 interest a month on £1,000 -> 10 / 1000 * 12 * 100 = 12 %
    const r = resolveApr({ amount: 1000, userInterestRate: 0, interestRepayment: 10 });
    expect(r.source).toBe('estimated');
    expect(r.apr).toBeCloseTo(12, 10);
    expect(r.implausibleStated).toBeNull(); // out of date, not implausible: not repeated back
  });

  it('is unknown (0%) when neither is usable', () => {
    expect(resolveApr({ amount: 1000, userInterestRate: undefined, interestRepayment: undefined })).toEqual({
      apr: 0,
      source: 'unknown',
      implausibleStated: null,
    });
    expect(resolveApr({ amount: 0, userInterestRate: null, interestRepayment: 20 })).toEqual({
      apr: 0,
      source: 'unknown',
      implausibleStated: null,
    });
  });
});

describe('issue 12, item 13d: an implausible userInterestRate is set aside and the APR estimated', () => {
  it('estimates from the payment interest/capital split and keeps the entered value to mention', () => {
    // Entered 1990 (a typo for 19.9). Payment £200 split £150 interest / £50 capital: the interest part of the
    // payment is 200 * 150 / (150 + 50) = £150; over the £10,000 balance: 150 / 10000 * 12 * 100 = 18% estimated.
    const r = resolveApr({
      amount: 10000,
      monthlyPayment: 200,
      userInterestRate: 1990,
      interestRepayment: 150,
      capitalRepayment: 50,
    });
    expect(r.source).toBe('estimated');
    expect(r.apr).toBeCloseTo(18, 10);
    expect(r.implausibleStated).toBe(1990);
  });

  it('uses the split as a share when the fields are totals so far, not this month', () => {
    // £900 interest and £2,700 capital repaid so far: 25% of each payment is interest. Payment £240: £60 interest.
    // 60 / 4000 * 12 * 100 = 18%.
    const r = resolveApr({
      amount: 4000,
      monthlyPayment: 240,
      userInterestRate: -5,
      interestRepayment: 900,
      capitalRepayment: 2700,
    });
    expect(r).toMatchObject({ source: 'estimated', implausibleStated: -5 });
    expect(r.apr).toBeCloseTo(18, 10);
  });

  it('takes rates up to the maximum at face value and is unknown when nothing plausible remains', () => {
    expect(MAX_PLAUSIBLE_APR_PCT).toBe(100);
    expect(resolveApr({ amount: 500, userInterestRate: 100 })).toMatchObject({ apr: 100, source: 'user' });
    expect(resolveApr({ amount: 500, userInterestRate: 100.01 })).toEqual({
      apr: 0,
      source: 'unknown',
      implausibleStated: 100.01,
    });
    expect(resolveApr({ amount: 500, userInterestRate: Number.NaN })).toEqual({
      apr: 0,
      source: 'unknown',
      implausibleStated: null,
    });
    // An estimate above the maximum is no better: £100 "interest" a month on £1,000 would be 120%.
    expect(resolveApr({ amount: 1000, interestRepayment: 100 })).toEqual({
      apr: 0,
      source: 'unknown',
      implausibleStated: null,
    });
  });

  it('labels it in the debt view', () => {
    const [x] = prepareDebts([
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
    expect(debtView(x)).toMatchObject({
      aprPct: 18,
      aprBp: 1800,
      aprSource: 'estimated',
      implausibleStatedAprPct: 1990,
    });
  });
});

describe('issue 12, item 13c: the balance is the amount less the app progress (completionRatio)', () => {
  it('simulates from amount x (1 - completionRatio / 100); a debt at 100% is paid off', () => {
    const [car, done, over, none, odd] = prepareDebts([
      // £10,000 at 25% paid: 10000 * (1 - 25 / 100) = £7,500.
      { id: 'c', name: 'Car loan', amount: 10000, monthlyPayment: 300, userInterestRate: 6, completionRatio: 25 },
      { id: 'p', name: 'Done', amount: 2000, monthlyPayment: 100, userInterestRate: 6, completionRatio: 100 },
      { id: 'o', name: 'Over', amount: 2000, monthlyPayment: 100, userInterestRate: 6, completionRatio: 130 },
      { id: 'n', name: 'No ratio', amount: 800, monthlyPayment: 50, userInterestRate: 6 },
      // 33.3% of £999.99: 99999 * 66.7 / 100 = 66699.333 -> 66699 minor.
      { id: 'q', name: 'Odd', amount: 999.99, monthlyPayment: 50, userInterestRate: 6, completionRatio: 33.3 },
    ]);
    expect(car).toMatchObject({ amountMinor: 1000000, completionPct: 25, balanceMinor: 750000, paid: false });
    expect(done).toMatchObject({ balanceMinor: 0, paid: true, completionPct: 100 });
    expect(over).toMatchObject({ balanceMinor: 0, paid: true, completionPct: 100 });
    expect(none).toMatchObject({ amountMinor: 80000, completionPct: null, balanceMinor: 80000 });
    expect(odd.balanceMinor).toBe(66699);
    // Only debts still owed commit a monthly payment: 300 + 50 + 50.
    expect(monthlyDebtPaymentsMinor([car, done, over, none, odd])).toBe(40000);
    expect(debtView(car)).toMatchObject({ balanceMinor: 750000, amountMinor: 1000000, completionPct: 25 });
  });

  it('estimates an APR over the balance still owed', () => {
    // £37.50 interest on the £7,500 still owed (25% of £10,000 paid): 37.5 / 7500 * 12 * 100 = 6%.
    const r = resolveApr({ amount: 10000, completionRatio: 25, interestRepayment: 37.5 });
    expect(r.source).toBe('estimated');
    expect(r.apr).toBeCloseTo(6, 10);
  });
});

describe('prepareDebts', () => {
  it('converts to minor units, rounds the APR to basis points and marks paid debts', () => {
    const [a, b] = prepareDebts([
      {
        id: 'a',
        name: 'Card',
        amount: 1234.56,
        monthlyPayment: 45.5,
        userInterestRate: 22.945,
        payDueDate: d('2026-04-20T00:00:00Z'),
      },
      { id: 'b', name: 'Old', amount: -0.01, monthlyPayment: 30 },
    ]);
    expect(a).toMatchObject({
      balanceMinor: 123456,
      minPaymentMinor: 4550,
      aprBp: 2295,
      aprSource: 'user',
      paid: false,
    });
    expect(b).toMatchObject({ balanceMinor: -1, paid: true, aprSource: 'unknown' });
    expect(monthlyDebtPaymentsMinor([a, b])).toBe(4550);
    expect(debtView(a)).toEqual({
      id: 'a',
      name: 'Card',
      balanceMinor: 123456,
      amountMinor: 123456,
      completionPct: null,
      monthlyPaymentMinor: 4550,
      aprPct: 22.9, // 22.945 -> one decimal at presentation
      aprBp: 2295,
      aprSource: 'user',
      implausibleStatedAprPct: null,
      payDueDate: '2026-04-20T00:00:00.000Z',
      status: 'active',
    });
  });
});
