import { UnrecoverableError } from 'bullmq';
import { FinanceUserNotFoundError } from '@app/database';
import { LlmError, SpendingCapError } from '@app/llm';
import {
  ACCOUNT_GONE,
  classifyJobFailure,
  forJobState,
  JobDataError,
  JobFailure,
  recordIdOf,
  runJob,
  verifyJobOwner,
  WithUserReason,
} from './job-failure';

/** The attempt counters BullMQ gives a job: `attemptsMade` earlier attempts of `attempts`. */
const attempt = (n: number, of = 3) => ({ attemptsMade: n - 1, opts: { attempts: of } });

const serverError = () => new LlmError('unavailable', 'Model server error (500)');
const refused = () => new LlmError('rejected', 'No amount was found in the text');

/** Runs a failing attempt, recording which hooks ran and what it threw (or returned). */
async function failingAttempt(err: unknown, job = attempt(1), withFallback = false) {
  const calls: Array<[string, JobFailure]> = [];
  const hooks = {
    onRetry: async (f: JobFailure) => void calls.push(['retry', f]),
    onFinalFailure: async (f: JobFailure) => void calls.push(['final', f]),
    ...(withFallback ? { fallback: async (f: JobFailure) => (calls.push(['fallback', f]), 'fallback result') } : {}),
  };
  try {
    const result = await runJob(job, () => Promise.reject(err), hooks);
    return { calls, result, thrown: undefined };
  } catch (thrown) {
    return { calls, result: undefined, thrown };
  }
}

describe('classifyJobFailure', () => {
  it('retries what a retry can help while attempts remain, then calls the last attempt final', () => {
    expect(classifyJobFailure(serverError(), attempt(1))).toEqual({
      kind: 'retry',
      reason: 'Model server error (500)',
      errorKind: 'unavailable',
    });
    expect(classifyJobFailure(serverError(), attempt(3)).kind).toBe('final');
    expect(classifyJobFailure(new Error('connection reset'), attempt(2))).toEqual({
      kind: 'retry',
      reason: 'Processing failed unexpectedly',
      errorKind: 'error',
    });
    expect(classifyJobFailure(new Error('x'), { attemptsMade: 0, opts: {} }).kind).toBe('final');
  });

  it('ends at once what no retry can help: a refusal by the model, a vanished account, an UnrecoverableError', () => {
    expect(classifyJobFailure(refused(), attempt(1))).toEqual({
      kind: 'unrecoverable',
      reason: 'No amount was found in the text',
      errorKind: 'rejected',
    });
    expect(classifyJobFailure(new FinanceUserNotFoundError('u1'), attempt(1))).toEqual({
      kind: 'unrecoverable',
      reason: ACCOUNT_GONE,
      errorKind: 'error',
    });
    expect(classifyJobFailure(new UnrecoverableError('Unknown job'), attempt(1))).toMatchObject({
      kind: 'unrecoverable',
      reason: 'Unknown job',
    });
  });

  it("ends at once a call refused by the user's spending cap, with a reason the user may see", async () => {
    const capped = new SpendingCapError('reports', 'usd', new Date(Date.now() + 3_600_000));
    expect(classifyJobFailure(capped, attempt(1))).toEqual({
      kind: 'unrecoverable',
      reason: "Today's report allowance is used up; it renews at midnight",
      errorKind: 'spending_cap_reached',
    });
    const { calls, thrown } = await failingAttempt(capped, attempt(1));
    expect(calls.map(([hook]) => hook)).toEqual(['final']);
    expect(thrown).toBeInstanceOf(UnrecoverableError);
  });

  it('never shows the user the text of an error that is not ours', () => {
    expect(classifyJobFailure(new Error('E11000 duplicate key { email: "a@b.c" }'), attempt(3)).reason).toBe(
      'Processing failed unexpectedly',
    );
  });
});

