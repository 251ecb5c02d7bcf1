import { Job } from 'bullmq';
import { localDateKey } from '@app/finance';
import { DailyFanOutJobData } from '@app/queue';
import { JobDataError } from '../common/job-failure';

const DATE_KEY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/**
 * Daily work is for today in TIME_ZONE, give or take this many days (a run that starts late or just after midnight,
 * a retry). A job for any other day was added by hand, by someone with Redis or board access: it would spend a
 * model call per user for a day nobody reads.
 */
export const DAILY_DATE_TOLERANCE_DAYS = 1;

/** `dateKey` when it is a real day within DAILY_DATE_TOLERANCE_DAYS of today in `timeZone`; else a JobDataError. */
export function nearTodayDateKey(dateKey: unknown, timeZone: string, now = new Date()): string {
  const day = typeof dateKey === 'string' && DATE_KEY.test(dateKey) ? Date.parse(`${dateKey}T00:00:00Z`) : NaN;
  if (!Number.isFinite(day) || new Date(day).toISOString().slice(0, 10) !== dateKey)
    throw new JobDataError('job_data_invalid', 'dateKey must be a YYYY-MM-DD day');
  const today = Date.parse(`${localDateKey(now, timeZone)}T00:00:00Z`);
  if (Math.abs(day - today) > DAILY_DATE_TOLERANCE_DAYS * DAY_MS)
    throw new JobDataError(
      'daily_date_out_of_range',
      `dateKey must be within ${DAILY_DATE_TOLERANCE_DAYS} day of today in ${timeZone}`,
    );
  return dateKey as string;
}

/**
 * The local day a fan-out is for: the one named in its data (a hand-triggered run), else the day of the time the
 * scheduler meant it to run (`prevMillis`), so a run that starts late or is retried after midnight keeps its day.
 * Either must be near today (nearTodayDateKey).
 */
export function fanOutDateKey(
  job: Pick<Job<DailyFanOutJobData>, 'data' | 'opts' | 'timestamp'>,
  timeZone: string,
  now = new Date(),
): string {
  const given = job.data?.dateKey;
  const dateKey = given ?? localDateKey(new Date(job.opts.prevMillis ?? job.timestamp), timeZone);
  return nearTodayDateKey(dateKey, timeZone, now);
}
