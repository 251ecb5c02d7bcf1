import { Db } from 'mongodb';
import { INestApplicationContext } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { ChildWorker, startChildWorker } from './support/child-worker';
import { matchers } from '../tools/fake-openai';
import { eventually, request } from './support/http';
import { connectDb, Infra, RunningApi, startApi, startInfra, startWorker, testConfig, testEnv } from './support/stack';
import { signMainBackendToken } from './support/tokens';
import { seedUser, SeedUser } from './support/users';

const answer = (description: string) => ({
  amount: 9.99,
  currency: 'GBP',
  category: 'Dining',
  description,
  date: '2026-11-20',
  unparseableReason: null,
});

interface Stack {
  env: Record<string, string>;
  config: AppConfig;
  api: RunningApi;
  db: Db;
  user: SeedUser;
  close(): Promise<void>;
}

/**
 * How workers treat the model and their own deaths, shown on expense parsing: retries with backoff that
 * honours Retry-After, clean failures with a reason, timeouts, the rate limiter, and a worker killed mid-job.
 */
describe('worker behaviour', () => {
  let infra: Infra;

  beforeAll(async () => {
    infra = await startInfra();
  });
  afterAll(() => infra?.stop());
  beforeEach(() => infra.model.reset());

  async function startStack(overrides: Record<string, string> = {}): Promise<Stack> {
    const env = testEnv(infra, { JOB_ATTEMPTS: '3', JOB_BACKOFF_MS: '50', OPENAI_TIMEOUT_MS: '1000', ...overrides });
    const config = testConfig(infra, env);
    const { db, close } = await connectDb(config);
    const user = await seedUser(db);
    const api = await startApi(config);
    return { env, config, api, db, user, close: async () => (await api.close(), await close()) };
  }

  const token = (s: Stack) => signMainBackendToken({ id: s.user._id.toHexString() });

  async function submit(s: Stack, text: string): Promise<string> {
    const res = await request(s.api.url, 'POST', '/expenses/parse', { token: token(s), body: { text } });
    expect(res.status).toBe(202);
    return res.body.id;
  }

  function settled(s: Stack, id: string, timeoutMs = 15_000): Promise<any> {
    return eventually(
      () => request(s.api.url, 'GET', `/expenses/parse/${id}`, { token: token(s) }),
      (r) => r.body.status !== 'processing',
      timeoutMs,
    ).then((r) => r.body);
  }

  const callsFor = (marker: string) =>
    infra.model.requests.filter((r) => r.chat && matchers.lastUserIncludes(marker)(r.chat));

  describe('model failures', () => {
    let s: Stack;
    let worker: INestApplicationContext;
    beforeAll(async () => {
      s = await startStack();
      worker = await startWorker(s.config);
    });
    afterAll(async () => {
      await worker?.close();
      await s?.close();
    });

    it('waits as long as Retry-After asks after a 429, then succeeds', async () => {
      const m = matchers.lastUserIncludes('retry after');
      infra.model.enqueue(
        { match: m, error: { status: 429, retryAfterSeconds: 1 } },
        { match: m, json: answer('After the wait') },
      );
      const body = await settled(s, await submit(s, 'coffee 9.99 retry after'));
      expect(body).toMatchObject({ status: 'completed', result: { description: 'After the wait' } });
      const [first, second] = callsFor('retry after');
      expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(950); // the base backoff is only 50 ms
    });

    it('ends in a clean failure with a reason when the model keeps answering 500', async () => {
      const m = matchers.lastUserIncludes('always broken');
      for (let i = 0; i < 3; i++)
        infra.model.enqueue({ match: m, error: { status: 500, message: 'internal details' } });
      const body = await settled(s, await submit(s, 'lunch 9.99 always broken'));
      expect(body).toMatchObject({ status: 'failed', error: 'Model server error (500)' });
      expect(callsFor('always broken')).toHaveLength(3);
      const usage = await s.db.collection('ai_usage').find({ feature: 'expense-parse', success: false }).toArray();
      expect(usage.length).toBeGreaterThanOrEqual(3);
    });

    it('retries an answer that is not valid JSON, then succeeds', async () => {
      const m = matchers.lastUserIncludes('garbled');
      infra.model.enqueue({ match: m, json: 'not an expense object' }, { match: m, json: answer('Second time right') });
      const body = await settled(s, await submit(s, 'tea 9.99 garbled'));
      expect(body).toMatchObject({ status: 'completed', result: { description: 'Second time right' } });
      expect((await s.db.collection('expense_parses').findOne({ text: 'tea 9.99 garbled' }))?.attempts).toBe(2);
    });

    it('times out a hanging model request and retries it', async () => {
      const m = matchers.lastUserIncludes('hangs once');
      infra.model.enqueue({ match: m, hang: true }, { match: m, json: answer('After a timeout') });
      const body = await settled(s, await submit(s, 'cake 9.99 hangs once'));
      expect(body).toMatchObject({ status: 'completed', result: { description: 'After a timeout' } });
      expect(callsFor('hangs once')).toHaveLength(2);
    });

    it('fails at once, without retries, when the text holds no expense', async () => {
      infra.model.enqueue({
        match: matchers.lastUserIncludes('hello there'),
        json: { ...answer('x'), amount: null, unparseableReason: 'No amount mentioned' },
      });
      const body = await settled(s, await submit(s, 'hello there'));
      expect(body).toMatchObject({ status: 'failed', error: 'No amount mentioned' });
      expect(callsFor('hello there')).toHaveLength(1);
    });
  });

  it('keeps job starts under the configured model rate limit', async () => {
    const s = await startStack({ MODEL_JOBS_PER_WINDOW: '1', MODEL_JOBS_WINDOW_MS: '600', WORKER_CONCURRENCY: '4' });
    const worker = await startWorker(s.config);
    try {
      infra.model.setResponder(() => ({ json: answer('Limited') }));
      const ids = [];
      for (const n of ['one', 'two', 'three']) ids.push(await submit(s, `snack 9.99 limited ${n}`));
      for (const id of ids) expect((await settled(s, id)).status).toBe('completed');
      const times = callsFor('limited')
        .map((r) => r.receivedAt)
        .sort((a, b) => a - b);
      expect(times).toHaveLength(3);
      expect(times[2] - times[0]).toBeGreaterThanOrEqual(2 * 600 - 100);
    } finally {
      await worker.close();
      await s.close();
    }
  });

  it('finishes a job exactly once when its worker is killed mid-job and another starts', async () => {
    const s = await startStack({ JOB_LOCK_MS: '1500', JOB_STALLED_CHECK_MS: '500' });
    let first: ChildWorker | null = await startChildWorker(s.env);
    let second: ChildWorker | null = null;
    try {
      const m = matchers.lastUserIncludes('survives a crash');
      infra.model.enqueue({ match: m, hang: true }, { match: m, json: answer('Done once') });
      const id = await submit(s, 'dinner 9.99 survives a crash');
      await eventually(
        async () => callsFor('survives a crash').length,
        (n) => n === 1,
        10_000,
      );
      await first.kill();
      first = null;
      second = await startChildWorker(s.env);
      const body = await settled(s, id, 20_000);
      expect(body).toMatchObject({ status: 'completed', result: { description: 'Done once' } });
      const stored = await s.db.collection('expense_parses').findOne({ text: 'dinner 9.99 survives a crash' });
      expect(stored).toMatchObject({ status: 'completed', attempts: 2 });
      // Exactly once: one completion stored, and no further model calls once it completed.
      await new Promise((r) => setTimeout(r, 1000));
      expect(callsFor('survives a crash')).toHaveLength(2);
    } finally {
      await first?.kill();
      await second?.stop();
      await s.close();
    }
  });
});
