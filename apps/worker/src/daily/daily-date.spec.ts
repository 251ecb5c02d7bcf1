import { UnrecoverableError } from 'bullmq';
import { fanOutDateKey, nearTodayDateKey } from './daily-date';

const job = (data: object, opts: object = {}, timestamp = Date.parse('2026-01-01T00:00:00Z')) =>
  ({ data, opts, timestamp }) as any;

describe('fanOutDateKey', () => {
  const now = new Date('2026-05-20T12:00:00Z');

  it('uses a day given by hand, when it is today or the day either side', () => {
    for (const day of ['2026-05-19', '2026-05-20', '2026-05-21'])
      expect(fanOutDateKey(job({ dateKey: day }), 'UTC', now)).toBe(day);
    expect(() => fanOutDateKey(job({ dateKey: '20/05/2026' }), 'UTC', now)).toThrow(
      'job_data_invalid: dateKey must be a YYYY-MM-DD day',
    );
    expect(() => fanOutDateKey(job({ dateKey: '2026-02-30' }), 'UTC', now)).toThrow('job_data_invalid');
  });

  it('refuses any other day as unrecoverable: no per-user job, no model call', () => {
    for (const day of ['2026-05-18', '2026-05-22', '2020-01-01', '2099-12-31']) {
      let thrown: unknown;
      try {
        fanOutDateKey(job({ dateKey: day }), 'UTC', now);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(UnrecoverableError);
      expect((thrown as Error).message).toBe('daily_date_out_of_range: dateKey must be within 1 day of today in UTC');
    }
  });

  it('judges "today" in the configured zone', () => {
    // 23:30 UTC on 20 May is already 21 May in Tokyo: the 22nd is the day after there, and the 19th two days before.
    const late = new Date('2026-05-20T23:30:00Z');
    expect(nearTodayDateKey('2026-05-22', 'Asia/Tokyo', late)).toBe('2026-05-22');
    expect(() => nearTodayDateKey('2026-05-19', 'Asia/Tokyo', late)).toThrow('daily_date_out_of_range');
    expect(() => nearTodayDateKey('2026-05-22', 'UTC', late)).toThrow('daily_date_out_of_range');
  });

  it('takes the local day the scheduler meant, not the day the job happened to start', () => {
    // Due 00:30 on 1 July in London (BST): still 30 June in UTC.
    const due = Date.parse('2026-06-30T23:30:00Z');
    const at = new Date('2026-07-01T00:05:00Z');
    expect(fanOutDateKey(job({}, { prevMillis: due }), 'Europe/London', at)).toBe('2026-07-01');
    expect(fanOutDateKey(job({}, { prevMillis: due }), 'UTC', at)).toBe('2026-06-30');
  });

  it('falls back to the creation time for a job without schedule data', () => {
    expect(fanOutDateKey(job({}), 'UTC', new Date('2026-01-01T08:00:00Z'))).toBe('2026-01-01');
  });
});
