import { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Db, ObjectId } from 'mongodb';
import { Socket } from 'socket.io-client';
import { AppConfig } from '@app/config';
import { SUGGESTION_CATEGORIES } from '@app/database';
import { localDateKey } from '@app/finance';
import { DAILY_JOB_NAMES, jobIds, QUEUES } from '@app/queue';
import { DAILY_SCHEDULERS } from '../apps/worker/src/daily/daily-schedules';
import { recordingSocket, testQueue } from './support/daily-queues';
import { matchers, type ChatRequest, type Reply } from '../tools/fake-openai';
import { eventually, request } from './support/http';
import { seedExpense, seedIncome } from './support/money-records';
import { connectDb, Infra, RunningApi, startApi, startInfra, startWorker, testConfig } from './support/stack';
import { signMainBackendToken } from './support/tokens';
import { seedUser, SeedUser } from './support/users';

/** A valid answer built from the request's own schema: three tips citing the figures offered, spending first. */
function tipsFromSchema(req: ChatRequest): Reply {
  const schema = (req.response_format as any).json_schema.schema;
  const keys: string[] = schema.properties.tips.items.properties.figureKeys.items.enum;
  const ordered = [
    ...keys.filter((k) => k === 'this_month_spending'),
    ...keys.filter((k) => k !== 'this_month_spending'),
  ];
  return {
    json: {
      tips: [0, 1, 2].map((i) => ({
        title: `Tip number ${i + 1}`,
        detail: `Look at ${ordered[i % ordered.length]} this week and act on it.`,
        category: SUGGESTION_CATEGORIES[i],
        figureKeys: [ordered[i % ordered.length]],
      })),
    },
    usage: { prompt_tokens: 300, completion_tokens: 90 },
  };
}

const isSuggestionsCall = (req: ChatRequest) => (req.response_format as any)?.json_schema?.name === 'daily_tips';

