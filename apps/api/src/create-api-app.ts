import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { json } from 'express';
import helmet from 'helmet';
import { AppConfig } from '@app/config';
import { AppLogger } from '@app/logging';
import { ApiModule } from './app.module';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { bodyParserErrors } from './common/body-parser-errors';
import { corsOptions } from './common/cors';
import { limitJsonDepth } from './common/json-depth';
import { requestContext } from './common/request-context.middleware';
import { createValidationPipe } from './common/validation';
import { mountOpenApi } from './docs/openapi';
import { HttpMetrics } from './metrics/http-metrics';
import { RealtimeIoAdapter } from './realtime/realtime-io.adapter';

/** Builds the api exactly as production runs it; main.ts and the end-to-end tests both use this. */
export async function createApiApp(
  config: AppConfig,
  logger = new AppLogger('api', config.log.level, { format: config.log.format }),
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config, logger), {
    logger,
    bodyParser: false,
    abortOnError: false,
  });
  app.use(requestContext(logger), app.get(HttpMetrics).middleware());
  app.use(json({ limit: config.http.bodyLimit, strict: true }), bodyParserErrors, limitJsonDepth);
  app.use(helmet({ contentSecurityPolicy: false, crossOriginEmbedderPolicy: false }));
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // Per-IP throttles (/health, board sign-in) must see the client, not the load balancer; 0 believes no header.
  app.set('trust proxy', config.http.trustProxy);
  app.enableCors({
    ...corsOptions(config),
    exposedHeaders: ['X-Request-Id', 'Retry-After', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'],
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter(logger));
  app.useWebSocketAdapter(new RealtimeIoAdapter(app, config));
  app.enableShutdownHooks();
  mountOpenApi(app);
  return app;
}
