import { randomBytes } from 'node:crypto';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Registry } from 'prom-client';
import { testRedisUrl } from '../../../../test/support/redis';
import { JobMetrics } from './job-metrics';

async function counterValues(registry: Registry, name: string): Promise<Record<string, number>> {
  const metric = await registry.getSingleMetric(name)!.get();
  return Object.fromEntries(metric.values.map((v) => [`${v.labels.queue}/${v.labels.outcome}`, v.value]));
}

describe('JobMetrics on a real BullMQ worker', () => {
  const prefix = `jobmetrics-${randomBytes(4).toString('hex')}`;
  let redis: { url: string; stop(): Promise<void> };
  let queue: Queue;
  let worker: Worker;

  beforeAll(async () => {
    redis = await testRedisUrl();
  });

  afterAll(async () => {
    await worker?.close();
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    await redis.stop();
  });

  it('counts completed, retried and finally failed attempts per queue, with their durations', async () => {
    const connection = { url: redis.url };
    queue = new Queue('metrics-probe', { connection, prefix });
    // ok completes; flaky fails once, then completes; doomed fails both attempts; refused is unrecoverable at once.
    const seen = new Map<string, number>();
    worker = new Worker(
      'metrics-probe',
      async (job) => {
        const attempt = (seen.get(job.name) ?? 0) + 1;
        seen.set(job.name, attempt);
        if (job.name === 'flaky' && attempt === 1) throw new Error('blip');
        if (job.name === 'doomed') throw new Error('always');
        if (job.name === 'refused') throw new UnrecoverableError('no');
        return 'done';
      },
      { connection, prefix, autorun: false },
    );
    const registry = new Registry();
    new JobMetrics(registry).watch(worker);
    let attempts = 0;
    const attemptsSeen = new Promise<void>((resolve) => {
      const seenOne = () => ++attempts === 6 && resolve();
      worker.on('completed', seenOne);
      worker.on('failed', seenOne);
    });
    void worker.run();

    await Promise.all(['ok', 'flaky', 'doomed', 'refused'].map((name) => queue.add(name, {}, { attempts: 2 })));
    // The metrics listeners were attached first, so once the worker has emitted all six attempt events they
    // have counted them.
    await attemptsSeen;

    expect(await counterValues(registry, 'queue_job_outcomes_total')).toEqual({
      'metrics-probe/completed': 2,
      'metrics-probe/retried': 2,
      'metrics-probe/failed': 2,
    });
    const durations = await registry.getSingleMetric('queue_job_duration_seconds')!.get();
    const counts = durations.values.filter(
      (v) => (v as { metricName?: string }).metricName === 'queue_job_duration_seconds_count',
    );
    expect(counts.map((v) => [v.labels.outcome, v.value]).sort()).toEqual([
      ['completed', 2],
      ['failed', 2],
      ['retried', 2],
    ]);
  });
});
