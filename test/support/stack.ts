import { randomBytes } from 'node:crypto';
import { INestApplicationContext } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { MongoClient, Db } from 'mongodb';
import { createApiApp } from '../../apps/api/src/create-api-app';
import { createWorkerApp } from '../../apps/worker/src/create-worker-app';
import { AppConfig, loadConfig } from '@app/config';
import { AppLogger } from '@app/logging';
import { startFakeOpenAI, FakeOpenAI } from '../../tools/fake-openai';
import { startTestMongo } from './mongo';
import { testRedisUrl } from './redis';
import { TEST_JWT_SECRET } from './tokens';

export interface Infra {
  mongoUri: string;
  redisUrl: string;
  model: FakeOpenAI;
  stop(): Promise<void>;
}

/** Mongo, Redis and the fake model, started once per suite. */
export async function startInfra(): Promise<Infra> {
  const [mongo, redis, model] = await Promise.all([startTestMongo(), testRedisUrl(), startFakeOpenAI()]);
  return {
    mongoUri: mongo.uri,
    redisUrl: redis.url,
    model,
    async stop() {
      await Promise.allSettled([model.close(), mongo.stop(), redis.stop()]);
    },
  };
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** What a configuration needs of the infrastructure: where MongoDB, Redis and the model server are. */
type InfraAddresses = Pick<Infra, 'mongoUri' | 'redisUrl'> & { model: Pick<Infra['model'], 'baseURL'> };

/** Test configuration through the same validation as production, with a private database and queue prefix. */
export function testConfig(infra: InfraAddresses, overrides: Record<string, string> = {}): AppConfig {
  return loadConfig(testEnv(infra, overrides));
}

/** The environment testConfig validates: also what a test passes to an app it runs as a child process. */
export function testEnv(infra: InfraAddresses, overrides: Record<string, string> = {}): Record<string, string> {
  const dbName = uniqueName('fab_test').replace(/-/g, '_');
  const base = new URL(infra.mongoUri);
  base.pathname = `/${dbName}`;
  return {
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    MONGODB_URI: base.toString(),
    REDIS_URL: infra.redisUrl,
    JWT_SECRET: TEST_JWT_SECRET,
    OPENAI_API_KEY: 'test-key',
    OPENAI_BASE_URL: infra.model.baseURL,
    OPENAI_MAX_RETRIES: '0',
    OPENAI_TIMEOUT_MS: '5000',
    QUEUE_PREFIX: uniqueName('fabtest'),
    JOB_BACKOFF_MS: '50',
    LOG_LEVEL: 'error',
    // The suites work their dates out in UTC; one that tests month edges in another zone says so itself.
    TIME_ZONE: 'UTC',
    // The suites that use /feedback/* as another way to POST /reports read its 202 at once; the Reho compatibility
    // suite sets its own wait.
    REPORT_SYNC_WAIT_MS: '0',
    // Suites check that a change shows in the very next turn or job; the recheck window has its own case.
    SNAPSHOT_RECHECK_MS: '0',
    // Suites check the round trips of the very turn they send.
    CHAT_ROUND_TRIPS_SAMPLE_MS: '0',
    ...overrides,
  };
}

export interface RunningApi {
  app: NestExpressApplication;
  url: string;
  close(): Promise<void>;
}

export async function startApi(config: AppConfig): Promise<RunningApi> {
  const app = await createApiApp(config, new AppLogger('api', config.log.level, { format: config.log.format }));
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, url, close: () => app.close() };
}

export async function startWorker(config: AppConfig): Promise<INestApplicationContext> {
  return createWorkerApp(config, new AppLogger('worker', config.log.level, { format: config.log.format }));
}

/** Direct driver access for seeding the main backend's collections the way the main backend writes them. */
export async function connectDb(config: AppConfig): Promise<{ db: Db; close(): Promise<void> }> {
  const client = await MongoClient.connect(config.mongo.uri);
  return { db: client.db(), close: () => client.close() };
}
