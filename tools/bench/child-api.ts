/**
 * The api as its own process, from source, configured by the environment as in production (PORT 0 = any free
 * port), for benchmarks that must not share its CPU with the load generator:
 *   node tools/run-ts.js tools/bench/child-api.ts
 * Prints `{"ready":true,"url":...}` once listening; SIGTERM closes it.
 */
import { loadConfig } from '@app/config';
import { redactString } from '@app/logging';
import { createApiApp } from '../../apps/api/src/create-api-app';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApiApp(config);
  await app.listen(config.http.port, config.http.host);
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  process.stdout.write(`${JSON.stringify({ ready: true, url })}\n`);
  process.once('SIGTERM', () => void app.close().finally(() => process.exit(0)));
}

main().catch((err: unknown) => {
  process.stderr.write(
    `bench api failed to start: ${redactString(err instanceof Error ? err.message : String(err))}\n`,
  );
  process.exit(1);
});
