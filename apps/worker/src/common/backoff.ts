import { MinimalJob } from 'bullmq';
import { LlmError } from '@app/llm';

const MAX_DELAY_MS = 10 * 60_000;

/**
 * Exponential backoff (delay from the job's own backoff options, doubled per attempt) that never
 * retries sooner than the model server's Retry-After asks.
 */
export function retryAfterAwareBackoff(attemptsMade: number, _type?: string, err?: Error, job?: MinimalJob): number {
  const backoff = job?.opts.backoff;
  const base = typeof backoff === 'object' && backoff.delay !== undefined ? backoff.delay : 1000;
  const exponential = base * 2 ** Math.max(0, attemptsMade - 1);
  const retryAfter = err instanceof LlmError && err.retryAfterMs ? err.retryAfterMs : 0;
  return Math.min(Math.max(exponential, retryAfter), MAX_DELAY_MS);
}
