/**
 * The daily fan-out at scale: how long it takes to queue one per-user job for every active user, and how much
 * memory that costs.
 *
 *   node tools/run-ts.js tools/bench/daily.bench.ts          (npm run bench:daily)
 *
 * Seeds BENCH_USERS (default 100,000) active users, plus 2% blocked and 1% soft-deleted ones the fan-out must skip,
 * into the test MongoDB (run in a child process so its memory and CPU are not charged here; MONGODB_URI for a real
 * server, in a fresh database dropped afterwards). Then runs the suggestions fan-out (DailyFanOut, as the worker
 * runs it, FANOUT_BATCH_SIZE users per page) against real Redis under a private queue prefix, checks that exactly
 * one job per active user was queued, runs it a second time (the idempotent re-run), reports times and peak memory
 * (rss and heapUsed sampled every 20 ms), and obliterates the queue.
 */
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConnectionOptions, Queue } from 'bullmq';
import { MongoClient, ObjectId } from 'mongodb';
import { ConfigModule, loadConfig } from '@app/config';
import { DatabaseModule } from '@app/database';
import { localDateKey } from '@app/finance';
import { AppLogger } from '@app/logging';
import { DAILY_JOB_NAMES, defaultJobOptions, QUEUES, redisOptions } from '@app/queue';
import { DailyFanOut } from '../../apps/worker/src/daily/daily-fan-out';
import { dailySuggestionJob } from '../../apps/worker/src/suggestions/suggestions.processor';
import { uniqueDbUri } from '../../test/support/mongo';
import { testRedisUrl } from '../../test/support/redis';
import { spawnTestMongo } from './spawn-mongo';
import { intEnv, runBench } from './bench-kit';

const USERS = intEnv('BENCH_USERS', 100_000);
const BATCH_SIZE = intEnv('FANOUT_BATCH_SIZE', 500);
const SEED_BATCH = 5_000;
const SAMPLE_MS = 20;

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

