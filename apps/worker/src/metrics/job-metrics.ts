import { Injectable } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { Counter, Histogram, Registry } from 'prom-client';

type Outcome = 'completed' | 'failed' | 'retried';

/** What this worker did with each job attempt, per queue: completed, failed for good, or failed and retried. */
@Injectable()
export class JobMetrics {
  private readonly outcomes: Counter<'queue' | 'outcome'>;
  private readonly duration: Histogram<'queue' | 'outcome'>;

  constructor(registry: Registry) {
    this.outcomes = new Counter({
      name: 'queue_job_outcomes_total',
      help: 'Job attempts finished by this worker, by queue and outcome (completed, failed: no attempt left, retried)',
      labelNames: ['queue', 'outcome'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'queue_job_duration_seconds',
      help: 'Duration of one job attempt by queue and outcome',
      labelNames: ['queue', 'outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers: [registry],
    });
  }

  watch(worker: Worker): void {
    worker.on('completed', (job) => this.record(worker.name, job, 'completed'));
    // BullMQ emits `failed` for every failed attempt; only a final failure sets finishedOn.
    worker.on('failed', (job) => this.record(worker.name, job, job?.finishedOn ? 'failed' : 'retried'));
  }

  private record(queue: string, job: Job | undefined, outcome: Outcome): void {
    this.outcomes.inc({ queue, outcome });
    if (job?.processedOn) {
      this.duration.observe({ queue, outcome }, Math.max(0, (job.finishedOn ?? Date.now()) - job.processedOn) / 1000);
    }
  }
}
