import { BullExplorer } from '@nestjs/bullmq/dist/bull.explorer';
import { Processor, Worker, WorkerOptions } from 'bullmq';
import { AppConfig } from '@app/config';
import { retryAfterAwareBackoff } from './backoff';
import { forJobState } from './job-failure';

/**
 * Worker options that come from configuration, which @Processor's static decorator options cannot read:
 * concurrency, the limiter that keeps job starts under the model's rate limit (shared by all workers of a
 * queue through Redis), lock and stalled-check timings (how soon a dead worker's job runs again), and the
 * retry-after-aware backoff. Installed as @nestjs/bullmq's worker class before the app is created. Whatever a
 * processor throws reaches BullMQ (failedReason, the board) and the failed-attempt log through `forJobState`: our own
 * words or an error code, never a message that may quote user text.
 */
export function installConfiguredWorker(config: AppConfig): void {
  const q = config.queue;
  class ConfiguredWorker extends Worker {
    constructor(name: string, processor?: string | URL | null | Processor, opts?: WorkerOptions) {
      const guarded: typeof processor =
        typeof processor === 'function'
          ? async (job, token, signal) => {
              try {
                return await processor(job, token, signal);
              } catch (err) {
                throw forJobState(err);
              }
            }
          : processor;
      super(name, guarded, {
        ...(opts as WorkerOptions),
        concurrency: q.concurrency,
        lockDuration: q.lockMs,
        stalledInterval: q.stalledCheckMs,
        ...(q.modelLimiter ? { limiter: q.modelLimiter } : {}),
        settings: { ...opts?.settings, backoffStrategy: retryAfterAwareBackoff },
      });
    }
  }
  BullExplorer.workerClass = ConfiguredWorker;
}
