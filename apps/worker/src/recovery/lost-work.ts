import { JobsOptions } from 'bullmq';

/** Shown to the user when accepted work cannot be finished; they can simply ask again. */
export const INTERRUPTED_REASON = 'Processing was interrupted; please try again';

/** A chat reply whose api instance died mid-reply, as the api itself words it when a resend finds one first. */
export const INTERRUPTED_REPLY = 'Reply was interrupted';

/** One piece of work a user was told is accepted (202), as the api queued it. */
export interface AcceptedWork<Data = unknown> {
  jobId: string;
  name: string;
  data: Data;
  /** Ends the work with a reason the user sees, unless it is already final. */
  fail(reason: string): Promise<void>;
}

/** The slice of a BullMQ queue the recovery needs (a fake in unit tests). */
export interface RecoveryQueue<Data = unknown> {
  getJob(jobId: string): Promise<{ getState(): Promise<string> } | undefined>;
  add(name: string, data: Data, opts: JobsOptions): Promise<unknown>;
}

/** queued: its job is still waiting, running or delayed; requeued: the job was lost; failed: it can never finish. */
export type Recovery = 'queued' | 'requeued' | 'failed';

/**
 * Work whose record is unfinished long after it was accepted. A missing job was lost with Redis' data (a
 * restart without persistence): it is added again under its deterministic id, which the processors treat
 * idempotently. A job that ended while the record stayed unfinished could not store its own outcome (the
 * database was unreachable through all its attempts, or it stalled too often): it will never run again, so
 * the work is failed with a reason instead of staying "processing" forever. Anything else is BullMQ's to run.
 */
export async function recoverAcceptedWork<Data>(
  queue: RecoveryQueue<Data>,
  work: AcceptedWork<Data>,
): Promise<Recovery> {
  const job = await queue.getJob(work.jobId);
  if (!job) {
    await queue.add(work.name, work.data, { jobId: work.jobId });
    return 'requeued';
  }
  const state = await job.getState();
  if (state !== 'completed' && state !== 'failed') return 'queued';
  await work.fail(INTERRUPTED_REASON);
  return 'failed';
}
