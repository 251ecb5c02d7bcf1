import { Job } from 'bullmq';
import { localDateKey } from '@app/finance';
import { DailyFanOutJobData } from '@app/queue';

const DATE_KEY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The local day a fan-out is for: the one named in its data (a hand-triggered run), else the day of the time the
 * scheduler meant it to run (`prevMillis`), so a run that starts late or is retried after midnight keeps its day.
 */
export function fanOutDateKey(
  job: Pick<Job<DailyFanOutJobData>, 'data' | 'opts' | 'timestamp'>,
  timeZone: string,
): string {
  const given = job.data?.dateKey;
  if (given !== undefined) {
    if (!DATE_KEY.test(given)) throw new Error(`dateKey must be YYYY-MM-DD, got "${given}"`);
    return given;
  }
  return localDateKey(new Date(job.opts.prevMillis ?? job.timestamp), timeZone);
}
