import { getQueueToken } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { JobType, Queue } from 'bullmq';
import { Gauge, Registry } from 'prom-client';
import { ALL_QUEUES } from '@app/queue';

const STATES: JobType[] = ['waiting', 'prioritized', 'active', 'delayed', 'waiting-children', 'failed'];
/** A scrape must answer even when Redis does not: a queue that cannot be counted in time is left out. */
const COUNT_TIMEOUT_MS = 2000;

function within<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref()),
  ]);
}

/**
 * Jobs per queue and state, read from Redis at scrape time. Depth is cluster-wide state, so it is reported by
 * the api (any instance gives the same numbers); the workers report what they did with jobs.
 */
@Injectable()
export class QueueDepthMetrics {
  constructor(registry: Registry, moduleRef: ModuleRef) {
    // Looked up at scrape time: the queue providers may not exist yet while this one is constructed.
    const queues = () => ALL_QUEUES.map((name) => moduleRef.get<Queue>(getQueueToken(name), { strict: false }));
    new Gauge({
      name: 'queue_jobs',
      help: 'Jobs in each BullMQ queue by state (waiting, prioritized, active, delayed, waiting-children, failed)',
      labelNames: ['queue', 'state'],
      registers: [registry],
      async collect() {
        const all = queues();
        const counts = await Promise.allSettled(all.map((q) => within(q.getJobCounts(...STATES), COUNT_TIMEOUT_MS)));
        this.reset();
        counts.forEach((result, i) => {
          if (result.status !== 'fulfilled') return;
          for (const state of STATES) this.set({ queue: all[i].name, state }, result.value[state] ?? 0);
        });
      },
    });
  }
}
