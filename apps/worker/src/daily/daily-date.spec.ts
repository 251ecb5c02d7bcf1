import { fanOutDateKey } from './daily-date';

const job = (data: object, opts: object = {}, timestamp = Date.parse('2026-01-01T00:00:00Z')) =>
  ({ data, opts, timestamp }) as any;

describe('fanOutDateKey', () => {
  it('uses a day given by hand', () => {
    expect(fanOutDateKey(job({ dateKey: '2026-05-20' }), 'UTC')).toBe('2026-05-20');
    expect(() => fanOutDateKey(job({ dateKey: '20/05/2026' }), 'UTC')).toThrow('YYYY-MM-DD');
  });

  it('takes the local day the scheduler meant, not the day the job happened to start', () => {
    // Due 00:30 on 1 July in London (BST): still 30 June in UTC.
    const due = Date.parse('2026-06-30T23:30:00Z');
    expect(fanOutDateKey(job({}, { prevMillis: due }), 'Europe/London')).toBe('2026-07-01');
    expect(fanOutDateKey(job({}, { prevMillis: due }), 'UTC')).toBe('2026-06-30');
  });

  it('falls back to the creation time for a job without schedule data', () => {
    expect(fanOutDateKey(job({}), 'UTC')).toBe('2026-01-01');
  });
});
