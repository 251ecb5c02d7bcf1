import { Db } from 'mongodb';
import { io, Socket } from 'socket.io-client';
import { INestApplicationContext } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { ALL_QUEUES } from '@app/queue';
import { matchers } from '../tools/fake-openai';
import { WorkerMetricsServer } from '../apps/worker/src/metrics/metrics-server';
import { eventually, request } from './support/http';
import { connectDb, Infra, RunningApi, startApi, startInfra, startWorker, testConfig } from './support/stack';
import { signMainBackendToken } from './support/tokens';
import { seedUser, SeedUser } from './support/users';

const METRICS_TOKEN = 'scrape-token-for-the-metrics-suite';
const MODEL = 'gpt-4o-mini';
const TITLE_MARKER = 'Name this conversation';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text exposition format, as far as these assertions need it. */
function parseExposition(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
      if (!m) throw new Error(`not an exposition line: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, k, v] of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[k] = v;
      return { name: m[1], labels, value: Number(m[3]) };
    });
}

function find(samples: Sample[], name: string, labels: Record<string, string> = {}): Sample[] {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

const sum = (samples: Sample[]) => samples.reduce((n, s) => n + s.value, 0);

async function scrape(url: string, token = METRICS_TOKEN): Promise<Sample[]> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parseExposition(await res.text());
}

describe('GET /metrics (api and worker) end to end', () => {
  let infra: Infra;
  let config: AppConfig;
  let api: RunningApi;
  let worker: INestApplicationContext;
  let workerMetricsUrl: string;
  let db: Db;
  let closeDb: () => Promise<void>;
  let user: SeedUser;
  let token: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    infra = await startInfra();
    config = testConfig(infra, {
      METRICS_TOKEN,
      WORKER_METRICS_PORT: '0',
      OPENAI_MODEL: MODEL,
      OPENAI_PRICES: JSON.stringify({ [MODEL]: { input: 0.15, output: 0.6 } }),
    });
    ({ db, close: closeDb } = await connectDb(config));
    user = await seedUser(db, { name: 'Metrics' });
    token = signMainBackendToken({ id: user._id.toHexString(), email: user.email });
    api = await startApi(config);
    worker = await startWorker(config);
    workerMetricsUrl = worker.get(WorkerMetricsServer).url()!;
  });

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await Promise.allSettled([api?.close(), worker?.close()]);
    await closeDb?.();
    await infra?.stop();
  });

  function connect(namespace: string): Promise<Socket> {
    const socket = io(`${api.url}${namespace}`, {
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    sockets.push(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  }

  it('refuses a scrape without the metrics token, with the JSON error body', async () => {
    for (const headers of <Record<string, string>[]>[
      {},
      { authorization: 'Bearer wrong-token-of-enough-length' },
      { authorization: `Bearer ${token}` },
    ]) {
      const res = await request(api.url, 'GET', '/metrics', { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(res.body).toMatchObject({
        statusCode: 401,
        error: 'Unauthorized',
        code: 'metrics_token_required',
        path: '/metrics',
      });
      expect(JSON.stringify(res.body)).not.toContain('# HELP');

      const fromWorker = await fetch(workerMetricsUrl, { headers });
      expect(fromWorker.status).toBe(401);
      expect(await fromWorker.json()).toMatchObject({
        statusCode: 401,
        error: 'Unauthorized',
        code: 'metrics_token_required',
        path: '/metrics',
      });
    }
    const elsewhere = await fetch(new URL('/other', workerMetricsUrl), {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(elsewhere.status).toBe(404);
    expect(await elsewhere.json()).toMatchObject({ statusCode: 404, code: 'not_found' });
  });

  it('reports HTTP, chat, model, queue, job, socket and process families with sensible values', async () => {
    await connect('/chat');
    await connect('/');

    infra.model.enqueue({
      match: matchers.systemIncludes(TITLE_MARKER),
      error: { status: 503, message: 'overloaded' },
    });
    infra.model.enqueue({
      match: matchers.systemIncludes(TITLE_MARKER),
      json: { title: 'Checking my monthly spending' },
    });
    const chat = await request(api.url, 'POST', '/chat/messages', {
      token,
      body: { text: 'How am I doing this month?', clientMessageId: 'metrics-1' },
    });
    expect(chat.status).toBe(200);
    expect(chat.body.message.content.length).toBeGreaterThan(0);
    const conversationId: string = chat.body.conversationId;

    // A model failure on chat: answered 503, counted as a failure of feature chat.
    infra.model.enqueue({ match: (req) => !matchers.systemIncludes(TITLE_MARKER)(req), error: { status: 500 } });
    const failed = await request(api.url, 'POST', '/chat/messages', {
      token,
      body: { conversationId, text: 'And my debts?', clientMessageId: 'metrics-2' },
    });
    expect(failed.status).toBe(503);

    const viewed = await request(api.url, 'GET', `/conversations/${conversationId}`, { token });
    expect(viewed.status).toBe(200);
    const missing = await request(api.url, 'GET', `/no-such-route/${conversationId}`, { token });
    expect(missing.status).toBe(404);

    // The title job: its first model call fails (retried), the second names the conversation (completed).
    const named = await eventually(
      () => request(api.url, 'GET', `/conversations/${conversationId}`, { token }),
      (r) => r.body.title === 'Checking my monthly spending',
    );
    expect(named.status).toBe(200);

    const fromApi = await scrape(`${api.url}/metrics`);

    // HTTP: by route pattern and status, never by raw path.
    expect(
      sum(
        find(fromApi, 'http_request_duration_seconds_count', {
          method: 'POST',
          route: '/chat/messages',
          status: '200',
        }),
      ),
    ).toBe(1);
    expect(
      sum(
        find(fromApi, 'http_request_duration_seconds_count', {
          method: 'POST',
          route: '/chat/messages',
          status: '503',
        }),
      ),
    ).toBe(1);
    expect(
      sum(find(fromApi, 'http_request_duration_seconds_count', { route: '/conversations/:id', status: '200' })),
    ).toBeGreaterThanOrEqual(2);
    expect(sum(find(fromApi, 'http_request_duration_seconds_count', { route: 'unmatched', status: '404' }))).toBe(1);
    expect(find(fromApi, 'http_request_duration_seconds_bucket', { route: '/chat/messages', le: '+Inf' })).toHaveLength(
      2,
    );

    // Chat time to first token: the successful turn streamed, the failed one never did.
    expect(sum(find(fromApi, 'chat_time_to_first_token_seconds_count', { model: MODEL }))).toBe(1);
    expect(sum(find(fromApi, 'chat_time_to_first_token_seconds_sum', { model: MODEL }))).toBeGreaterThan(0);

    // Model calls made by the api (chat): duration, tokens, cost, failures.
    const chatCall = { feature: 'chat', model: MODEL };
    expect(sum(find(fromApi, 'llm_request_duration_seconds_count', { ...chatCall, outcome: 'ok' }))).toBe(1);
    expect(sum(find(fromApi, 'llm_request_duration_seconds_count', { ...chatCall, outcome: 'failed' }))).toBe(1);
    expect(sum(find(fromApi, 'llm_tokens_total', { ...chatCall, kind: 'input' }))).toBeGreaterThan(0);
    expect(sum(find(fromApi, 'llm_tokens_total', { ...chatCall, kind: 'output' }))).toBeGreaterThan(0);
    expect(sum(find(fromApi, 'llm_cost_usd_total', chatCall))).toBeGreaterThan(0);
    expect(find(fromApi, 'llm_failures_total', chatCall)).toEqual([
      { name: 'llm_failures_total', labels: { ...chatCall, reason: 'unavailable', service: 'api' }, value: 1 },
    ]);

    // Queue depth: a series per queue and state, read at scrape time.
    for (const queue of ALL_QUEUES) {
      for (const state of ['waiting', 'active', 'delayed', 'failed']) {
        const series = find(fromApi, 'queue_jobs', { queue, state });
        expect(series).toHaveLength(1);
        expect(series[0].value).toBeGreaterThanOrEqual(0);
      }
    }

    // Sockets per namespace, and the dependencies /health checks.
    expect(find(fromApi, 'socketio_connected_sockets', { namespace: '/chat' })[0]?.value).toBe(1);
    expect(find(fromApi, 'socketio_connected_sockets', { namespace: '/' })[0]?.value).toBe(1);
    expect(find(fromApi, 'dependency_up', { dependency: 'mongo' })[0]?.value).toBe(1);
    expect(find(fromApi, 'dependency_up', { dependency: 'redis' })[0]?.value).toBe(1);

    // prom-client's process metrics, and every series labelled with its service.
    expect(find(fromApi, 'process_cpu_user_seconds_total')).toHaveLength(1);
    expect(find(fromApi, 'nodejs_heap_size_used_bytes')).toHaveLength(1);
    expect(fromApi.every((s) => s.labels.service === 'api')).toBe(true);

    // No user id, conversation id or other high-cardinality value in any label.
    const labelValues = fromApi.flatMap((s) => Object.values(s.labels)).join('\n');
    expect(labelValues).not.toContain(user._id.toHexString());
    expect(labelValues).not.toContain(conversationId);

    // The worker: its own model calls and job outcomes.
    const fromWorker = await scrape(workerMetricsUrl);
    const titleCall = { feature: 'titles', model: MODEL };
    expect(find(fromWorker, 'queue_job_outcomes_total', { queue: 'titles', outcome: 'retried' })[0]?.value).toBe(1);
    expect(find(fromWorker, 'queue_job_outcomes_total', { queue: 'titles', outcome: 'completed' })[0]?.value).toBe(1);
    expect(sum(find(fromWorker, 'queue_job_duration_seconds_count', { queue: 'titles' }))).toBe(2);
    expect(sum(find(fromWorker, 'llm_request_duration_seconds_count', titleCall))).toBe(2);
    expect(sum(find(fromWorker, 'llm_failures_total', { ...titleCall, reason: 'unavailable' }))).toBe(1);
    expect(sum(find(fromWorker, 'llm_tokens_total', { ...titleCall, kind: 'output' }))).toBeGreaterThan(0);
    expect(find(fromWorker, 'process_cpu_user_seconds_total')).toHaveLength(1);
    expect(fromWorker.every((s) => s.labels.service === 'worker')).toBe(true);
    // Each process reports what it did: the api made no title calls, the worker no chat calls.
    expect(find(fromApi, 'llm_tokens_total', { feature: 'titles' })).toHaveLength(0);
    expect(find(fromWorker, 'llm_tokens_total', { feature: 'chat' })).toHaveLength(0);
  });

  it('has no metrics endpoints when no token is configured', async () => {
    const quietConfig = testConfig(infra);
    const quietApi = await startApi(quietConfig);
    const quietWorker = await startWorker(quietConfig);
    try {
      const res = await request(quietApi.url, 'GET', '/metrics', {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found', code: 'not_found', path: '/metrics' });
      expect(quietWorker.get(WorkerMetricsServer).url()).toBeNull();
    } finally {
      await Promise.allSettled([quietApi.close(), quietWorker.close()]);
    }
  });
});
