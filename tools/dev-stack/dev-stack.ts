/**
 * `npm start`: the api and the worker on embedded defaults. Fills in what is not configured (MongoDB, Redis, the
 * model, the JWT secret, Bull Board credentials), refuses the public development secret next to a service the user
 * named, and prints one short summary once the api answers.
 */
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { MongoClient } from 'mongodb';
import { ConnectionOptions, Queue } from 'bullmq';
import {
  AppConfig,
  ConfigError,
  DEV_JWT_SECRET,
  loadConfig,
  OFFLINE_DEMO_API_KEY,
  SERVICE_NODE_FLAGS,
} from '@app/config';
import { localDateKey } from '@app/finance';
import { DAILY_JOB_NAMES, DailyFanOutJobData, defaultJobOptions, QUEUES, redisOptions } from '@app/queue';
import { startFakeOpenAI } from '../fake-openai';
import { startEmbeddedMongo } from '../embedded-mongo/embedded-mongo';
import { freePort, isListening } from '../ports';
import { redisServerBinary, startRedisServer } from '../local-redis/redis-server';
import { root as ROOT } from '../run-ts';
import { DemoSummary, formatBanner, MongoSummary, RedisSummary, StackSummary } from './banner';
import { ensureDemoData } from './demo-data';
import { boardCredentials, metricsToken, secretRefusal } from './dev-settings';

/** Git-ignored: a downloaded mongod and its data files, so demo data and conversations survive a restart. */
const DATA_DIR = path.join(ROOT, '.data');
const MONGO_DB_PATH = path.join(DATA_DIR, 'mongo');
const MONGO_DOWNLOAD_DIR = path.join(DATA_DIR, 'mongodb-binaries');
const DATABASE = 'finance';
/** How long the api gets to start listening before the summary is printed anyway. */
const API_READY_TIMEOUT_MS = 60_000;

interface Resource {
  stop(): Promise<void>;
}

const resources: Resource[] = [];
const children: ChildProcess[] = [];

/** Refuses to start: one clear message, exit 1, nothing left running. */
class Refusal extends Error {}

function step(line: string): void {
  console.log(`  ${line}`);
}

function relative(p: string): string {
  return path.relative(ROOT, p) || p;
}

async function resolveMongo(env: NodeJS.ProcessEnv): Promise<{ uri: string; summary: MongoSummary }> {
  if (env.MONGODB_URI) return { uri: env.MONGODB_URI, summary: { kind: 'external' } };
  step('MongoDB: looking for a mongod...');
  const mongo = await startEmbeddedMongo({
    env,
    downloadDir: MONGO_DOWNLOAD_DIR,
    dbPath: MONGO_DB_PATH,
    log: (line) => step(`MongoDB: ${line}`),
    startTimeoutMs: 30_000,
  });
  resources.push(mongo);
  const uri = `${mongo.uri}/${DATABASE}`;
  if (mongo.kind === 'wire') {
    return {
      uri,
      summary: { kind: 'wire', uri, reason: mongo.fallbackReason, downloadDir: relative(MONGO_DOWNLOAD_DIR) },
    };
  }
  return { uri, summary: { kind: 'memory-server', uri, dbPath: mongo.dbPath && relative(mongo.dbPath) } };
}

async function resolveRedis(env: NodeJS.ProcessEnv): Promise<{ url: string; summary: RedisSummary }> {
  if (env.REDIS_URL) return { url: env.REDIS_URL, summary: { kind: 'external' } };
  const local = 'redis://127.0.0.1:6379';
  if (await isListening(6379)) return { url: local, summary: { kind: 'found', url: local } };
  if (!redisServerBinary()) {
    throw new Refusal(
      'Redis is required and none answers on 127.0.0.1:6379.\n' +
        '  Install it:  sudo apt-get install redis-server   (macOS: brew install redis)\n' +
        '  or point at one:  REDIS_URL=redis://host:6379 JWT_SECRET=... npm start',
    );
  }
  const redis = await startRedisServer();
  resources.push(redis);
  return { url: redis.url, summary: { kind: 'started', url: redis.url } };
}

async function resolveModel(
  env: NodeJS.ProcessEnv,
): Promise<{ env: Record<string, string>; summary: StackSummary['model'] }> {
  if (env.OPENAI_API_KEY) return { env: {}, summary: { kind: 'remote', baseURL: env.OPENAI_BASE_URL } };
  const demo = await startFakeOpenAI();
  resources.push({ stop: demo.close });
  return {
    env: { OPENAI_API_KEY: OFFLINE_DEMO_API_KEY, OPENAI_BASE_URL: demo.baseURL, LLM_OFFLINE_DEMO: 'true' },
    summary: { kind: 'offline-demo' },
  };
}

