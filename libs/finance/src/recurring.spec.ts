import { d } from './fixtures.testing';
import type { OccurrenceGroup } from './inputs';
import { detectRecurring, isKnownSubscriptionName } from './recurring';

const now = d('2026-04-15T10:00:00Z');
const series = (name: string, dates: string[], amounts: number | number[]): OccurrenceGroup => ({
  name,
  occurrences: dates.map((date, i) => ({
    id: `${name}-${i}`,
    date: d(`${date}T12:00:00Z`),
    amount: Array.isArray(amounts) ? amounts[i] : amounts,
  })),
});

describe('detectRecurring', () => {
  const groups: OccurrenceGroup[] = [
    // Two Mongo groups that normalise to one merchant.
    series('NETFLIX.COM 1234', ['2026-01-03', '2026-02-03'], 10.99),
    series('Netflix', ['2026-03-03', '2026-04-03'], 10.99),
    series('Cleaner', ['2026-03-18', '2026-03-25', '2026-04-01', '2026-04-08'], 20),
    series('Amazon Prime', ['2025-03-10', '2026-03-09'], 95),
    series('British Gas', ['2026-01-20', '2026-02-19', '2026-03-20'], [60.1, 75.4, 90]),
    series('Disney Plus', ['2025-09-05', '2025-10-05', '2025-11-05'], 7.99),
    series('Spotify', ['2026-03-01', '2026-04-01'], 11.99),
    series('Amazon', ['2026-01-02', '2026-01-05', '2026-02-14', '2026-02-26'], [12, 30, 8, 15]),
    series('Cloud Backup Co', ['2026-02-10', '2026-03-10', '2026-04-10'], 4.99),
    series('Rent', ['2026-02-01', '2026-03-01', '2026-04-01'], 900),
  ];
  const found = detectRecurring(groups, { now, timeZone: 'UTC' });
  const by = Object.fromEntries(found.map((r) => [r.nameKey, r]));

  it('detects monthly cadence across merged groups and marks known subscriptions', () => {
    // gaps 31, 28, 31 days -> median 31, inside 26-35
    expect(by['netflix']).toEqual({
      name: 'Netflix',
      nameKey: 'netflix',
      cadence: 'monthly',
      occurrences: 4,
      firstDate: '2026-01-03',
      lastDate: '2026-04-03',
      medianIntervalDays: 31,
      typicalAmountMinor: 1099,
      latestAmountMinor: 1099,
      minAmountMinor: 1099,
      maxAmountMinor: 1099,
      amountStable: true,
      estimatedMonthlyCostMinor: 1099,
      estimatedYearlyCostMinor: 13188, // 1099 * 12
      nextExpectedDate: '2026-05-03',
      active: true,
      likelySubscription: true,
      subscriptionReason: 'known-name',
    });
  });

  it('detects weekly cadence and converts to a monthly cost (x52/12)', () => {
    // 2000 * 52 / 12 = 8666.67 -> 8667; not a subscription (weekly, unknown name)
    expect(by['cleaner']).toMatchObject({
      cadence: 'weekly',
      estimatedMonthlyCostMinor: 8667,
      nextExpectedDate: '2026-04-15',
      active: true,
      likelySubscription: false,
    });
    // The year is 52 charges, not 12 rounded months: 2000 * 52 = 104000 (12 * 8667 would say 104004).
    expect(by['cleaner'].estimatedYearlyCostMinor).toBe(104000);
  });

  it('detects yearly cadence from two occurrences', () => {
    // gap 364 days; 9500 / 12 = 791.67 -> 792
    expect(by['amazon prime']).toMatchObject({
      cadence: 'yearly',
      occurrences: 2,
      estimatedMonthlyCostMinor: 792,
      nextExpectedDate: '2027-03-09',
      active: true,
      subscriptionReason: 'known-name',
    });
  });

  it('reports variable amounts with the median as the monthly estimate', () => {
    // median 7540; 6010 is 20.3% below it, beyond the 10% tolerance
    expect(by['british gas']).toMatchObject({
      cadence: 'monthly',
      amountStable: false,
      typicalAmountMinor: 7540,
      estimatedMonthlyCostMinor: 7540,
      minAmountMinor: 6010,
      maxAmountMinor: 9000,
      likelySubscription: false,
    });
  });

  it('marks a series that stopped as inactive', () => {
    // last 2025-11-05, 161 days before now > 35 * 1.5
    expect(by['disney plus']).toMatchObject({ cadence: 'monthly', active: false, likelySubscription: true });
  });

  it('needs enough occurrences and a regular gap', () => {
    expect(by['spotify']).toBeUndefined(); // two monthly charges: monthly needs 3
    expect(by['amazon']).toBeUndefined(); // gaps 3, 40, 12
  });

  it('calls stable small monthly amounts subscriptions, but not needs like rent', () => {
    expect(by['cloud backup co']).toMatchObject({
      likelySubscription: true,
      subscriptionReason: 'stable-small-amount',
    });
    expect(by['rent']).toMatchObject({ cadence: 'monthly', likelySubscription: false, subscriptionReason: null });
  });

  it('tolerates one late payment and collapses same-day charges', () => {
    // gaps 31, 45, 30, 31: 3 of 4 in band (75%), median 31
    const late = detectRecurring(
      [series('Phone plan', ['2025-12-01', '2026-01-01', '2026-02-15', '2026-03-17', '2026-04-17'], 15)],
      { now },
    );
    expect(late[0]).toMatchObject({ cadence: 'monthly', occurrences: 5 });
    // Two charges on 1 Feb count once for cadence: days 02-01, 03-01, 04-01.
    const sameDay = detectRecurring([series('Patreon', ['2026-02-01', '2026-02-01', '2026-03-01', '2026-04-01'], 5)], {
      now,
    });
    expect(sameDay[0]).toMatchObject({ cadence: 'monthly', occurrences: 4 });
    // Two bad gaps of four: not monthly.
    expect(
      detectRecurring([series('Odd', ['2025-12-01', '2026-01-01', '2026-02-20', '2026-04-10', '2026-05-10'], 15)], {
        now,
      }),
    ).toEqual([]);
  });

  it('judges days in the configured zone', () => {
    // 23:30Z on the last day of the month is the 1st in London summer time: gaps become exactly one month.
    const g: OccurrenceGroup = {
      name: 'Gym',
      occurrences: ['2026-04-30T23:30:00Z', '2026-05-31T23:30:00Z', '2026-06-30T23:30:00Z'].map((x) => ({
        date: d(x),
        amount: 30,
      })),
    };
    const [r] = detectRecurring([g], { now: d('2026-07-05T00:00:00Z'), timeZone: 'Europe/London' });
    expect(r).toMatchObject({ firstDate: '2026-05-01', lastDate: '2026-07-01', nextExpectedDate: '2026-08-01' });
  });

  it('knows subscription names as whole words', () => {
    expect(isKnownSubscriptionName('SPOTIFY P1234ABC')).toBe(true);
    expect(isKnownSubscriptionName('Skyline Cafe')).toBe(false);
  });
});
