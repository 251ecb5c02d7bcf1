import { Job, UnrecoverableError } from 'bullmq';
import { FinanceUserNotFoundError } from '@app/database';
import { LlmError } from '@app/llm';
import { AppLogger } from '@app/logging';

/** Shown when the account was deleted after its work was accepted. */
export const ACCOUNT_GONE = 'The account no longer exists';

/**
 * What one failed attempt means for its job:
 * - `retry`: a retry can help and attempts remain; BullMQ tries again after the backoff.
 * - `final`: it was the last attempt; the work ends failed and the job stays in BullMQ's failed set.
 * - `unrecoverable`: no retry can help (the model refused the input, the account is gone); the work ends failed
 *   now instead of burning the remaining attempts.
 */
export type JobFailureKind = 'retry' | 'final' | 'unrecoverable';

export interface JobFailure {
  kind: JobFailureKind;
  /** Safe to show the user: our own LlmError messages are written for that; anything else is generic. */
  reason: string;
  /** The LlmError's kind (e.g. 'invalid_output'), or 'error': lets the next attempt know why this one failed. */
  errorKind: string;
}

type Attempts = Pick<Job, 'attemptsMade' | 'opts'>;

/**
 * The one failure policy of every processor. Model failures say for themselves whether a retry can help;
 * anything else (a database or Redis blip while storing) is worth another attempt while attempts remain.
 */
export function classifyJobFailure(err: unknown, job: Attempts): JobFailure {
  if (err instanceof FinanceUserNotFoundError)
    return { kind: 'unrecoverable', reason: ACCOUNT_GONE, errorKind: 'error' };
  if (err instanceof UnrecoverableError) return { kind: 'unrecoverable', reason: err.message, errorKind: 'error' };
  const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  const kind: JobFailureKind = lastAttempt ? 'final' : 'retry';
  if (err instanceof LlmError)
    return { kind: err.retryable ? kind : 'unrecoverable', reason: err.message, errorKind: err.kind };
  return { kind, reason: 'Processing failed unexpectedly', errorKind: 'error' };
}

export interface JobFailureHooks<T> {
  /** Before BullMQ retries: e.g. show the user why the work is waiting. */
  onRetry?(failure: JobFailure): Promise<void>;
  /** The work ended failed: store the failure and tell the user (it may be called again by a redelivered job). */
  onFinalFailure?(failure: JobFailure): Promise<void>;
  /**
   * Instead of `onFinalFailure`: a fallback that does the work another way when the model could not (a title from
   * the first words). Its result completes the job, since the work was done.
   */
  fallback?(failure: JobFailure): Promise<T>;
}

/**
 * Runs one attempt of a job's work under the failure policy, so no processor decides it differently: a failure
 * worth retrying is rethrown as it is (BullMQ retries it with the model's Retry-After in mind); a final one is
 * recorded through the hooks first; one no retry can help is rethrown as BullMQ's UnrecoverableError so the
 * remaining attempts are not spent. A hook that itself fails (the database is down) fails the attempt with its
 * own error, so the failure is recorded by a later attempt or the recovery sweep rather than lost.
 */
export async function runJob<T>(job: Attempts, work: () => Promise<T>, hooks: JobFailureHooks<T> = {}): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const failure = classifyJobFailure(err, job);
    if (failure.kind === 'retry') {
      await hooks.onRetry?.(failure);
      throw err;
    }
    if (hooks.fallback) return hooks.fallback(failure);
    await hooks.onFinalFailure?.(failure);
    if (failure.kind === 'unrecoverable' && !(err instanceof UnrecoverableError))
      throw new UnrecoverableError(failure.reason);
    throw err;
  }
}

/** The one log line of a failed attempt: the error's message only (ours never carry user text or prompts). */
export function logFailedAttempt(logger: AppLogger, queue: string, job: Job | undefined, err: Error): void {
  logger.event('warn', 'job.failed', {
    queue,
    name: job?.name,
    jobId: job?.id,
    attemptsMade: job?.attemptsMade,
    error: err.message,
  });
}
