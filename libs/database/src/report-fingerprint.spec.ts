import { figuresFingerprint, stableJson } from './report-fingerprint';

describe('figuresFingerprint', () => {
  it('ignores key order at every depth but not array order or values', () => {
    const a = {
      type: 'debt',
      payoff: { better: 'avalanche', months: 5 },
      debts: [
        { id: 'x', n: 1 },
        { id: 'y', n: 2 },
      ],
    };
    const b = {
      debts: [
        { n: 1, id: 'x' },
        { n: 2, id: 'y' },
      ],
      payoff: { months: 5, better: 'avalanche' },
      type: 'debt',
    };
    expect(stableJson(b)).toBe(stableJson(a));
    expect(figuresFingerprint(b)).toBe(figuresFingerprint(a));
    expect(figuresFingerprint({ ...a, debts: [...a.debts].reverse() })).not.toBe(figuresFingerprint(a));
    expect(figuresFingerprint({ ...a, payoff: { better: 'avalanche', months: 6 } })).not.toBe(figuresFingerprint(a));
    expect(figuresFingerprint(a)).toMatch(/^[0-9a-f]{64}$/);
  });
});
