import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig } from '@app/config';
import { AppLogger } from '@app/logging';
import { installConfiguredWorker } from './common/configured-worker';
import { WorkerModule } from './worker.module';

/** The worker is a Nest application context (no HTTP server) running the BullMQ processors. */
export async function createWorkerApp(
  config: AppConfig,
  logger = new AppLogger('worker', config.log.level, { format: config.log.format }),
): Promise<INestApplicationContext> {
  installConfiguredWorker(config);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, logger), {
    logger,
    abortOnError: false,
  });
  app.enableShutdownHooks();
  return app;
}
