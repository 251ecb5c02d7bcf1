import { d } from './fixtures.testing';
import type { OccurrenceGroup } from './inputs';
import { currentPrice, detectRecurring, isKnownSubscriptionName, isSubscriptionBudget } from './recurring';
import { dataWindows } from './windows';

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
      priceChange: null,
      estimatedMonthlyCostMinor: 1099,
      estimatedYearlyCostMinor: 13188, // 1099 * 12
      nextExpectedDate: '2026-05-03',
      nextRecorded: false,
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

  it('does not call a small stable amount a subscription when neither its name nor its category says so', () => {
    // Before issue 12 a stable amount under £30 a month was enough ("stable-small-amount").
    expect(by['cloud backup co']).toMatchObject({ cadence: 'monthly', likelySubscription: false });
    expect(by['rent']).toMatchObject({ cadence: 'monthly', likelySubscription: false, subscriptionReason: null });
  });

  it('tolerates one late payment and collapses same-day charges', () => {
    // gaps 31, 45, 30, 31: 3 of 4 in band (75%), median 31. The row of 17 April is after now (15 April): the
    // recorded next charge, a day for the cadence but not a charge made.
    const late = detectRecurring(
      [series('Phone plan', ['2025-12-01', '2026-01-01', '2026-02-15', '2026-03-17', '2026-04-17'], 15)],
      { now },
    );
    expect(late[0]).toMatchObject({
      cadence: 'monthly',
      occurrences: 4,
      lastDate: '2026-03-17',
      nextExpectedDate: '2026-04-17',
      nextRecorded: true,
    });
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

/** Monthly dates on the 3rd from `from` ('YYYY-MM'), n of them. */
const monthlyOn3rd = (from: string, n: number): string[] => {
  const [y, m] = from.split('-').map(Number);
  return Array.from({ length: n }, (_, i) => {
    const k = y * 12 + (m - 1) + i;
    return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}-03`;
  });
};

describe('issue 12, item 4: yearly charges over a 24-month look-back', () => {
  // The main backend renewed the domain on 14 Feb 2025 and 14 Feb 2026; on that day it also recorded the copy
  // dated 14 Feb 2027. Today is 15 April 2026.
  const domain = series('Domain renewal', ['2025-02-14', '2026-02-14', '2027-02-14'], 59.99);

  it('asks the repository for 24 months back and 12 ahead, so both renewals and the next copy are fetched', () => {
    const w = dataWindows(now, 'Europe/London');
    // 2026-04 minus 24 months = 2024-04: 1 April 2024 00:00 BST. Before issue 12 it was 13 months (1 March 2025),
    // which left out the renewal of 14 Feb 2025.
    expect(w.recurring.start.toISOString()).toBe('2024-03-31T23:00:00.000Z');
    expect(w.recurring.start.getTime()).toBeLessThan(d('2025-02-14T12:00:00Z').getTime());
    // 2026-04 plus 12 months = 2027-04, ending 1 May 2027 00:00 BST; the copy of 14 Feb 2027 is inside.
    expect(w.recurring.end.toISOString()).toBe('2027-04-30T23:00:00.000Z');
    expect(w.recurring.end.getTime()).toBeGreaterThan(d('2027-02-14T12:00:00Z').getTime());
  });

  it('finds the yearly charge in April 2026; the copy dated 2027 is its next date, not a charge made', () => {
    const [r] = detectRecurring([domain], { now, timeZone: 'Europe/London' });
    // Days 2025-02-14, 2026-02-14 (charges) and 2027-02-14 (recorded ahead): gaps 365, 365 -> yearly.
    // 5999 a year; 5999 / 12 = 499.92 -> 500 a month.
    expect(r).toMatchObject({
      cadence: 'yearly',
      occurrences: 2,
      firstDate: '2025-02-14',
      lastDate: '2026-02-14',
      nextExpectedDate: '2027-02-14',
      nextRecorded: true,
      active: true,
      estimatedYearlyCostMinor: 5999,
      estimatedMonthlyCostMinor: 500,
    });
  });

  it('finds it from the two renewals alone when the copy ahead is missing, and says the date is estimated', () => {
    const [r] = detectRecurring([series('Domain renewal', ['2025-02-14', '2026-02-14'], 59.99)], { now });
    expect(r).toMatchObject({ cadence: 'yearly', occurrences: 2, nextExpectedDate: '2027-02-14', nextRecorded: false });
  });

  it('counts a charge in the future as no charge at all: one renewal plus a copy ahead is one charge', () => {
    // 2026-02-14 charged, 2027-02-14 recorded: two days for the cadence (365 days, yearly needs 2), one charge.
    const [r] = detectRecurring([series('Domain renewal', ['2026-02-14', '2027-02-14'], 59.99)], { now });
    expect(r).toMatchObject({ cadence: 'yearly', occurrences: 1, lastDate: '2026-02-14', nextRecorded: true });
    // Rows that are all in the future are no recurring payment yet.
    expect(detectRecurring([series('Planned', ['2026-05-01', '2026-06-01', '2026-07-01'], 5)], { now })).toEqual([]);
  });

  it('does not let a stray future row hide a paid history', () => {
    // Monthly on the 3rd Jan..Apr, plus a one-off dated 20 Sept: with it the gaps would be 31, 28, 31, 170.
    const [r] = detectRecurring(
      [series('Netflix', ['2026-01-03', '2026-02-03', '2026-03-03', '2026-04-03', '2026-09-20'], 10.99)],
      { now },
    );
    expect(r).toMatchObject({
      cadence: 'monthly',
      occurrences: 4,
      nextExpectedDate: '2026-05-03',
      nextRecorded: false,
    });
  });
});

describe('issue 12, item 5: after a price rise the costs use the current price', () => {
  // Monthly on the 3rd from April 2025 to March 2026: 8 charges of 9.99 (Apr..Nov 2025), then 4 of 14.99
  // (Dec 2025..Mar 2026); the copy for 3 April 2026 is already charged (now is 15 April), so 13 charges in all when
  // it is included. Here: the 12 charges of the issue.
  const dates = monthlyOn3rd('2025-04', 12);
  const amounts = [...Array(8).fill(9.99), ...Array(4).fill(14.99)];

  it('costs 14.99 a month and 179.88 a year (8 x 9.99 then 4 x 14.99)', () => {
    const [r] = detectRecurring([series('Streamflix', dates, amounts)], { now });
    // Before issue 12: the median of the twelve, 9.99, so 9.99 a month and 119.88 a year.
    // Now: price runs [9.99 x 8] [14.99 x 4]; the earlier run held (8 >= 2), so the price is the latest, 14.99:
    // 1499 a month, 1499 x 12 = 17988 a year.
    expect(r).toMatchObject({
      cadence: 'monthly',
      occurrences: 12,
      amountStable: false,
      typicalAmountMinor: 999,
      latestAmountMinor: 1499,
      estimatedMonthlyCostMinor: 1499,
      estimatedYearlyCostMinor: 17988,
      priceChange: { fromMinor: 999, toMinor: 1499, since: '2025-12-03' },
    });
  });

  it('uses the new price from its first charge, and never the price of a copy recorded ahead', () => {
    // 8 x 9.99 then one 14.99 (March 2026): the old price held for 8 charges, so 14.99 is the price now.
    const risen = detectRecurring(
      [series('Streamflix', [...monthlyOn3rd('2025-07', 9), '2026-05-03'], [...Array(8).fill(9.99), 14.99, 99])],
      { now },
    );
    // The row of 3 May is ahead of now: its 99 is not a price (1499 x 12 = 17988).
    expect(risen[0]).toMatchObject({
      occurrences: 9,
      estimatedMonthlyCostMinor: 1499,
      estimatedYearlyCostMinor: 17988,
    });
    expect(risen[0].priceChange).toEqual({ fromMinor: 999, toMinor: 1499, since: '2026-03-03' });
  });

  it('keeps the median for an amount that varies with no price holding (a metered bill)', () => {
    // 60.10, 75.40, 90.00: every run is one charge long, so no price held; median 75.40.
    const [r] = detectRecurring([series('British Gas', ['2026-01-20', '2026-02-19', '2026-03-20'], [60.1, 75.4, 90])], {
      now,
    });
    expect(r).toMatchObject({ estimatedMonthlyCostMinor: 7540, priceChange: null, amountStable: false });
  });

  it('prices a yearly charge at its latest renewal', () => {
    // 79 then 95: a renewal at this year's price. 9500 / 12 = 791.67 -> 792 a month.
    const [r] = detectRecurring([series('Amazon Prime', ['2025-03-10', '2026-03-09'], [79, 95])], { now });
    expect(r).toMatchObject({
      cadence: 'yearly',
      estimatedYearlyCostMinor: 9500,
      estimatedMonthlyCostMinor: 792,
      priceChange: { fromMinor: 7900, toMinor: 9500, since: '2026-03-09' },
    });
  });

  it('states the rule on its own', () => {
    const days = ['a', 'b', 'c', 'd', 'e'];
    // Within 10 % of the median: stable, latest.
    expect(currentPrice([1000, 1050, 1000, 1020, 1010], days, 'monthly', 10)).toMatchObject({
      priceMinor: 1010,
      stable: true,
      change: null,
    });
    // Two rises that each held: the latest price, changed from the previous one.
    expect(currentPrice([999, 999, 1299, 1299, 1499], days, 'monthly', 10)).toMatchObject({
      priceMinor: 1499,
      change: { fromMinor: 1299, toMinor: 1499, since: 'e' },
    });
  });
});

describe('issue 12, item 11: what a subscription is, and every cadence', () => {
  it('does not call a 4.50 coffee around the same day each month a subscription', () => {
    // Days 9 Jan, 10 Feb, 9 Mar, 11 Apr: gaps 32, 27, 33 -> monthly; 450 a month, a recurring payment only.
    // Before issue 12: likelySubscription true ("stable-small-amount").
    const coffee = series('Coffee', ['2026-01-09', '2026-02-10', '2026-03-09', '2026-04-11'], 4.5);
    const [r] = detectRecurring([coffee], { now });
    expect(r).toMatchObject({
      cadence: 'monthly',
      estimatedMonthlyCostMinor: 450,
      active: true,
      likelySubscription: false,
      subscriptionReason: null,
    });
  });

  it('calls it one when its name or its budget category says so', () => {
    const dates = ['2026-01-09', '2026-02-10', '2026-03-09', '2026-04-11'];
    const [byName] = detectRecurring([series('Coffee subscription', dates, 4.5)], { now });
    expect(byName).toMatchObject({ likelySubscription: true, subscriptionReason: 'known-name' });

    // The first row was saved with a category ("Subscriptions"); the main backend's copies have no budget.
    const budgets = [
      { id: 'b-subs', name: 'Coffee club', category: 'Subscriptions' },
      { id: 'b-food', name: 'Food', category: 'Essential(Needs)' },
    ];
    const withBudget = { ...series('Coffee', dates, 4.5), budgetIds: ['b-subs'] };
    const [byCategory] = detectRecurring([withBudget], { now, budgets });
    expect(byCategory).toMatchObject({ likelySubscription: true, subscriptionReason: 'category' });
    const [food] = detectRecurring([{ ...withBudget, budgetIds: ['b-food'] }], { now, budgets });
    expect(food.likelySubscription).toBe(false);
  });

  it('reads a category or budget name as a subscription only when it says so', () => {
    expect(isSubscriptionBudget({ name: 'Fun', category: 'Subscriptions' })).toBe(true);
    expect(isSubscriptionBudget({ name: 'Streaming', category: 'Discretionary(Wants)' })).toBe(true);
    expect(isSubscriptionBudget({ name: 'Gym Membership', category: null })).toBe(true);
    expect(isSubscriptionBudget({ name: 'Office', category: 'Discretionary(Wants)' })).toBe(false);
    expect(isSubscriptionBudget({ name: 'Coffee', category: 'Essential(Needs)' })).toBe(false);
  });

  it('detects weekly, fortnightly, monthly, quarterly and yearly cadences with their costs', () => {
    const found = detectRecurring(
      [
        // every 7 days
        series('Window cleaner', ['2026-03-18', '2026-03-25', '2026-04-01', '2026-04-08'], 12),
        // every 14 days
        series('House cleaner', ['2026-02-13', '2026-02-27', '2026-03-13', '2026-03-27', '2026-04-10'], 40),
        // 1 Jul, 1 Oct, 1 Jan, 1 Apr: gaps 92, 92, 90
        series('Water', ['2025-07-01', '2025-10-01', '2026-01-01', '2026-04-01'], 90),
        // 14 Feb 2025, 14 Feb 2026: gap 365
        series('Domain', ['2025-02-14', '2026-02-14'], 24),
      ],
      { now },
    );
    const by = Object.fromEntries(found.map((r) => [r.nameKey, r]));
    // Before issue 12 only weekly and yearly were detected; the house cleaner and the water bill were not.
    // Weekly: 1200 x 52 = 62400 a year, 62400 / 12 = 5200 a month; next 8 Apr + 7 days.
    expect(by['window cleaner']).toMatchObject({
      cadence: 'weekly',
      estimatedYearlyCostMinor: 62400,
      estimatedMonthlyCostMinor: 5200,
      nextExpectedDate: '2026-04-15',
    });
    // Fortnightly: 4000 x 26 = 104000 a year, 104000 / 12 = 8666.67 -> 8667 a month; next 10 Apr + 14 days.
    expect(by['house cleaner']).toMatchObject({
      cadence: 'fortnightly',
      estimatedYearlyCostMinor: 104000,
      estimatedMonthlyCostMinor: 8667,
      nextExpectedDate: '2026-04-24',
    });
    // Quarterly: 9000 x 4 = 36000 a year, 36000 / 12 = 3000 a month; next 1 Apr + 3 months.
    expect(by['water']).toMatchObject({
      cadence: 'quarterly',
      estimatedYearlyCostMinor: 36000,
      estimatedMonthlyCostMinor: 3000,
      nextExpectedDate: '2026-07-01',
    });
    // Yearly: 2400 a year, 200 a month; next 14 Feb 2027.
    expect(by['domain']).toMatchObject({
      cadence: 'yearly',
      estimatedYearlyCostMinor: 2400,
      estimatedMonthlyCostMinor: 200,
      nextExpectedDate: '2027-02-14',
    });
  });

  it('leaves gaps between the bands undetected (every 6 weeks is no cadence)', () => {
    // gaps 42, 42, 42: between fortnightly (12-16) and monthly (26-35)... and under quarterly (80-100).
    expect(
      detectRecurring([series('Haircut', ['2025-12-01', '2026-01-12', '2026-02-23', '2026-04-06'], 25)], { now }),
    ).toEqual([]);
  });

  it('needs three days for a quarterly charge', () => {
    // 1 Jan and 1 Apr: one gap of 90 days is not enough.
    expect(detectRecurring([series('Water', ['2026-01-01', '2026-04-01'], 90)], { now })).toEqual([]);
  });
});
