import 'reflect-metadata';
import { loadConfigOrExit } from '@app/config';
import { AppLogger, redactString } from '@app/logging';
import { createApiApp } from './create-api-app';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = new AppLogger('api', config.log.level, { format: config.log.format });
  const app = await createApiApp(config, logger);
  await app.listen(config.http.port, config.http.host);
  logger.event('info', 'api.listening', {
    url: await app.getUrl(),
    modelMode: config.llm.offlineDemo ? 'offline-demo' : 'remote',
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`api failed to start: ${redactString(err instanceof Error ? err.message : String(err))}\n`);
  process.exit(1);
});