// A full collection before and after each run shows what a run retains, as opposed to garbage it made.
v8.setFlagsFromString('--expose_gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Peak rss and heapUsed while `fn` runs, next to the values just before it. */
async function measured<T>(fn: () => Promise<T>): Promise<{
  value: T;
  ms: number;
  before: NodeJS.MemoryUsage;
  peakRss: number;
  peakHeap: number;
  retainedHeap: number;
}> {
  gc();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const timer = setInterval(sample, SAMPLE_MS);
  const started = performance.now();
  try {
    const value = await fn();
    const ms = performance.now() - started;
    sample();
    gc();
    return { value, ms, before, peakRss, peakHeap, retainedHeap: process.memoryUsage().heapUsed };
  } finally {
    clearInterval(timer);
  }
}

/** USERS active users; every 100 seeded, 2 more are blocked and 1 soft-deleted, spread through the _id order. */
async function seedUsers(uri: string): Promise<number> {
  const client = await MongoClient.connect(uri);
  try {
    const users = client.db().collection('users');
    const at = new Date();
    let active = 0;
    let j = 0;
    while (active < USERS) {
      const docs = [];
      for (; docs.length < SEED_BATCH && active < USERS; j++) {
        const kind = j % 103 < 2 ? 'blocked' : j % 103 === 2 ? 'deleted' : 'active';
        if (kind === 'active') active++;
        docs.push({
          _id: new ObjectId(),
          name: `User ${j}`,
          email: `user${j}@example.com`,
          role: 'USER',
          status: kind === 'blocked' ? 'blocked' : 'active',
          isDeleted: kind === 'deleted',
          partnerId: null,
          createdAt: at,
          updatedAt: at,
          __v: 0,
        });
      }
      await users.insertMany(docs, { ordered: false });
    }
    return j;
  } finally {
    await client.close();
  }
}

async function main(): Promise<void> {
  const mongo = await spawnTestMongo();
  const redis = await testRedisUrl();
  const dbUri = uniqueDbUri(mongo.uri, 'bench_daily');
  const config = loadConfig({
    NODE_ENV: 'test',
    MONGODB_URI: dbUri,
    REDIS_URL: redis.url,
    JWT_SECRET: 'bench-secret-not-used',
    OPENAI_API_KEY: 'not-used',
    QUEUE_PREFIX: `bench-daily-${process.pid}`,
    FANOUT_BATCH_SIZE: String(BATCH_SIZE),
    LOG_LEVEL: 'error',
  });
  const logger = new AppLogger('bench', config.log.level);

  @Module({
    imports: [ConfigModule.forRoot(config), DatabaseModule],
    providers: [DailyFanOut, { provide: AppLogger, useValue: logger }],
  })
  class BenchModule {}

  const queue = new Queue(QUEUES.suggestions, {
    connection: redisOptions(config.redis.url, 'worker') as ConnectionOptions,
    prefix: config.queue.prefix,
    defaultJobOptions: defaultJobOptions(config),
  });
  const app = await NestFactory.createApplicationContext(BenchModule, { logger: false });
  try {
    process.stdout.write(
      `seeding ${USERS.toLocaleString('en-GB')} active users (+3% blocked/deleted) into ${mongo.kind} MongoDB...\n`,
    );
    const seedStarted = performance.now();
    const seeded = await seedUsers(dbUri);
    const seedMs = performance.now() - seedStarted;

    const fanOut = app.get(DailyFanOut);
    const dateKey = localDateKey(new Date(), config.locale.timeZone);
    const run = async (jobId: string) => {
      const job = await queue.add(DAILY_JOB_NAMES.fanOut, { dateKey }, { jobId });
      return fanOut.run(job, queue, dailySuggestionJob);
    };

    // Time spent in Redis (addBulk) is counted apart from the whole, the rest being MongoDB paging.
    let addBulkMs = 0;
    const addBulk = queue.addBulk.bind(queue);
    queue.addBulk = async (jobs) => {
      const started = performance.now();
      try {
        return await addBulk(jobs);
      } finally {
        addBulkMs += performance.now() - started;
      }
    };

    const first = await measured(() => run('bench-fan-out-1'));
    const firstAddBulkMs = addBulkMs;
    const afterFirst = await queue.getJobCounts('prioritized', 'waiting');
    if (first.value.queued !== USERS || afterFirst.prioritized !== USERS) {
      throw new Error(
        `expected ${USERS} per-user jobs, fan-out queued ${first.value.queued} and Redis holds ${afterFirst.prioritized}`,
      );
    }
    const second = await measured(() => run('bench-fan-out-2'));
    const afterSecond = await queue.getJobCounts('prioritized');
    if (afterSecond.prioritized !== USERS)
      throw new Error(`the re-run duplicated jobs: ${afterSecond.prioritized} in Redis`);

    const rows: Array<[string, string]> = [
      ['users (active / seeded)', `${USERS.toLocaleString('en-GB')} / ${seeded.toLocaleString('en-GB')}`],
      ['batch size', String(BATCH_SIZE)],
      ['seed time', `${(seedMs / 1000).toFixed(1)} s`],
      [
        'fan-out: time to queue all jobs',
        `${(first.ms / 1000).toFixed(2)} s (${Math.round((USERS / first.ms) * 1000).toLocaleString('en-GB')} jobs/s)`,
      ],
      ['fan-out: rss before / peak', `${mb(first.before.rss)} / ${mb(first.peakRss)}`],
      [
        'fan-out: heapUsed before / peak / after',
        `${mb(first.before.heapUsed)} / ${mb(first.peakHeap)} / ${mb(first.retainedHeap)} (after GC)`,
      ],
      [
        'of which Redis addBulk / MongoDB paging',
        `${(firstAddBulkMs / 1000).toFixed(2)} s / ${((first.ms - firstAddBulkMs) / 1000).toFixed(2)} s`,
      ],
      ['re-run (same day, adds nothing)', `${(second.ms / 1000).toFixed(2)} s, peak heapUsed ${mb(second.peakHeap)}`],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    process.stdout.write(`\nbench:daily (${mongo.kind} MongoDB, Redis ${redis.url})\n`);
    for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(width)}  ${v}\n`);
    process.stdout.write(
      `${JSON.stringify({
        users: USERS,
        batchSize: BATCH_SIZE,
        fanOutMs: Math.round(first.ms),
        peakRssMb: +(first.peakRss / 1048576).toFixed(1),
        peakHeapUsedMb: +(first.peakHeap / 1048576).toFixed(1),
        heapUsedBeforeMb: +(first.before.heapUsed / 1048576).toFixed(1),
        heapUsedAfterGcMb: +(first.retainedHeap / 1048576).toFixed(1),
        addBulkMs: Math.round(firstAddBulkMs),
        rerunMs: Math.round(second.ms),
      })}\n`,
    );
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    const client = await MongoClient.connect(dbUri).catch(() => null);
    await client
      ?.db()
      .dropDatabase()
      .catch(() => undefined);
    await client?.close();
    await app.close();
    await mongo.stop();
    await redis.stop();
  }
}

runBench(main);
