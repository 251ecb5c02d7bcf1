/**
 * The fake model (the demo responder, every answer after BENCH_MODEL_DELAY_MS) as a process of its own, for a
 * benchmark whose load generator times requests: serving the model from the same process would put its work on the
 * event loop that stamps the clients' latencies, and charge it to the service measured.
 *   BENCH_MODEL_DELAY_MS=200 node tools/run-ts.js tools/bench/model-process.ts
 * Prints `{"ready":true,"baseURL":...}` once listening; SIGTERM closes it.
 */
import { createDemoResponder, startFakeOpenAI } from '../fake-openai';
import { intEnv } from './bench-kit';

startFakeOpenAI({ responder: createDemoResponder({ delayMs: intEnv('BENCH_MODEL_DELAY_MS', 200) }) }).then(
  (fake) => {
    process.stdout.write(`${JSON.stringify({ ready: true, baseURL: fake.baseURL })}\n`);
    const stop = () => void fake.close().finally(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  },
  (err: unknown) => {
    process.stderr.write(`the fake model failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
