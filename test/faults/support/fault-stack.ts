import { Db } from 'mongodb';
import { AppConfig, loadConfig } from '@app/config';
import { LlmService } from '@app/llm';
import { FakeOpenAI, realmSafeFetch, startFakeOpenAI } from '../../../tools/fake-openai';
import { eventually, JsonResponse, request } from '../../support/http';
import { startMongoWireServer } from '../../../tools/mongo-wire';
import { RedisServerHandle, startRedisServer } from '../../support/redis';
import { connectDb, RunningApi, startApi, testEnv } from '../../support/stack';
import { signMainBackendToken } from '../../support/tokens';
import { seedUser, SeedUser } from '../../support/users';

export interface FaultMongo {
  uri: string;
  /** Takes the database offline and back with its data; null for an external server, which is not ours to stop. */
  outage: { suspend(): Promise<void>; resume(): Promise<void> } | null;
  stop(): Promise<void>;
}

/**
 * MONGODB_URI when set (its outage test is skipped), else the in-process wire server, which can be taken
 * offline and back on the same port. Never mongodb-memory-server: a mongod it started could only be killed,
 * losing the data the outage test needs to find again.
 */
export async function startFaultMongo(): Promise<FaultMongo> {
  const external = process.env.MONGODB_URI?.trim();
  if (external) return { uri: external, outage: null, stop: async () => undefined };
  const wire = await startMongoWireServer();
  return {
    uri: wire.uri,
    outage: { suspend: () => wire.suspend(), resume: () => wire.resume() },
    stop: () => wire.close(),
  };
}

/** Servers a fault suite can break: a private redis-server (stop/start), MongoDB, the fake model. */
export interface FaultInfra {
  redis: RedisServerHandle;
  mongo: FaultMongo;
  model: FakeOpenAI;
  stop(): Promise<void>;
}

export async function startFaultInfra(): Promise<FaultInfra> {
  const [mongo, redis, model] = await Promise.all([startFaultMongo(), startRedisServer(), startFakeOpenAI()]);
  return {
    mongo,
    redis,
    model,
    async stop() {
      await Promise.allSettled([model.close(), mongo.stop(), redis.stop()]);
    },
  };
}

/**
 * Timings that let a fault resolve in seconds instead of production's minutes: a dead worker's lock expires
 * after 1.5 s and is noticed within 0.5 s, retries start 200 ms apart, a hanging model call ends after 1.5 s,
 * an operation gives up on an unreachable MongoDB after 1 s.
 */
export const FAST_FAULT_TIMINGS: Record<string, string> = {
  MONGO_SERVER_SELECTION_TIMEOUT_MS: '1000',
  JOB_LOCK_MS: '1500',
  JOB_STALLED_CHECK_MS: '500',
  JOB_BACKOFF_MS: '200',
  JOB_ATTEMPTS: '3',
  OPENAI_TIMEOUT_MS: '1500',
  REPORT_CACHE_WINDOW_MS: '0',
};

/** /health shows which dependency is down only to admins and the metrics token; the fault suites use the token. */
const FAULT_METRICS_TOKEN = 'metrics-token-of-the-fault-suites';

/** One environment (for the in-process api and any child worker) with a user of the main backend's. */
export interface FaultStack {
  env: Record<string, string>;
  config: AppConfig;
  db: Db;
  user: SeedUser;
  token: string;
  api: RunningApi;
  close(): Promise<void>;
}

export async function startFaultStack(infra: FaultInfra, overrides: Record<string, string> = {}): Promise<FaultStack> {
  const env = testEnv(
    { mongoUri: infra.mongo.uri, redisUrl: infra.redis.url, model: infra.model },
    // The suites poll /health through whole outages: more often than its per-IP throttle allows by default.
    {
      ...FAST_FAULT_TIMINGS,
      METRICS_TOKEN: FAULT_METRICS_TOKEN,
      HEALTH_RATE_LIMIT: '10000',
      CHAT_RATE_LIMIT: '1000',
      ...overrides,
    },
  );
  const config = loadConfig(env);
  const { db, close: closeDb } = await connectDb(config);
  const user = await seedUser(db);
  const api = await startApi(config);
  // Under Jest the SDK mistakes a request timeout for a connection error (see realmSafeFetch); the
  // in-process api gets the fix so a hanging model is reported as production reports it.
  (api.app.get(LlmService).client as unknown as { fetch: typeof fetch }).fetch = realmSafeFetch;
  return {
    env,
    config,
    db,
    user,
    token: signMainBackendToken({ id: user._id.toHexString(), email: user.email }),
    api,
    async close() {
      await api.close();
      await closeDb();
    },
  };
}

/** A request and how long it took: a fault must never turn into a hang. */
export async function timedRequest(
  s: FaultStack,
  method: string,
  path: string,
  body?: unknown,
): Promise<JsonResponse & { ms: number }> {
  const started = Date.now();
  const res = await request(s.api.url, method, path, { token: s.token, body });
  return { ...res, ms: Date.now() - started };
}

/** GET /health with the metrics token, so the answer names the dependency that is down. */
export async function timedHealth(s: FaultStack): Promise<JsonResponse & { ms: number }> {
  const started = Date.now();
  const res = await request(s.api.url, 'GET', '/health', {
    headers: { authorization: `Bearer ${FAULT_METRICS_TOKEN}` },
  });
  return { ...res, ms: Date.now() - started };
}

/** GET the resource until `done` accepts it; returns its body. */
export async function pollUntil(
  s: FaultStack,
  path: string,
  done: (body: any) => boolean,
  timeoutMs = 15_000,
): Promise<any> {
  const res = await eventually(
    () => request(s.api.url, 'GET', path, { token: s.token }),
    (r) => r.status === 200 && done(r.body),
    timeoutMs,
    100,
  );
  return res.body;
}
