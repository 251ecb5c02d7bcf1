import { Job, UnrecoverableError } from 'bullmq';
import { LlmError } from '@app/llm';

/** True when this attempt is the job's last, so the caller should record a final failure. */
export function isFinalAttempt(job: Job): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/** A reason safe to show the user: our own LlmError messages are written for that; anything else is generic. */
export function userFacingReason(err: unknown): string {
  if (err instanceof LlmError) return err.message;
  return 'Processing failed unexpectedly';
}

/**
 * Whether this failure ends the work now. Model failures say for themselves whether a retry can help;
 * anything else (a database or Redis blip while storing) is worth another attempt while attempts remain.
 */
export function shouldFailNow(err: unknown, job: Job): boolean {
  const retryable = err instanceof LlmError ? err.retryable : true;
  return !retryable || isFinalAttempt(job);
}

/** Non-retryable failures stop BullMQ's retries at once instead of burning attempts. */
export function rethrowForQueue(err: unknown): never {
  if (err instanceof LlmError && !err.retryable) throw new UnrecoverableError(err.message);
  throw err;
}
