import {
  addMonths,
  DEFAULT_TIME_ZONE,
  isValidTimeZone,
  addMonthsToDateKey,
  localDateKey,
  monthKey,
  monthRange,
  monthSpan,
  previousPeriod,
  resolvePeriod,
  startOfLocalDay,
  timeZoneOffsetMs,
} from './periods';

const d = (iso: string): Date => new Date(iso);

describe('monthKey in a time zone', () => {
  it('puts 2026-03-31T23:30Z in April in Europe/London (BST, UTC+1, began 2026-03-29)', () => {
    // 23:30 UTC + 1 h = 00:30 on 1 April local.
    expect(monthKey(d('2026-03-31T23:30:00Z'), 'Europe/London')).toBe('2026-04');
    expect(monthKey(d('2026-03-31T23:30:00Z'), 'UTC')).toBe('2026-03');
  });

  it('gives ranges that agree: the London April range holds 2026-03-31T23:30Z, January holds 2026-01-31T23:30Z', () => {
    const april = monthRange('2026-04', 'Europe/London');
    const t = d('2026-03-31T23:30:00Z').getTime();
    expect(april.start.getTime() <= t && t < april.end.getTime()).toBe(true);
    const jan = monthRange('2026-01', 'Europe/London');
    const u = d('2026-01-31T23:30:00Z').getTime();
    expect(jan.start.getTime() <= u && u < jan.end.getTime()).toBe(true);
  });

  it('keeps 2026-01-31T23:30Z in January in Europe/London (GMT, UTC+0)', () => {
    expect(monthKey(d('2026-01-31T23:30:00Z'), 'Europe/London')).toBe('2026-01');
  });

  it('handles zones behind and ahead of UTC', () => {
    // New York in March 2026 is EDT (UTC-4) from 8 March: 03:30Z on 1 April is 23:30 on 31 March.
    expect(monthKey(d('2026-04-01T03:30:00Z'), 'America/New_York')).toBe('2026-03');
    // Dhaka is UTC+6 all year: 18:00Z on 28 Feb is 00:00 on 1 March.
    expect(monthKey(d('2026-02-28T18:00:00Z'), 'Asia/Dhaka')).toBe('2026-03');
    expect(monthKey(d('2026-02-28T17:59:59Z'), 'Asia/Dhaka')).toBe('2026-02');
  });

  it('defaults to Europe/London, matching the default currency (GBP) and locale (en-GB), and rejects unknown zones', () => {
    // 23:30 UTC on 31 March is 00:30 BST on 1 April: April in London (it was March under the old UTC default).
    expect(DEFAULT_TIME_ZONE).toBe('Europe/London');
    expect(monthKey(d('2026-03-31T23:30:00Z'))).toBe('2026-04');
    expect(() => monthKey(d('2026-03-31T23:30:00Z'), 'Mars/Olympus')).toThrow(RangeError);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone('Asia/Dhaka')).toBe(true);
    expect(() => monthKey(new Date('bad'), 'UTC')).toThrow(RangeError);
  });

  it('computes offsets with Intl', () => {
    expect(timeZoneOffsetMs(d('2026-07-01T12:00:00Z'), 'Europe/London')).toBe(3_600_000);
    expect(timeZoneOffsetMs(d('2026-01-01T12:00:00Z'), 'Europe/London')).toBe(0);
    expect(timeZoneOffsetMs(d('2026-01-01T12:00:00Z'), 'America/New_York')).toBe(-5 * 3_600_000);
    expect(timeZoneOffsetMs(d('2026-01-01T12:00:00Z'), 'Asia/Dhaka')).toBe(6 * 3_600_000);
  });
});

