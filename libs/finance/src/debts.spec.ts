import { debtView, monthlyDebtPaymentsMinor, prepareDebts, resolveApr } from './debts';
import { d } from './fixtures.testing';

describe('APR source', () => {
  it('uses the user rate when set', () => {
    expect(resolveApr({ amount: 1000, userInterestRate: 19.9, interestRepayment: 5 })).toEqual({
      apr: 19.9,
      source: 'user',
    });
  });

  it('estimates from the interest repayment against the balance', () => {
    // £50 interest a month on £3,000: 50 / 3000 * 12 * 100 = 20 %
    const r = resolveApr({ amount: 3000, userInterestRate: null, interestRepayment: 50 });
    expect(r.source).toBe('estimated');
    expect(r.apr).toBeCloseTo(20, 10);
  });

  it('treats a stated 0% as real only when no interest is being charged', () => {
    expect(resolveApr({ amount: 1000, userInterestRate: 0, interestRepayment: 0 })).toEqual({ apr: 0, source: 'user' });
    // 0% stated but £10 interest a month on £1,000 -> 10 / 1000 * 12 * 100 = 12 %
    const r = resolveApr({ amount: 1000, userInterestRate: 0, interestRepayment: 10 });
    expect(r.source).toBe('estimated');
    expect(r.apr).toBeCloseTo(12, 10);
  });

  it('is unknown (0%) when neither is usable', () => {
    expect(resolveApr({ amount: 1000, userInterestRate: undefined, interestRepayment: undefined })).toEqual({
      apr: 0,
      source: 'unknown',
    });
    expect(resolveApr({ amount: 0, userInterestRate: null, interestRepayment: 20 })).toEqual({
      apr: 0,
      source: 'unknown',
    });
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
      monthlyPaymentMinor: 4550,
      aprPct: 22.9, // 22.945 -> one decimal at presentation
      aprSource: 'user',
      payDueDate: '2026-04-20T00:00:00.000Z',
      status: 'active',
    });
  });
});
