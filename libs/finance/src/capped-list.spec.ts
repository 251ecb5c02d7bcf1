import { andMore, capList, restOfTotal, topByAmount } from './capped-list';

const gbp = (minor: number) => `£${(minor / 100).toFixed(2)}`;

describe('capped lists', () => {
  const debts = [
    { name: 'a', minor: 30000 },
    { name: 'b', minor: 12345 },
    { name: 'c', minor: 99999 },
    { name: 'd', minor: 250 },
    { name: 'e', minor: 12345 },
  ];

  it('keeps the largest amounts, largest first, and sums the rest', () => {
    const top = topByAmount(debts, 2, (x) => x.minor);
    expect(top.shown.map((x) => x.name)).toEqual(['c', 'a']);
    // b 123.45 + e 123.45 + d 2.50 = 249.40
    expect(top.rest).toEqual({ count: 3, totalMinor: 24940 });
    expect(top.omitted.map((x) => x.name)).toEqual(['b', 'e', 'd']);
    expect(andMore(top.rest, ['debt', 'debts'], gbp)).toBe('and 3 more debts, totalling £249.40');
  });

  it('keeps the given order when asked to (most severe first), counting what it left out', () => {
    const capped = capList(['critical', 'high', 'low'], 1);
    expect(capped.shown).toEqual(['critical']);
    expect(capped.rest).toEqual({ count: 2, totalMinor: 0 });
    expect(andMore(capped.rest, ['red flag', 'red flags'])).toBe('and 2 more red flags');
  });

  it('says nothing when nothing was left out', () => {
    const all = topByAmount(debts, 10, (x) => x.minor);
    expect(all.shown).toHaveLength(5);
    expect(andMore(all.rest, ['debt', 'debts'], gbp)).toBe('');
  });

  it('works out the rest of a list that was capped before it reached us from its count and total', () => {
    // 12 subscriptions costing £80.00 a month; the two shown cost £15.99 and £9.99: 10 more, £54.02.
    const shown = [{ minor: 1599 }, { minor: 999 }];
    expect(restOfTotal(shown, 12, 8000, (x) => x.minor)).toEqual({ count: 10, totalMinor: 5402 });
  });
});
