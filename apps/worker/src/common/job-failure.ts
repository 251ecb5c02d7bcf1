import { DelayedError, Job, RateLimitError, UnrecoverableError, WaitingChildrenError, WaitingError } from 'bullmq';
import { FinanceUserNotFoundError, isObjectIdHex } from '@app/database';
import { LlmError, SpendingCapError } from '@app/llm';
import { AppLogger } from '@app/logging';

/** Shown when the account was deleted after its work was accepted. */
export const ACCOUNT_GONE = 'The account no longer exists';

/**
 * What one failed attempt means for its job:
 * - `retry`: a retry can help and attempts remain; BullMQ tries again after the backoff.
 * - `final`: it was the last attempt; the work ends failed and the job stays in BullMQ's failed set.
 * - `unrecoverable`: no retry can help (the model refused the input, the account is gone, the user's daily
 *   spending cap is reached); the work ends failed now instead of burning the remaining attempts.
 */
export type JobFailureKind = 'retry' | 'final' | 'unrecoverable';

export interface JobFailure {
  kind: JobFailureKind;
  /**
   * Safe to show the user, in the record they read: our own LlmError messages, or the model's own reason for a note
   * it could not read (`userReason`); anything else is generic. Never written to Redis or the logs.
   */
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
  // Retrying before the user's next local midnight could only be refused again; the message says when it renews.
  if (err instanceof SpendingCapError) return { kind: 'unrecoverable', reason: err.message, errorKind: err.code };
  const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  const kind: JobFailureKind = lastAttempt ? 'final' : 'retry';
  if (err instanceof LlmError)
    return {
      kind: err.retryable ? kind : 'unrecoverable',
      reason: userReasonOf(err) ?? err.message,
      errorKind: err.kind,
    };
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
    const stored = forJobState(err);
    if (failure.kind === 'retry') {
      await hooks.onRetry?.(failure);
      throw stored;
    }
    if (hooks.fallback) return hooks.fallback(failure);
    await hooks.onFinalFailure?.(failure);
    // The reason the user reads, unless it is the model's own words: those never reach Redis.
    if (failure.kind === 'unrecoverable' && !(stored instanceof UnrecoverableError))
      throw new UnrecoverableError(userReasonOf(err) ? stored.message : failure.reason);
    throw stored;
  }
}

/**
 * An error whose message is ours but whose reason for the user is not: the model's own words about a note it could
 * not read. The record the user reads gets `userReason`; Redis (the job's failedReason) and the logs get the message.
 */
export interface WithUserReason {
  userReason: string;
}

function userReasonOf(err: unknown): string | undefined {
  const reason = (err as Partial<WithUserReason> | null)?.userReason;
  return typeof reason === 'string' && reason ? reason : undefined;
}

/** Errors that carry only our own words (or ids), and BullMQ's own control errors, which must reach it as they are. */
const OWN_WORDS: Array<abstract new (...args: never[]) => Error> = [
  LlmError,
  SpendingCapError,
  FinanceUserNotFoundError,
  UnrecoverableError,
  DelayedError,
  RateLimitError,
  WaitingChildrenError,
  WaitingError,
];

/**
 * What BullMQ may store of a failure (the job's failedReason, shown on the board) and the logs may say: our own
 * words, or the error's class and code ("MongoServerError 11000"), never its message. A driver or validation message
 * can quote the data it choked on, which may be what a user typed or what the model wrote.
 */
export function forJobState(err: unknown): Error {
  if (OWN_WORDS.some((type) => err instanceof type)) return err as Error;
  const name = err instanceof Error ? err.name : typeof err;
  const code = (err as { code?: unknown } | null)?.code;
  const codeText = typeof code === 'string' || typeof code === 'number' ? ` ${code}` : '';
  return new Error(`unexpected_error: ${name}${codeText}`.replace(/[^\w :.-]/g, ''));
}

/**
 * Job data that disagrees with the stored record it names (another owner, a day that is not near today): someone
 * with Redis or board access rewrote or added it. No retry can make it right, and nothing is read or written for it.
 */
export class JobDataError extends UnrecoverableError {
  constructor(code: 'job_data_mismatch' | 'job_data_invalid' | 'daily_date_out_of_range', detail: string) {
    super(`${code}: ${detail}`);
  }
}

/** The record id a job names, or a JobDataError: a malformed id cannot name any record. */
export function recordIdOf(data: unknown, field: string): string {
  const id = (data as Record<string, unknown> | null)?.[field];
  if (typeof id !== 'string' || !isObjectIdHex(id)) throw new JobDataError('job_data_invalid', `${field} is not an id`);
  return id;
}

/**
 * The owner of a job's work is the stored record's. A `userId` in the job data is never used; when present it must be
 * the record's owner, or the job fails as unrecoverable before anything is read for it.
 */
export function verifyJobOwner(data: unknown, owner: unknown, record: string): string {
  const ownerId = String(owner);
  const claimed = (data as { userId?: unknown } | null)?.userId;
  if (claimed !== undefined && claimed !== ownerId)
    throw new JobDataError('job_data_mismatch', `userId is not the owner of the ${record}`);
  return ownerId;
}

/** The one log line of a failed attempt: our own words or an error code, never user text or prompts. */
export function logFailedAttempt(logger: AppLogger, queue: string, job: Job | undefined, err: Error): void {
  logger.event('warn', 'job.failed', {
    queue,
    name: job?.name,
    jobId: job?.id,
    attemptsMade: job?.attemptsMade,
    error: forJobState(err).message,
  });
}
