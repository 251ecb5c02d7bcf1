import 'reflect-metadata';
import { loadConfigOrExit } from '@app/config';
import { AppLogger, redactString } from '@app/logging';
import { createWorkerApp } from './create-worker-app';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = new AppLogger('worker', config.log.level, { format: config.log.format });
  await createWorkerApp(config, logger);
  logger.event('info', 'worker.started', {
    concurrency: config.queue.concurrency,
    modelMode: config.llm.offlineDemo ? 'offline-demo' : 'remote',
  });

  // Nest's shutdown hooks close the workers, which waits for in-flight jobs; past the deadline we exit
  // anyway and BullMQ's stalled-job check hands the unfinished job to another worker.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.event('info', 'worker.stopping', { signal, timeoutMs: config.queue.shutdownTimeoutMs });
      setTimeout(() => {
        logger.event('warn', 'worker.shutdown_timeout', { timeoutMs: config.queue.shutdownTimeoutMs });
        process.exit(1);
      }, config.queue.shutdownTimeoutMs).unref();
    });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`worker failed to start: ${redactString(err instanceof Error ? err.message : String(err))}\n`);
  process.exit(1);
});