describe('runJob', () => {
  it('returns the work’s result and calls no hook when it succeeds', async () => {
    const onFinalFailure = jest.fn();
    await expect(runJob(attempt(1), async () => 42, { onFinalFailure })).resolves.toBe(42);
    expect(onFinalFailure).not.toHaveBeenCalled();
  });

  it('on a failure worth retrying, runs onRetry and rethrows the error as it is, for BullMQ to retry', async () => {
    const err = serverError();
    const { calls, thrown } = await failingAttempt(err, attempt(1));
    expect(calls.map(([hook]) => hook)).toEqual(['retry']);
    expect(thrown).toBe(err);
  });

  it('on the last attempt, records the final failure and rethrows the error, which BullMQ stores as the reason', async () => {
    const err = serverError();
    const { calls, thrown } = await failingAttempt(err, attempt(3));
    expect(calls).toEqual([['final', { kind: 'final', reason: 'Model server error (500)', errorKind: 'unavailable' }]]);
    expect(thrown).toBe(err);
  });

  it('on a failure no retry can help, records it and throws UnrecoverableError with the user-facing reason', async () => {
    const refusal = await failingAttempt(refused(), attempt(1));
    expect(refusal.calls.map(([hook]) => hook)).toEqual(['final']);
    expect(refusal.thrown).toBeInstanceOf(UnrecoverableError);
    expect((refusal.thrown as Error).message).toBe('No amount was found in the text');

    const gone = await failingAttempt(new FinanceUserNotFoundError('u1'), attempt(1));
    expect(gone.calls).toEqual([['final', { kind: 'unrecoverable', reason: ACCOUNT_GONE, errorKind: 'error' }]]);
    expect((gone.thrown as Error).message).toBe(ACCOUNT_GONE);

    const own = new UnrecoverableError('Unknown job "x"');
    expect((await failingAttempt(own, attempt(1))).thrown).toBe(own);
  });

  it('completes with the fallback’s result when a fallback does the work, instead of failing', async () => {
    const { calls, result, thrown } = await failingAttempt(refused(), attempt(1), true);
    expect(calls.map(([hook]) => hook)).toEqual(['fallback']);
    expect(result).toBe('fallback result');
    expect(thrown).toBeUndefined();
    // While attempts remain, the model gets another chance first.
    expect((await failingAttempt(serverError(), attempt(1), true)).calls.map(([hook]) => hook)).toEqual(['retry']);
  });

  it('fails the attempt with the hook’s own error when storing the failure fails, so it is not lost', async () => {
    const down = new Error('MongoNetworkError: connection refused');
    const attemptResult = runJob(attempt(3), () => Promise.reject(serverError()), {
      onFinalFailure: () => Promise.reject(down),
    });
    await expect(attemptResult).rejects.toBe(down);
  });
});

describe('what reaches Redis and the logs', () => {
  /** A refusal whose reason for the user is the model's own words, as expense parsing throws it. */
  class ModelWords extends LlmError implements WithUserReason {
    constructor(readonly userReason: string) {
      super('rejected', 'Model found no amount in the text');
    }
  }

  it('gives the user the model’s reason and BullMQ our own words', async () => {
    const err = new ModelWords('The note says "call mum" and nothing about money');
    const { calls, thrown } = await failingAttempt(err, attempt(1));
    expect(calls).toEqual([
      [
        'final',
        {
          kind: 'unrecoverable',
          reason: 'The note says "call mum" and nothing about money',
          errorKind: 'rejected',
        },
      ],
    ]);
    expect(thrown).toBeInstanceOf(UnrecoverableError);
    expect((thrown as Error).message).toBe('Model found no amount in the text');
  });

  it('keeps only the class and code of an error that is not ours: its message may quote user text', async () => {
    const dup = Object.assign(new Error('E11000 duplicate key { title: "my secret plan" }'), {
      name: 'MongoServerError',
      code: 11000,
    });
    expect(forJobState(dup).message).toBe('unexpected_error: MongoServerError 11000');
    expect(forJobState('a thrown string').message).toBe('unexpected_error: string');
    const retried = await failingAttempt(dup, attempt(1));
    expect((retried.thrown as Error).message).toBe('unexpected_error: MongoServerError 11000');
    const last = await failingAttempt(dup, attempt(3));
    expect((last.thrown as Error).message).toBe('unexpected_error: MongoServerError 11000');
    // Ours, and BullMQ's own control errors, pass as they are.
    const own = serverError();
    expect(forJobState(own)).toBe(own);
  });
});

describe('job data', () => {
  const id = '0123456789abcdef01234567';

  it('takes the owner from the record; a userId in the data must be that owner', () => {
    expect(verifyJobOwner({ reportId: id }, id, 'report')).toBe(id);
    expect(verifyJobOwner({ reportId: id, userId: id }, id, 'report')).toBe(id);
    let thrown: unknown;
    try {
      verifyJobOwner({ reportId: id, userId: 'ffffffffffffffffffffffff' }, id, 'report');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(JobDataError);
    expect(thrown).toBeInstanceOf(UnrecoverableError);
    expect((thrown as Error).message).toBe('job_data_mismatch: userId is not the owner of the report');
    expect(classifyJobFailure(thrown, attempt(1)).kind).toBe('unrecoverable');
  });

  it('refuses an id that cannot name a record', () => {
    expect(recordIdOf({ parseId: id }, 'parseId')).toBe(id);
    for (const data of [{}, { parseId: 'x' }, { parseId: { $ne: null } }, null])
      expect(() => recordIdOf(data, 'parseId')).toThrow('job_data_invalid: parseId is not an id');
  });
});
