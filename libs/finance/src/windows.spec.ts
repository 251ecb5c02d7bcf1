import { d } from './fixtures.testing';
import { dataWindows } from './windows';

describe('dataWindows', () => {
  it('tells the repository which ranges to aggregate, in the zone', () => {
    const w = dataWindows(d('2026-04-15T10:00:00Z'), 'Europe/London');
    // 6 months back (3 complete months + the 3 before them) through the current month.
    expect(w.months.from).toBe('2025-10');
    expect(w.months.to).toBe('2026-04');
    expect(w.months.start.toISOString()).toBe('2025-09-30T23:00:00.000Z'); // 1 Oct 2025 00:00 BST
    expect(w.months.end.toISOString()).toBe('2026-04-30T23:00:00.000Z'); // 1 May 2026 00:00 BST
    expect(w.recurring.start.toISOString()).toBe('2024-03-31T23:00:00.000Z'); // 24 months back: 1 Apr 2024, BST
    expect(w.recurring.end.toISOString()).toBe('2027-04-30T23:00:00.000Z'); // 12 months ahead: copies a year early
    expect(w.duplicates.start.toISOString()).toBe('2026-03-01T00:00:00.000Z');
  });

  it('reaches further back for a longer overspending threshold', () => {
    expect(dataWindows(d('2026-04-15T10:00:00Z'), 'UTC', { consecutiveOverspendMonths: 5 }).months.from).toBe(
      '2025-06',
    );
  });
});
