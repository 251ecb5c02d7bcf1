import {
  currencyMinorDigits,
  divRound,
  formatMoney,
  formatPct,
  pct,
  roundPct,
  sumMinor,
  toMinor,
  toMinorOrZero,
} from './money';

describe('money', () => {
  it('converts major units to integer minor units', () => {
    expect(toMinor(45.5)).toBe(4550);
    expect(toMinor(0)).toBe(0);
    expect(toMinor(-12.34)).toBe(-1234);
    expect(toMinor(1200, 0)).toBe(1200); // JPY
  });

  it('is robust to float noise', () => {
    // 0.1 + 0.2 = 0.30000000000000004 in binary floating point; it is 30 pence.
    expect(toMinor(0.1 + 0.2)).toBe(30);
    // 1.005 * 100 = 100.49999999999999 in binary; the intended half-penny rounds away from zero to 101.
    expect(toMinor(1.005)).toBe(101);
    expect(toMinor(-1.005)).toBe(-101);
    // 19.99 * 3 = 59.97000000000001 -> 5997
    expect(toMinor(19.99 * 3)).toBe(5997);
  });

  it('does not drift when summing many float amounts', () => {
    // Ten expenses of £0.10: float sum is 0.9999999999999999, minor sum is exactly 100.
    const amounts = Array.from({ length: 10 }, () => 0.1);
    expect(amounts.reduce((a, b) => a + b, 0)).not.toBe(1);
    expect(sumMinor(amounts.map((a) => toMinor(a)))).toBe(100);
  });

  it('rejects non-finite amounts, or treats them as zero where asked', () => {
    expect(() => toMinor(Number.NaN)).toThrow(RangeError);
    expect(toMinorOrZero(null)).toBe(0);
    expect(toMinorOrZero(undefined)).toBe(0);
    expect(toMinorOrZero(Number.POSITIVE_INFINITY)).toBe(0);
    expect(toMinorOrZero(2.5)).toBe(250);
  });

  it('knows minor digits per currency', () => {
    expect(currencyMinorDigits('GBP')).toBe(2);
    expect(currencyMinorDigits('jpy')).toBe(0);
  });

  it('divides with half-away-from-zero rounding', () => {
    expect(divRound(10, 3)).toBe(3); // 3.33
    expect(divRound(11, 2)).toBe(6); // 5.5
    expect(divRound(-11, 2)).toBe(-6); // -5.5
    expect(divRound(-1, 3)).toBe(0); // never -0
    expect(Object.is(divRound(-1, 3), -0)).toBe(false);
    expect(() => divRound(1, 0)).toThrow(RangeError);
  });

  it('formats money through Intl (default GBP, en-GB)', () => {
    expect(formatMoney(4550)).toBe('£45.50');
    expect(formatMoney(123456789)).toBe('£1,234,567.89');
    expect(formatMoney(-1050)).toBe('-£10.50');
    expect(formatMoney(1200, { currency: 'JPY', locale: 'en-GB' })).toBe('JP¥1,200');
    expect(formatMoney(4550, { currency: 'USD', locale: 'en-US' })).toBe('$45.50');
  });

  it('rounds percentages to one decimal only at presentation', () => {
    expect(pct(1, 3)).toBe(33.3); // 33.333...
    expect(pct(2, 3)).toBe(66.7); // 66.666...
    expect(pct(1, 8)).toBe(12.5);
    expect(pct(5, 0)).toBeNull();
    expect(roundPct(0.05)).toBe(0.1); // half away from zero
    expect(roundPct(-0.05)).toBe(-0.1);
    expect(formatPct(12.5)).toBe('12.5%');
    expect(formatPct(null)).toBe('n/a');
  });
});