describe('monthRange', () => {
  it('gives UTC instants of local midnights across the London DST change', () => {
    // March starts in GMT (00:00Z) and April starts in BST (midnight local = 23:00Z the day before).
    const march = monthRange('2026-03', 'Europe/London');
    expect(march.start.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(march.end.toISOString()).toBe('2026-03-31T23:00:00.000Z');
    // October ends in GMT again (clocks go back 25 Oct 2026).
    const oct = monthRange('2026-10', 'Europe/London');
    expect(oct.start.toISOString()).toBe('2026-09-30T23:00:00.000Z');
    expect(oct.end.toISOString()).toBe('2026-11-01T00:00:00.000Z');
  });

  it('works for New York (EST -> EDT) and Dhaka (no DST)', () => {
    const ny = monthRange('2026-03', 'America/New_York');
    expect(ny.start.toISOString()).toBe('2026-03-01T05:00:00.000Z'); // EST, UTC-5
    expect(ny.end.toISOString()).toBe('2026-04-01T04:00:00.000Z'); // EDT, UTC-4
    const dhaka = monthRange('2026-03', 'Asia/Dhaka');
    expect(dhaka.start.toISOString()).toBe('2026-02-28T18:00:00.000Z');
    expect(dhaka.end.toISOString()).toBe('2026-03-31T18:00:00.000Z');
  });

  it('agrees with monthKey at both edges', () => {
    for (const tz of ['Europe/London', 'America/New_York', 'Asia/Dhaka', 'Australia/Sydney']) {
      for (const mk of ['2026-01', '2026-03', '2026-04', '2026-10', '2026-11', '2026-12']) {
        const { start, end } = monthRange(mk, tz);
        expect(monthKey(start, tz)).toBe(mk);
        expect(monthKey(new Date(start.getTime() - 1), tz)).toBe(addMonths(mk, -1));
        expect(monthKey(new Date(end.getTime() - 1), tz)).toBe(mk);
        expect(monthKey(end, tz)).toBe(addMonths(mk, 1));
      }
    }
  });

  it('finds the first instant of a day whose midnight a DST gap skips', () => {
    // Sao Paulo 2018-11-04: clocks jumped from 00:00 to 01:00 local (UTC-3 -> UTC-2); the day began 03:00Z.
    expect(startOfLocalDay(2018, 11, 4, 'America/Sao_Paulo').toISOString()).toBe('2018-11-04T03:00:00.000Z');
    expect(localDateKey(d('2018-11-04T02:59:59Z'), 'America/Sao_Paulo')).toBe('2018-11-03');
  });

  it('rejects malformed keys', () => {
    expect(() => monthRange('2026-13')).toThrow(RangeError);
    expect(() => monthRange('2026-1')).toThrow(RangeError);
  });
});

describe('month arithmetic', () => {
  it('adds months across years', () => {
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2025-12', 1)).toBe('2026-01');
    expect(addMonths('2026-03', -15)).toBe('2024-12');
    expect(monthSpan('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
  });

  it('clamps day of month when adding months to a date', () => {
    expect(addMonthsToDateKey('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonthsToDateKey('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonthsToDateKey('2026-03-15', 12)).toBe('2027-03-15');
  });
});

describe('periods relative to now', () => {
  const now = d('2026-04-15T10:00:00Z');

  it('resolves this-month and last-month in the zone', () => {
    const p = resolvePeriod({ kind: 'this-month' }, now, 'Europe/London');
    expect(p.months).toEqual(['2026-04']);
    expect(p.start.toISOString()).toBe('2026-03-31T23:00:00.000Z');
    expect(p.partial).toBe(true);
    const l = resolvePeriod({ kind: 'last-month' }, now, 'Europe/London');
    expect(l.months).toEqual(['2026-03']);
    expect(l.partial).toBe(false);
  });

  it('uses now in the zone: 23:30Z on 31 March is already April in London', () => {
    const p = resolvePeriod({ kind: 'this-month' }, d('2026-03-31T23:30:00Z'), 'Europe/London');
    expect(p.months).toEqual(['2026-04']);
  });

  it('last-n-months are whole months before the current one unless asked', () => {
    expect(resolvePeriod({ kind: 'last-n-months', n: 3 }, now).months).toEqual(['2026-01', '2026-02', '2026-03']);
    const incl = resolvePeriod({ kind: 'last-n-months', n: 3, includeCurrentMonth: true }, now);
    expect(incl.months).toEqual(['2026-02', '2026-03', '2026-04']);
    expect(incl.partial).toBe(true);
    expect(incl.label).toBe('2026-02..2026-04');
    expect(() => resolvePeriod({ kind: 'last-n-months', n: 0 }, now)).toThrow(RangeError);
  });

  it('gives the previous period of equal length', () => {
    const p = resolvePeriod({ kind: 'last-n-months', n: 3 }, now);
    expect(previousPeriod(p, now).months).toEqual(['2025-10', '2025-11', '2025-12']);
    expect(previousPeriod(resolvePeriod({ kind: 'this-month' }, now), now).months).toEqual(['2026-03']);
  });
});

describe('local dates without an Intl call per instant', () => {
  // The reference: Intl for every instant, as periods.ts did before it cached offsets per UTC day.
  const formats = new Map<string, Intl.DateTimeFormat>();
  const reference = (date: Date, timeZone: string): string => {
    let f = formats.get(timeZone);
    if (!f)
      formats.set(
        timeZone,
        (f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })),
      );
    return f.format(date);
  };
  // One expect per test (with every disagreement listed) keeps thousands of comparisons fast.
  const disagreements = (instants: Array<[string, Date]>): string[] =>
    instants
      .filter(([zone, t]) => localDateKey(t, zone) !== reference(t, zone))
      .map(([zone, t]) => `${zone} ${t.toISOString()}: ${localDateKey(t, zone)} vs ${reference(t, zone)}`);
  const zones = [
    'UTC',
    'Europe/London',
    'America/New_York',
    'America/Sao_Paulo',
    'Australia/Lord_Howe', // 30-minute DST
    'Asia/Kathmandu',
    'America/St_Johns',
    'Pacific/Chatham',
    'Africa/Casablanca',
    'Pacific/Apia',
    'Asia/Dhaka',
  ];

  it('agrees with Intl for random instants across 1900-2100 in zones with odd offsets and DST rules', () => {
    let seed = 12345;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const from = Date.UTC(1900, 0, 1);
    const to = Date.UTC(2100, 0, 1);
    const instants: Array<[string, Date]> = [];
    for (const zone of zones)
      for (let i = 0; i < 2000; i++) instants.push([zone, new Date(from + Math.floor(rand() * (to - from)))]);
    expect(disagreements(instants)).toEqual([]);
  });

  it('agrees with Intl minute by minute around DST changes and at local midnights on change days', () => {
    const around = [
      ['Europe/London', '2026-03-29T01:00:00Z'],
      ['Europe/London', '2026-10-25T01:00:00Z'],
      ['America/Sao_Paulo', '2018-11-04T03:00:00Z'], // the gap swallows local midnight
      ['Australia/Lord_Howe', '2026-04-04T15:00:00Z'],
      ['Pacific/Apia', '2011-12-30T10:00:00Z'], // skipped a whole calendar day
      ['Africa/Casablanca', '2026-02-15T02:00:00Z'],
    ] as const;
    const instants: Array<[string, Date]> = [];
    for (const [zone, iso] of around) {
      const centre = d(iso).getTime();
      for (let m = -36 * 60; m <= 36 * 60; m += 1) instants.push([zone, new Date(centre + m * 60_000)]);
    }
    expect(disagreements(instants)).toEqual([]);
  });

  it('still computes offsets and month keys far outside the cached years', () => {
    expect(monthKey(d('0050-06-15T12:00:00Z'), 'UTC')).toBe('0050-06');
    expect(timeZoneOffsetMs(d('2026-07-01T12:00:00Z'), 'Europe/London')).toBe(3_600_000);
  });
});