/** The api's port: PORT, 3000 by default, a free one for PORT=0 (the summary needs to know which). */
async function resolvePort(env: NodeJS.ProcessEnv): Promise<string> {
  const requested = env.PORT?.trim() || '3000';
  if (requested === '0') return String(await freePort());
  const port = Number(requested);
  // Not a port: left for the config check to name.
  if (!Number.isInteger(port)) return requested;
  if (await isListening(port)) {
    throw new Refusal(`Port ${port} is already in use (another npm start?). Stop it, or: PORT=${port + 1} npm start`);
  }
  return requested;
}

/** Demo users and their tokens, seeding the embedded database once. */
async function demoTokens(uri: string, secret: string, persistent: boolean): Promise<DemoSummary> {
  const client = await MongoClient.connect(uri);
  try {
    const { users, seeded } = await ensureDemoData(client.db());
    const sign = (u: { id: string; email: string }, role: string) => ({
      email: u.email,
      token: jwt.sign({ id: u.id, email: u.email, role }, secret, { algorithm: 'HS256', expiresIn: '7d' }),
    });
    return { seeded, persistent, user: sign(users.user, 'USER'), admin: sign(users.admin, 'ADMIN') };
  } finally {
    await client.close();
  }
}

function launch(name: string, script: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, path.join(ROOT, script)], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited (${signal ?? code}); stopping everything`);
      void shutdown(1);
    }
  });
  children.push(child);
  return child;
}

async function waitForApi(port: number, api: ChildProcess): Promise<void> {
  const deadline = Date.now() + API_READY_TIMEOUT_MS;
  while (Date.now() < deadline && api.exitCode === null && !stopping) {
    if (await isListening(port)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

let stopping = false;
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGTERM');
        }),
    ),
  );
  for (const r of resources.reverse()) await r.stop().catch(() => undefined);
  process.exit(code);
}

async function main(): Promise<void> {
  const env = { ...process.env };
  const refusal = secretRefusal(env);
  if (refusal) throw new Refusal(refusal);
  const port = await resolvePort(env);
  const board = boardCredentials(env);
  const metrics = metricsToken(env);

  console.log('finance-ai-brain: starting the development stack');
  const mongo = await resolveMongo(env);
  const redis = await resolveRedis(env);
  const model = await resolveModel(env);

  const childEnv: NodeJS.ProcessEnv = {
    ...env,
    PORT: port,
    MONGODB_URI: mongo.uri,
    REDIS_URL: redis.url,
    JWT_SECRET: env.JWT_SECRET ?? DEV_JWT_SECRET,
    ...(board && { BULL_BOARD_USER: board.user, BULL_BOARD_PASSWORD: board.password }),
    METRICS_TOKEN: metrics.token,
    ...model.env,
  };
  // The api and worker validate the same way; checking here says it once, before anything else starts.
  const config = loadConfig(childEnv);

  const embedded = mongo.summary.kind !== 'external';
  const demo =
    embedded && env.DEMO_DATA !== 'false'
      ? await demoTokens(mongo.uri, childEnv.JWT_SECRET as string, mongo.summary.kind === 'memory-server')
      : null;

  step('starting the api and the worker...');
  const api = launch('api', 'dist/apps/api/apps/api/src/main.js', childEnv);
  launch('worker', 'dist/apps/worker/apps/worker/src/main.js', childEnv);
  await waitForApi(Number(port), api);
  if (stopping) return;
  if (demo) await screenDemoUsersToday(config);

  console.log(
    formatBanner({
      mongo: mongo.summary,
      redis: redis.summary,
      model: model.summary,
      devSecret: !env.JWT_SECRET,
      apiUrl: `http://localhost:${port}`,
      board,
      metrics,
      demo,
    }),
  );
}

/**
 * Admin alerts only exist after the daily screening (ALERTS_CRON); run today's now so the admin examples have
 * something to show. The job id is the day's, so restarts within a day screen once.
 */
async function screenDemoUsersToday(config: AppConfig): Promise<void> {
  const dateKey = localDateKey(new Date(), config.locale.timeZone);
  const alerts = new Queue(QUEUES.alerts, {
    connection: redisOptions(config.redis.url, 'worker') as ConnectionOptions,
    prefix: config.queue.prefix,
    defaultJobOptions: defaultJobOptions(config),
  });
  try {
    await alerts.add(DAILY_JOB_NAMES.fanOut, { dateKey } satisfies DailyFanOutJobData, {
      jobId: `dev-screening-${dateKey}`,
    });
  } finally {
    await alerts.close();
  }
}

process.once('SIGINT', () => void shutdown(0));
process.once('SIGTERM', () => void shutdown(0));
main().catch((err: unknown) => {
  const known = err instanceof Refusal || err instanceof ConfigError;
  console.error(
    `\n${known ? (err as Error).message : `Could not start: ${err instanceof Error ? err.message : String(err)}`}\n`,
  );
  void shutdown(1);
});
