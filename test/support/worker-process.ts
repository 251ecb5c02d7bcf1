/**
 * The worker as its own process, from source, configured by the environment exactly as in production.
 * For tests that kill a worker mid-job: node tools/run-ts.js test/support/worker-process.ts
 */
import { loadConfig } from '@app/config';
import { createWorkerApp } from '../../apps/worker/src/create-worker-app';

createWorkerApp(loadConfig()).then(
  (app) => {
    process.stdout.write('worker ready\n');
    process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
  },
  (err: unknown) => {
    process.stderr.write(`worker failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
