/**
 * The async pipeline under load:
 *
 *   node tools/run-ts.js tools/bench/jobs.bench.ts        (npm run bench:jobs)
 *
 * 1. POST /expenses/parse latency (202 answers: store + enqueue) with BENCH_CLIENTS concurrent clients.
 * 2. Worker throughput: one worker process with WORKER_CONCURRENCY=BENCH_CONCURRENCY drains the jobs while the
 *    fake model answers each after BENCH_MODEL_DELAY_MS; the ideal is concurrency / model delay.
 * MongoDB and the worker run in their own processes; the api runs here, with the load generator.
 *
 * Env: BENCH_JOBS (400), BENCH_CLIENTS (40), BENCH_CONCURRENCY (8), BENCH_MODEL_DELAY_MS (200).
 */
import { performance } from 'node:perf_hooks';
import { startChildWorker } from '../../test/support/child-worker';
import { startFakeOpenAI } from '../fake-openai';
import { testRedisUrl } from '../../test/support/redis';
import { connectDb, startApi, testConfig, testEnv } from '../../test/support/stack';
import { signMainBackendToken } from '../../test/support/tokens';
import { seedUser } from '../../test/support/users';
import { spawnTestMongo } from './spawn-mongo';
import { intEnv, percentile, runBench } from './bench-kit';

const JOBS = intEnv('BENCH_JOBS', 400);
const CLIENTS = intEnv('BENCH_CLIENTS', 40);
const CONCURRENCY = intEnv('BENCH_CONCURRENCY', 8);
const MODEL_DELAY_MS = intEnv('BENCH_MODEL_DELAY_MS', 200);

async function main(): Promise<void> {
  const [mongo, redis, model] = await Promise.all([
    spawnTestMongo(),
    testRedisUrl(),
    startFakeOpenAI({
      responder: () => ({
        json: {
          amount: 4.5,
          currency: 'GBP',
          category: 'Dining',
          description: 'Coffee',
          date: '2026-11-20',
          unparseableReason: null,
        },
        delayMs: MODEL_DELAY_MS,
      }),
    }),
  ]);
  const infra = { mongoUri: mongo.uri, redisUrl: redis.url, model };
  const env = testEnv(infra, { WORKER_CONCURRENCY: String(CONCURRENCY), LOG_LEVEL: 'error' });
  const config = testConfig(infra, env);
  const { db, close: closeDb } = await connectDb(config);
  const users = await Promise.all(Array.from({ length: CLIENTS }, () => seedUser(db)));
  const tokens = users.map((u) => signMainBackendToken({ id: u._id.toHexString() }));
  const api = await startApi(config);
  console.log(
    `bench:jobs — ${JOBS} jobs from ${CLIENTS} clients; 1 worker process, concurrency ${CONCURRENCY}; model delay ${MODEL_DELAY_MS} ms (${mongo.kind} MongoDB)`,
  );

  // Phase 1: the api alone (no worker yet), so POST latency is not disturbed by job processing.
  const latencies: number[] = [];
  let next = 0;
  const postStarted = performance.now();
  await Promise.all(
    tokens.map(async (token) => {
      while (next < JOBS) {
        next++;
        const t0 = performance.now();
        const res = await fetch(`${api.url}/expenses/parse`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ text: 'Coffee £4.50' }),
        });
        if (res.status !== 202) throw new Error(`POST answered ${res.status}`);
        await res.arrayBuffer();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const postSeconds = (performance.now() - postStarted) / 1000;
  latencies.sort((a, b) => a - b);

  // Phase 2: start the worker and time the drain.
  const worker = await startChildWorker(env);
  const drainStarted = performance.now();
  while ((await db.collection('expense_parses').countDocuments({ status: 'completed' })) < JOBS) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const drainSeconds = (performance.now() - drainStarted) / 1000;
  const failed = await db.collection('expense_parses').countDocuments({ status: 'failed' });

  console.table([
    { measure: 'POST -> 202 p50 (ms)', value: percentile(latencies, 50).toFixed(1) },
    { measure: 'POST -> 202 p99 (ms)', value: percentile(latencies, 99).toFixed(1) },
    { measure: 'POSTs per second', value: (JOBS / postSeconds).toFixed(0) },
    { measure: 'worker throughput (jobs/s)', value: (JOBS / drainSeconds).toFixed(1) },
    { measure: 'ideal: concurrency / model delay (jobs/s)', value: (CONCURRENCY / (MODEL_DELAY_MS / 1000)).toFixed(1) },
    { measure: 'failed jobs', value: String(failed) },
  ]);

  await worker.stop();
  await api.close();
  await db.dropDatabase();
  await closeDb();
  await Promise.allSettled([model.close(), mongo.stop(), redis.stop()]);
}

runBench(main);
