import { appRoutes } from '@bull-board/api/dist/routes.js';
import { getQueueToken } from '@nestjs/bullmq';
import { ConnectionOptions, Job, JobType, Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import { Db, ObjectId } from 'mongodb';
import { AppConfig } from '@app/config';
import { ALL_QUEUES, QUEUES, redisOptions } from '@app/queue';
import { eventually, JsonResponse, request } from '../support/http';
import { connectDb, Infra, RunningApi, startApi, startInfra, testConfig } from '../support/stack';
import { signMainBackendToken } from '../support/tokens';
import { seedUser, SeedUser } from '../support/users';

const RETRY_JOB = '/api/queues/:queueName/:jobId/retry';
const ALL_STATES: JobType[] = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'failed',
  'completed',
  'waiting-children',
];

/**
 * The queue board at /admin/queues is read-only for everyone who can open it. Anyone with the board's password
 * used to be able to pause a queue, rewrite a queued report's userId (and so read another user's debts through
 * their own report), or add fan-out jobs for any date (a model call per user each time). Now every board route
 * that writes answers 403, checked against the board's own route table, and Redis is left exactly as it was;
 * the one write left is retrying a failed job, for admins only. Basic auth is throttled per client IP.
 */
describe('hostile input: the queue board', () => {
  let infra: Infra;
  let config: AppConfig;
  let api: RunningApi;
  let db: Db;
  let closeDb: () => Promise<void>;
  let redis: Redis;
  let admin: SeedUser;
  let owner: SeedUser;
  let victim: SeedUser;

  const reportId = new ObjectId().toHexString();
  const reportJobId = `report-${reportId}`;
  const delayedJobId = 'suggest-delayed-board-test';
  const failedJobId = 'title-failed-board-test';
  const completedJobId = 'title-completed-board-test';
  const schedulerId = 'board-test-scheduler';

  const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
  const operator = { authorization: basic('ops', 'a-long-ops-password') };
  const adminHeaders = () => ({
    authorization: `Bearer ${signMainBackendToken({ id: admin._id.toHexString(), role: 'ADMIN' })}`,
  });
  const queue = (name: string) => api.app.get<Queue>(getQueueToken(name), { strict: false });
  const board = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
    request(api.url, method.toUpperCase(), `/admin/queues${path}`, { headers, body });

  /** Everything a board write could change: each queue's meta (paused, concurrency, rate limit), jobs, schedulers. */
  async function boardState(): Promise<unknown> {
    return Promise.all(
      ALL_QUEUES.map(async (name) => {
        const q = queue(name);
        const jobs = await q.getJobs(ALL_STATES, 0, -1);
        const described = await Promise.all(
          jobs.map(async (j) => ({
            id: j.id,
            name: j.name,
            data: j.data,
            state: await j.getState(),
            priority: j.priority,
            delay: j.delay,
            attemptsMade: j.attemptsMade,
          })),
        );
        return {
          name,
          meta: await redis.hgetall(`${config.queue.prefix}:${name}:meta`),
          counts: await q.getJobCounts(),
          schedulers: await q.getJobSchedulers(),
          jobs: described.sort((a, b) => String(a.id).localeCompare(String(b.id))),
        };
      }),
    );
  }

  /** A failed and a completed job in the titles queue, run by a plain BullMQ worker that stops afterwards. */
  async function finishedTitleJobs(): Promise<void> {
    const worker = new Worker(
      QUEUES.titles,
      async (job: Job) => {
        if (job.data.fail) throw new Error('the model was unavailable');
        return 'done';
      },
      { connection: redisOptions(config.redis.url, 'worker') as ConnectionOptions, prefix: config.queue.prefix },
    );
    const titles = queue(QUEUES.titles);
    const data = { conversationId: new ObjectId().toHexString(), userId: owner._id.toHexString() };
    await titles.add('title', { ...data, fail: true }, { jobId: failedJobId, attempts: 1 });
    await titles.add('title', data, { jobId: completedJobId, attempts: 1 });
    await eventually(
      async () => [await titles.getJobState(failedJobId), await titles.getJobState(completedJobId)],
      ([f, c]) => f === 'failed' && c === 'completed',
    );
    await worker.close();
  }

  beforeAll(async () => {
    infra = await startInfra();
    config = testConfig(infra, {
      BULL_BOARD_USER: 'ops',
      BULL_BOARD_PASSWORD: 'a-long-ops-password',
      BULL_BOARD_AUTH_FAILURE_LIMIT: '3',
      // The throttle tests speak for other client IPs through X-Forwarded-For; everything else is 127.0.0.1.
      TRUST_PROXY: '1',
    });
    ({ db, close: closeDb } = await connectDb(config));
    admin = await seedUser(db, { role: 'ADMIN' });
    owner = await seedUser(db);
    victim = await seedUser(db);
    api = await startApi(config);
    redis = new Redis(redisOptions(config.redis.url, 'client'));

    await queue(QUEUES.reports).add('report', { reportId, userId: owner._id.toHexString() }, { jobId: reportJobId });
    await queue(QUEUES.suggestions).add(
      'suggest',
      { userId: owner._id.toHexString(), dateKey: '2030-01-01' },
      { jobId: delayedJobId, delay: 3_600_000 },
    );
    await queue(QUEUES.suggestions).upsertJobScheduler(
      schedulerId,
      { every: 86_400_000 },
      { name: 'fan-out', data: {} },
    );
    await finishedTitleJobs();
  });

  afterAll(async () => {
    redis?.disconnect();
    await api?.close();
    await closeDb?.();
    await infra?.stop();
  });

  /** Real ids for each route's parameters, so that a route that was not refused would really act. */
  function concretePath(route: string): string {
    let params: Record<string, string> = { queueName: QUEUES.reports, jobId: reportJobId };
    if (route.includes(':schedulerId')) params = { queueName: QUEUES.suggestions, schedulerId };
    else if (route.includes(':queueStatus')) params = { queueName: QUEUES.titles, queueStatus: 'failed' };
    else if (route === RETRY_JOB) params = { queueName: QUEUES.titles, jobId: failedJobId };
    else if (/:jobId\/(delay|promote)$/.test(route)) params = { queueName: QUEUES.suggestions, jobId: delayedJobId };
    return route.replace(/:(\w+)/g, (_, name: string) => params[name]);
  }

  /** Bodies the board accepts, so a refusal is the gate's and not a validation error. */
  function validBody(route: string): unknown {
    if (route.endsWith('/add')) return { name: 'fan-out', data: { dateKey: '1999-01-01' }, options: {} };
    if (route.endsWith('/update-data')) return { jobData: { reportId, userId: victim._id.toHexString() } };
    if (route.endsWith('/delay')) return { runAt: Date.now() + 1000 };
    if (route.endsWith('/priority')) return { priority: 1 };
    if (route.endsWith('/concurrency')) return { concurrency: 1 };
    if (route.endsWith('/rate-limit')) return { max: 1, duration: 60_000 };
    if (route.endsWith('/obliterate')) return { force: true };
    if (route.includes('job-schedulers/:schedulerId') && !/(run|remove)$/.test(route)) return { every: 1000 };
    return {};
  }

  const boardRoutes = appRoutes.api.flatMap((r) =>
    [r.route].flat().flatMap((path) => [r.method].flat().map((method) => ({ method, path }))),
  );
  const refusedForEveryone = boardRoutes.filter((r) => r.method !== 'get' && r.path !== RETRY_JOB);

  function expectReadOnlyRefusal(res: JsonResponse, what: string): void {
    expect({ what, status: res.status, code: res.body?.code }).toEqual({
      what,
      status: 403,
      code: 'board_read_only',
    });
    expect(res.body).toMatchObject({ statusCode: 403, error: 'Forbidden', message: expect.any(String) });
  }

  it('reads the routes it guards from the board itself: many writes besides retry', () => {
    expect(refusedForEveryone.length).toBeGreaterThan(20);
    expect(boardRoutes).toContainEqual({ method: 'put', path: RETRY_JOB });
  });

  it('refuses every board write but retry with 403, to operators and admins alike, and changes nothing', async () => {
    const before = await boardState();
    for (const who of [operator, adminHeaders()])
      for (const { method, path } of refusedForEveryone) {
        const res = await board(method, concretePath(path), who, validBody(path));
        expectReadOnlyRefusal(res, `${method.toUpperCase()} ${path}`);
      }
    expect(await boardState()).toEqual(before);
  });

  it("cannot rewrite a queued report's userId to read another user's data", async () => {
    const res = await board('patch', `/api/queues/reports/${reportJobId}/update-data`, operator, {
      jobData: { reportId, userId: victim._id.toHexString() },
    });
    expectReadOnlyRefusal(res, 'update-data');
    const job = await queue(QUEUES.reports).getJob(reportJobId);
    expect(job?.data).toEqual({ reportId, userId: owner._id.toHexString() });
  });

  it('cannot add a fan-out job for any date, nor pause a queue', async () => {
    const suggestions = queue(QUEUES.suggestions);
    const counts = await suggestions.getJobCounts();
    const add = await board('post', '/api/queues/suggestions/add', adminHeaders(), {
      name: 'fan-out',
      data: { dateKey: '1999-01-01' },
    });
    expectReadOnlyRefusal(add, 'add');
    expect(await suggestions.getJobCounts()).toEqual(counts);

    expectReadOnlyRefusal(await board('put', '/api/queues/reports/pause', operator), 'pause');
    expectReadOnlyRefusal(await board('put', '/api/queues/pause', adminHeaders()), 'pause all');
    for (const name of ALL_QUEUES) expect(await queue(name).isPaused()).toBe(false);
  });

  it('refuses writes dressed up as another path: case, trailing slash, encoding, unknown routes, other verbs', async () => {
    const before = await boardState();
    const attempts: [string, string][] = [
      ['PUT', '/API/QUEUES/reports/PAUSE'],
      ['PUT', '/api/queues/reports/pause/'],
      ['PUT', '/api/queues/%72eports/pause'],
      ['PUT', `/api/queues/reports/retry/retry`], // "retry all" with a status that looks like the retry route
      ['POST', '/api/queues/reports/pause'],
      ['DELETE', `/api/queues/reports/${reportJobId}`],
      ['POST', '/api/queues/reports/no-such-route'],
      ['PATCH', '/'],
    ];
    for (const [method, path] of attempts)
      for (const who of [operator, adminHeaders()])
        expectReadOnlyRefusal(await board(method, path, who, {}), `${method} ${path}`);
    expect(await boardState()).toEqual(before);
  });

  it('never lets an operator retry, nor an admin retry a job that did not fail', async () => {
    const before = await boardState();
    expectReadOnlyRefusal(await board('put', `/api/queues/titles/${failedJobId}/retry`, operator), 'operator retry');
    expectReadOnlyRefusal(
      await board('put', `/api/queues/titles/${completedJobId}/retry`, adminHeaders()),
      'retry of a completed job',
    );
    expectReadOnlyRefusal(
      await board('put', `/api/queues/reports/${reportJobId}/retry`, adminHeaders()),
      'retry of a waiting job',
    );
    expect(await boardState()).toEqual(before);
  });

  it('shows operators a read-only board and admins retry on failed jobs only', async () => {
    const asOperator = await board('get', '/api/queues', operator);
    expect(asOperator.status).toBe(200);
    expect(asOperator.body.queues).toHaveLength(ALL_QUEUES.length);
    for (const q of asOperator.body.queues)
      expect(q).toMatchObject({ readOnlyMode: true, allowRetries: false, allowCompletedRetries: false });
    const asAdmin = await board('get', '/api/queues', adminHeaders());
    for (const q of asAdmin.body.queues)
      expect(q).toMatchObject({ readOnlyMode: false, allowRetries: true, allowCompletedRetries: false });
    // Reading stays open: one job, its logs.
    expect((await board('get', `/api/queues/titles/${failedJobId}`, operator)).body.job.failedReason).toBe(
      'the model was unavailable',
    );
    expect((await board('get', `/api/queues/titles/${failedJobId}/logs`, operator)).status).toBe(200);
  });

  it('lets an admin retry a failed job, and only that job moves', async () => {
    const titles = queue(QUEUES.titles);
    const before = (await boardState()) as { name: string }[];
    const res = await board('put', `/api/queues/titles/${failedJobId}/retry`, adminHeaders());
    expect(res.status).toBe(204);
    expect(await titles.getJobState(failedJobId)).toBe('waiting');
    const after = (await boardState()) as { name: string }[];
    expect(after.filter((q) => q.name !== QUEUES.titles)).toEqual(before.filter((q) => q.name !== QUEUES.titles));
    expect(await titles.getJobState(completedJobId)).toBe('completed');
  });

  describe('basic auth', () => {
    const from = (ip: string, authorization: string) => ({ authorization, 'x-forwarded-for': ip });
    const queues = (headers: Record<string, string>) => board('get', '/api/queues', headers);

    it('refuses an IP that keeps guessing with 429 and Retry-After, even once it guesses right', async () => {
      const ip = '198.51.100.20';
      for (let i = 0; i < 3; i++) {
        const wrong = await queues(from(ip, basic('ops', `guess-number-${i}`)));
        expect(wrong.status).toBe(401);
        expect(wrong.body.code).toBe('bad_credentials');
      }
      const throttled = await queues(from(ip, basic('ops', 'guess-number-3')));
      expect(throttled.status).toBe(429);
      expect(throttled.body).toMatchObject({ statusCode: 429, code: 'too_many_attempts' });
      expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(throttled.headers.get('www-authenticate')).toBeNull();

      const right = await queues(from(ip, basic('ops', 'a-long-ops-password')));
      expect(right.status).toBe(429);
      expect(right.body.queues).toBeUndefined();
      // Another client is not affected.
      expect((await queues(from('198.51.100.21', basic('ops', 'a-long-ops-password')))).status).toBe(200);
    });

    it('counts parallel guesses before checking them, so a burst gets no more tries than the limit', async () => {
      const ip = '198.51.100.30';
      const burst = await Promise.all(
        Array.from({ length: 20 }, (_, i) => queues(from(ip, basic('ops', `parallel-guess-${i}`)))),
      );
      const statuses = burst.map((r) => r.status);
      expect(statuses.filter((s) => s === 401)).toHaveLength(3);
      expect(statuses.filter((s) => s === 429)).toHaveLength(17);
    });

    it('does not count right answers against the operator', async () => {
      const ip = '198.51.100.40';
      for (let i = 0; i < 6; i++)
        expect((await queues(from(ip, basic('ops', 'a-long-ops-password')))).status).toBe(200);
      expect((await queues(from(ip, basic('ops', 'one-typo')))).status).toBe(401);
    });

    it('compares user and password as one pair: a right password with the wrong user, or shifted colons, fail', async () => {
      const ip = '198.51.100.50';
      expect((await queues(from(ip, basic('admin', 'a-long-ops-password')))).status).toBe(401);
      expect((await queues(from(ip, basic('ops:a-long', 'ops-password')))).status).toBe(401);
      expect((await queues(from('198.51.100.51', basic('ops', 'a-long-ops-password')))).status).toBe(200);
    });
  });
});
