import { DefaultJobOptions } from 'bullmq';
import { AppConfig } from '@app/config';

const DAY_S = 24 * 3600;

/** Custom backoff implemented by the worker: exponential, but never sooner than the model's Retry-After. */
export const RETRY_AFTER_AWARE = 'retry-after-aware';

/** Retries with exponential backoff; completed jobs trimmed, failed ones kept a week for operators. */
export function defaultJobOptions(config: AppConfig): DefaultJobOptions {
  return {
    attempts: config.queue.attempts,
    backoff: { type: RETRY_AFTER_AWARE, delay: config.queue.backoffMs },
    removeOnComplete: { age: DAY_S, count: 1000 },
    removeOnFail: { age: 7 * DAY_S },
  };
}