describe('daily suggestions (scheduler, fan-out, worker, api, sockets)', () => {
  let infra: Infra;
  let config: AppConfig;
  let api: RunningApi;
  const workers: INestApplicationContext[] = [];
  let db: Db;
  let closeDb: () => Promise<void>;
  let queue: Queue;
  let alertsQueue: Queue;
  const sockets: Socket[] = [];
  const today = localDateKey(new Date(), 'UTC');
  let alice: SeedUser;
  let bob: SeedUser;
  let empty: SeedUser;
  let blocked: SeedUser;
  let deleted: SeedUser;

  const tokenFor = (u: SeedUser) => signMainBackendToken({ id: u._id.toHexString(), email: u.email, role: u.role });
  const listen = async (u: SeedUser) => {
    const r = await recordingSocket(api.url, tokenFor(u));
    sockets.push(r.socket);
    return r.events;
  };
  const requestsMentioning = (marker: string) =>
    infra.model.requests.filter(
      (r) => r.chat && isSuggestionsCall(r.chat) && JSON.stringify(r.chat.messages).includes(marker),
    );

  beforeAll(async () => {
    infra = await startInfra();
    config = testConfig(infra, {
      FANOUT_BATCH_SIZE: '2',
      JOB_ATTEMPTS: '3',
      // Six a minute, at most three in any half minute.
      SUGGESTIONS_REFRESH_LIMIT: '6',
      SUGGESTIONS_REFRESH_WINDOW_MS: '60000',
    });
    ({ db, close: closeDb } = await connectDb(config));
    alice = await seedUser(db, { name: 'Alice' });
    await seedIncome(db, alice._id, 2000);
    await seedExpense(db, alice._id, 450);
    bob = await seedUser(db, { name: 'Bob' });
    await seedIncome(db, bob._id, 1200);
    await seedExpense(db, bob._id, 80, { name: 'Netflix' });
    empty = await seedUser(db, { name: 'No data yet' });
    blocked = await seedUser(db, { status: 'blocked' });
    await seedExpense(db, blocked._id, 10);
    deleted = await seedUser(db, { isDeleted: true });
    await seedExpense(db, deleted._id, 10);

    infra.model.setResponder(tipsFromSchema);
    api = await startApi(config);
    // Two worker processes, as a scaled deployment runs them.
    workers.push(await startWorker(config), await startWorker(config));
    queue = testQueue(config, QUEUES.suggestions);
    alertsQueue = testQueue(config, QUEUES.alerts);
  });

  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await queue?.close();
    await alertsQueue?.close();
    await Promise.all(workers.map((w) => w.close()));
    await api?.close();
    await closeDb?.();
    await infra?.stop();
  });

  it('registers one schedule per daily task for the cluster, at the configured time and zone, however many workers start', async () => {
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers).toHaveLength(1);
    expect(schedulers[0]).toMatchObject({
      key: DAILY_SCHEDULERS.suggestions,
      name: DAILY_JOB_NAMES.fanOut,
      pattern: '0 6 * * *',
      tz: 'UTC',
    });
    const next = new Date(schedulers[0].next!);
    expect([next.getUTCHours(), next.getUTCMinutes()]).toEqual([6, 0]);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect((await queue.getDelayed()).filter((j) => j.name === DAILY_JOB_NAMES.fanOut)).toHaveLength(1);

    const alertSchedulers = await alertsQueue.getJobSchedulers();
    expect(alertSchedulers).toHaveLength(1);
    expect(alertSchedulers[0]).toMatchObject({ key: DAILY_SCHEDULERS.alerts, pattern: '0 5 * * *', tz: 'UTC' });
  });

  it('answers 404 before any set exists, and 401 without a token', async () => {
    const none = await request(api.url, 'GET', '/suggestions', { token: tokenFor(alice) });
    expect(none.status).toBe(404);
    expect(none.body.code).toBe('not_found');
    expect((await request(api.url, 'GET', '/suggestions')).status).toBe(401);
  });

  it('fans out to active users only, in batches, and each gets three tips tied to their own figures', async () => {
    const aliceEvents = await listen(alice);
    await queue.add(DAILY_JOB_NAMES.fanOut, { dateKey: today }, { jobId: 'manual-fan-out-1' });

    const fanOut = await eventually(
      () => queue.getJob('manual-fan-out-1'),
      (j) => j?.finishedOn !== undefined,
    );
    expect(fanOut!.returnvalue).toEqual({ dateKey: today, queued: 3 });
    // Batches of two: the saved resume point is the last user of the second page.
    expect(fanOut!.progress).toEqual({ dateKey: today, lastUserId: empty._id.toHexString(), queued: 3 });

    const jobOf = (u: SeedUser) => queue.getJob(jobIds.dailySuggestion(u._id.toHexString(), today));
    for (const u of [alice, bob, empty]) expect(await jobOf(u)).toBeDefined();
    for (const u of [blocked, deleted]) expect(await jobOf(u)).toBeUndefined();
    expect((await jobOf(alice))!.opts.priority).toBeGreaterThan(0);

    const sets = await eventually(
      () => db.collection('suggestions').find({ dateKey: today, source: 'daily' }).toArray(),
      (rows) => rows.length === 2 && rows.every((r) => r.status === 'completed'),
    );
    expect(sets.map((s) => String(s.userId)).sort()).toEqual([alice._id.toHexString(), bob._id.toHexString()].sort());
    // The user without any records: the job completed without a model call or a stored set.
    const emptyJob = await eventually(jobOf.bind(null, empty), (j) => j?.finishedOn !== undefined);
    expect(emptyJob!.returnvalue).toEqual({ status: 'skipped' });

    const aliceSet = sets.find((s) => s.userId.equals(alice._id))!;
    expect(aliceSet.tips).toHaveLength(3);
    for (const tip of aliceSet.tips) {
      expect(SUGGESTION_CATEGORIES).toContain(tip.category);
      expect(tip.title.length).toBeLessThanOrEqual(60);
      expect(tip.figures.length).toBeGreaterThanOrEqual(1);
    }
    // The stored figure is ours (libs/finance, formatted in GBP), not the model's.
    expect(aliceSet.tips[0].figures[0]).toEqual({
      key: 'this_month_spending',
      label: expect.stringMatching(/^Spending this month so far/),
      value: 45000,
      unit: 'money',
      text: '£450.00',
    });
    const prompt = requestsMentioning('£450.00')[0]
      .chat!.messages.map((m) => m.content)
      .join('\n');
    expect(prompt).toMatch(/this_month_spending: Spending this month so far \(day \d+ of \d+\) = £450\.00/);
    expect(prompt).toContain('this_month_income: Income this month so far');

    const latest = await request(api.url, 'GET', '/suggestions', { token: tokenFor(alice) });
    expect(latest.status).toBe(200);
    expect(latest.body).toMatchObject({
      id: String(aliceSet._id),
      status: 'completed',
      source: 'daily',
      date: today,
      error: null,
    });
    expect(latest.body.tips.map((t: any) => t.title)).toEqual(['Tip number 1', 'Tip number 2', 'Tip number 3']);

    await eventually(
      async () => aliceEvents.filter((e) => e.event === 'suggestions:ready'),
      (e) => e.length === 1,
    );
    expect(aliceEvents.find((e) => e.event === 'suggestions:ready')!.payload).toEqual({
      id: String(aliceSet._id),
      count: 3,
    });

    const usage = await db.collection('ai_usage').find({ userId: alice._id, feature: 'suggestions' }).toArray();
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ success: true, inputTokens: 300, outputTokens: 90 });
  });

  it('does not redo a day: a second fan-out and a duplicate per-user job make no model call and no new set', async () => {
    const callsBefore = infra.model.requests.length;
    await queue.add(DAILY_JOB_NAMES.fanOut, { dateKey: today }, { jobId: 'manual-fan-out-2' });
    const again = await eventually(
      () => queue.getJob('manual-fan-out-2'),
      (j) => j?.finishedOn !== undefined,
    );
    expect(again!.returnvalue).toEqual({ dateKey: today, queued: 3 });

    // Even a job that slips past the job-id check (removed from Redis, say) finds the finished set and stops.
    const dup = await queue.add(
      DAILY_JOB_NAMES.suggest,
      { userId: alice._id.toHexString(), dateKey: today },
      { jobId: 'hand-made-duplicate' },
    );
    const done = await eventually(
      () => queue.getJob(dup.id!),
      (j) => j?.finishedOn !== undefined,
    );
    expect(done!.returnvalue).toEqual({ status: 'completed', id: expect.any(String) });

    expect(infra.model.requests.length).toBe(callsBefore);
    expect(await db.collection('suggestions').countDocuments({ dateKey: today, source: 'daily' })).toBe(2);
  });

  it('refreshes on request: 202, the model waits out Retry-After, then the set is stored and the socket told', async () => {
    const carol = await seedUser(db, { name: 'Carol' });
    await seedIncome(db, carol._id, 1500);
    await seedExpense(db, carol._id, 321);
    const events = await listen(carol);
    infra.model.enqueue({
      error: { status: 429, message: 'slow down', retryAfterSeconds: 1 },
      match: matchers.lastUserIncludes('£321.00'),
    });

    const accepted = await request(api.url, 'POST', '/suggestions/refresh', { token: tokenFor(carol) });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ id: expect.stringMatching(/^[0-9a-f]{24}$/), status: 'pending' });
    expect(accepted.headers.get('x-ratelimit-limit')).toBe('6');
    // Two more in this half minute.
    expect(accepted.headers.get('x-ratelimit-remaining')).toBe('2');

    const ready = await eventually(
      async () => events.find((e) => e.event === 'suggestions:ready'),
      (e) => e !== undefined,
      15_000,
    );
    expect(ready!.payload).toEqual({ id: accepted.body.id, count: 3 });

    const calls = requestsMentioning('£321.00');
    expect(calls).toHaveLength(2);
    // Exponential backoff alone would have retried after 50 ms; the model asked for a second.
    expect(calls[1].receivedAt - calls[0].receivedAt).toBeGreaterThanOrEqual(1000);

    const stored = await db.collection('suggestions').findOne({ _id: new ObjectId(accepted.body.id) });
    expect(stored).toMatchObject({
      status: 'completed',
      source: 'refresh',
      attempts: 2,
      userId: carol._id,
      promptVersion: 'suggestions@1',
    });
    const usage = await db
      .collection('ai_usage')
      .find({ userId: carol._id, feature: 'suggestions' })
      .sort({ createdAt: 1 })
      .toArray();
    expect(usage.map((u) => [u.success, u.errorCode])).toEqual([
      [false, 'rate_limited'],
      [true, null],
    ]);

    const byId = await request(api.url, 'GET', `/suggestions/${accepted.body.id}`, { token: tokenFor(carol) });
    expect(byId.body).toMatchObject({ id: accepted.body.id, status: 'completed', source: 'refresh' });
    expect(byId.body.tips[0].figures[0]).toMatchObject({ key: 'this_month_spending', text: '£321.00' });
    expect((await request(api.url, 'GET', '/suggestions', { token: tokenFor(carol) })).body.id).toBe(accepted.body.id);

    // Another user's set reads as missing; a malformed id is a 400.
    expect((await request(api.url, 'GET', `/suggestions/${accepted.body.id}`, { token: tokenFor(alice) })).status).toBe(
      404,
    );
    expect((await request(api.url, 'GET', '/suggestions/not-an-id', { token: tokenFor(carol) })).body.code).toBe(
      'invalid_id',
    );
  });

  it('rate limits refreshes per user with 429 and Retry-After', async () => {
    const dave = await seedUser(db);
    const token = tokenFor(dave);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await request(api.url, 'POST', '/suggestions/refresh', { token }));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 429]);
    const refused = answers[3];
    expect(refused.body).toMatchObject({ statusCode: 429, code: 'rate_limited' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    // The limit is per user: someone else still gets through.
    expect((await request(api.url, 'POST', '/suggestions/refresh', { token: tokenFor(bob) })).status).toBe(202);
  });

  it('fails a refresh cleanly when the model keeps answering out of schema: reason stored, job failed, socket told', async () => {
    const erin = await seedUser(db, { name: 'Erin' });
    await seedIncome(db, erin._id, 900);
    await seedExpense(db, erin._id, 777.77);
    const events = await listen(erin);
    const oneTip = {
      json: {
        tips: [
          {
            title: 'Only one',
            detail: 'A single tip is not a set.',
            category: 'saving',
            figureKeys: ['this_month_spending'],
          },
        ],
      },
    };
    infra.model.enqueue(...[1, 2, 3].map(() => ({ ...oneTip, match: matchers.lastUserIncludes('£777.77') })));

    const accepted = await request(api.url, 'POST', '/suggestions/refresh', { token: tokenFor(erin) });
    expect(accepted.status).toBe(202);
    const failed = await eventually(
      async () => events.find((e) => e.event === 'suggestions:failed'),
      (e) => e !== undefined,
      15_000,
    );
    expect(failed!.payload).toEqual({ id: accepted.body.id, error: expect.stringMatching(/did not match the schema/) });

    const view = await request(api.url, 'GET', `/suggestions/${accepted.body.id}`, { token: tokenFor(erin) });
    expect(view.body).toMatchObject({
      status: 'failed',
      tips: [],
      error: expect.stringMatching(/did not match the schema/),
    });
    const job = await queue.getJob(jobIds.suggestionRefresh(accepted.body.id));
    expect(await job!.getState()).toBe('failed');
    expect(job!.attemptsMade).toBe(3);
    expect(job!.failedReason).toMatch(/did not match the schema/);
    expect(requestsMentioning('£777.77')).toHaveLength(3);
    const usage = await db.collection('ai_usage').find({ userId: erin._id, feature: 'suggestions' }).toArray();
    expect(usage.map((u) => u.errorCode)).toEqual(['invalid_output', 'invalid_output', 'invalid_output']);
    expect((await request(api.url, 'GET', '/suggestions', { token: tokenFor(erin) })).status).toBe(404);
    expect(events.some((e) => e.event === 'suggestions:ready')).toBe(false);
  });

  it('fans out for the local day when the schedule fires', async () => {
    // Every second instead of 06:00, so the scheduler's own job runs now; the day comes from when it was due.
    await queue.upsertJobScheduler(
      DAILY_SCHEDULERS.suggestions,
      { pattern: '* * * * * *', tz: 'UTC' },
      { name: DAILY_JOB_NAMES.fanOut, data: {} },
    );
    try {
      const fired = await eventually(
        async () =>
          (await queue.getCompleted()).find(
            (j) => j.name === DAILY_JOB_NAMES.fanOut && j.repeatJobKey === DAILY_SCHEDULERS.suggestions,
          ),
        (j) => j !== undefined,
        5000,
      );
      expect(fired!.returnvalue).toEqual({
        dateKey: localDateKey(new Date(fired!.opts.prevMillis!), 'UTC'),
        queued: expect.any(Number),
      });
      expect(fired!.returnvalue.queued).toBeGreaterThanOrEqual(3);
    } finally {
      await queue.removeJobScheduler(DAILY_SCHEDULERS.suggestions);
    }
  });
});
