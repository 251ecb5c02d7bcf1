import { findDuplicates } from './duplicates';
import { d } from './fixtures.testing';

describe('findDuplicates', () => {
  it('finds same name and amount within 2 days, merging groups that normalise alike', () => {
    const r = findDuplicates([
      { name: 'Tesco Stores 1234', amount: 45.5, occurrences: [{ id: 'x1', date: d('2026-04-02T10:00:00Z') }] },
      { name: 'TESCO STORES 99', amount: 45.5, occurrences: [{ id: 'x2', date: d('2026-04-03T09:00:00Z') }] },
    ]);
    expect(r).toEqual([
      {
        name: 'Tesco Stores 1234',
        nameKey: 'tesco stores',
        amountMinor: 4550,
        count: 2,
        expenseIds: ['x1', 'x2'],
        dates: ['2026-04-02T10:00:00.000Z', '2026-04-03T09:00:00.000Z'],
        spanHours: 23,
        extraMinor: 4550,
      },
    ]);
  });

  it('uses an inclusive window: exactly 48 hours is a duplicate, 72 hours is not', () => {
    const at48 = findDuplicates([
      {
        name: 'Gym',
        amount: 30,
        occurrences: [
          { id: 'a', date: d('2026-04-01T10:00:00Z') },
          { id: 'b', date: d('2026-04-03T10:00:00Z') },
        ],
      },
    ]);
    expect(at48).toHaveLength(1);
    const at72 = findDuplicates([
      {
        name: 'Gym',
        amount: 30,
        occurrences: [
          { id: 'a', date: d('2026-04-01T10:00:00Z') },
          { id: 'b', date: d('2026-04-04T10:00:00Z') },
        ],
      },
    ]);
    expect(at72).toEqual([]);
    expect(
      findDuplicates(
        [
          {
            name: 'Gym',
            amount: 30,
            occurrences: [
              { id: 'a', date: d('2026-04-01T10:00:00Z') },
              { id: 'b', date: d('2026-04-04T10:00:00Z') },
            ],
          },
        ],
        { windowDays: 3 },
      ),
    ).toHaveLength(1);
  });

  it('anchors clusters on their first entry instead of chaining a daily habit', () => {
    const days = ['01', '02', '03', '04'].map((x, i) => ({ id: `c${i + 1}`, date: d(`2026-04-${x}T09:00:00Z`) }));
    const r = findDuplicates([{ name: 'Costa', amount: 3.2, occurrences: days }]);
    // c1 anchors: c2 (24 h) and c3 (48 h) fall in; c4 starts a new cluster of one.
    expect(r.map((c) => c.expenseIds)).toEqual([['c1', 'c2', 'c3']]);
    expect(r[0].extraMinor).toBe(640); // 320 * 2
  });

  it('matches amounts in minor units, so float noise does not split a group', () => {
    const r = findDuplicates([
      { name: 'Fee', amount: 0.1 + 0.2, occurrences: [{ id: 'f1', date: d('2026-04-01T10:00:00Z') }] },
      { name: 'fee', amount: 0.3, occurrences: [{ id: 'f2', date: d('2026-04-01T11:00:00Z') }] },
    ]);
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ amountMinor: 30, count: 2, spanHours: 1 });
  });

  it('does not pair different amounts or count an id twice', () => {
    expect(
      findDuplicates([
        { name: 'Shop', amount: 10, occurrences: [{ id: 's1', date: d('2026-04-01T10:00:00Z') }] },
        { name: 'Shop', amount: 10.01, occurrences: [{ id: 's2', date: d('2026-04-01T10:05:00Z') }] },
      ]),
    ).toEqual([]);
    expect(
      findDuplicates([
        { name: 'Shop', amount: 10, occurrences: [{ id: 's1', date: d('2026-04-01T10:00:00Z') }] },
        { name: 'SHOP', amount: 10, occurrences: [{ id: 's1', date: d('2026-04-01T10:00:00Z') }] },
      ]),
    ).toEqual([]);
  });
});
