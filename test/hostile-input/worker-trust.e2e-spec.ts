import { INestApplicationContext } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { Db, ObjectId } from 'mongodb';
import { AppConfig } from '@app/config';
import { localDateKey } from '@app/finance';
import { SpendingCaps } from '@app/llm';
import { ALL_QUEUES, DAILY_JOB_NAMES, jobIds, QUEUES, type QueueName, reportJob } from '@app/queue';
import { recordingSocket, testQueue } from '../support/daily-queues';
import { dbSnapshot } from '../support/hostile';
import { eventually } from '../support/http';
import { seedDebt, seedExpense, seedIncome } from '../support/money-records';
import { connectDb, Infra, RunningApi, startApi, startInfra, startWorker, testConfig } from '../support/stack';
import { signMainBackendToken } from '../support/tokens';
import { seedUser, SeedUser } from '../support/users';

/**
 * Someone with Redis or board access rewrites a queued job, or adds one, so that it names another user. Workers take
 * the owner from the stored record (report, suggestion set, parse, conversation), never from job data: such a job
 * fails as unrecoverable at its first attempt, reads nothing and writes nothing (the database is exactly as it
 * was), costs no model call, and sends the other user no event. Daily jobs are refused for any day but today (give
 * or take one) and skipped for an inactive user.
 */
describe('hostile input: workers trust records, not job data', () => {
  let infra: Infra;
  let config: AppConfig;
  let api: RunningApi;
  let worker: INestApplicationContext;
  let db: Db;
  let closeDb: () => Promise<void>;
  const queues = {} as Record<QueueName, Queue>;
  let alice: SeedUser;
  let victim: SeedUser;
  let blocked: SeedUser;
  let victimEvents: Array<{ event: string; payload: unknown }>;
  const closers: Array<() => void> = [];
  const today = localDateKey(new Date(), 'UTC');
  const daysFrom = (n: number) => localDateKey(new Date(Date.now() + n * 86_400_000), 'UTC');

  const modelCalls = () => infra.model.requests.length;
  const finished = (queue: Queue, id: string) =>
    eventually(
      () => queue.getJob(id),
      (j) => j?.finishedOn !== undefined,
    ) as Promise<Job>;

  /** The job ended at its first attempt, failed for good with `reason`; nothing in the database moved. */
  async function expectRefused(job: Job, reason: string, before: string, callsBefore: number) {
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toBe(reason);
    expect(await dbSnapshot(db)).toBe(before);
    expect(modelCalls()).toBe(callsBefore);
  }

  beforeAll(async () => {
    infra = await startInfra();
    config = testConfig(infra, { JOB_ATTEMPTS: '3', TIME_ZONE: 'UTC' });
    ({ db, close: closeDb } = await connectDb(config));
    alice = await seedUser(db, { name: 'Alice' });
    // The victim's figures would give themselves away in any record they reached: £7,777.77 owed, £5,555.55 in.
    victim = await seedUser(db, { name: 'Victim' });
    await seedIncome(db, victim._id, 5555.55);
    await seedDebt(db, victim._id, { name: 'Victim secret loan', amount: 7777.77, monthlyPayment: 321 });
    await seedExpense(db, victim._id, 44.44);
    blocked = await seedUser(db, { name: 'Blocked', status: 'blocked' });
    await seedIncome(db, blocked._id, 1000);
    await seedExpense(db, blocked._id, 250);
    api = await startApi(config);
    worker = await startWorker(config);
    for (const name of ALL_QUEUES) queues[name] = testQueue(config, name);
    const token = signMainBackendToken({ id: victim._id.toHexString(), email: victim.email, role: victim.role });
    const rec = await recordingSocket(api.url, token);
    closers.push(() => rec.socket.disconnect());
    victimEvents = rec.events;
  });

  afterAll(async () => {
    closers.forEach((close) => close());
    await Promise.all(Object.values(queues).map((q) => q.close()));
    await worker?.close();
    await api?.close();
    await closeDb?.();
    await infra?.stop();
  });

  it("a queued report rewritten to another user's id fails unrecoverable; the victim's figures reach no record", async () => {
    const reportId = new ObjectId();
    await db.collection('reports').insertOne({
      _id: reportId,
      userId: alice._id,
      type: 'debt',
      status: 'queued',
      progress: 0,
      activeType: 'debt',
      dataFingerprint: null,
      dataVersion: null,
      figures: null,
      summary: null,
      insights: [],
      error: null,
      lastError: null,
      lastErrorKind: null,
      attempts: 0,
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    const before = await dbSnapshot(db);
    const calls = modelCalls();
    // Queued as the api queues it, held back, rewritten as someone with Redis or board access would, released.
    const id = jobIds.report(reportId.toHexString());
    const queued = await queues.reports.add('generate', reportJob({ _id: reportId, userId: alice._id }), {
      jobId: id,
      delay: 600_000,
    });
    await queued.updateData({ reportId: reportId.toHexString(), userId: victim._id.toHexString() });
    await queued.promote();

    const job = await finished(queues.reports, id);
    await expectRefused(job, 'job_data_mismatch: userId is not the owner of the report', before, calls);
    expect(JSON.stringify(await db.collection('reports').find().toArray())).not.toContain('777777');
    // The model call's tokens are held for the claimed user beside the start; refused, the hold is given back.
    const victimUse = await worker.get(SpendingCaps, { strict: false }).usageToday(victim._id.toHexString());
    expect(victimUse.features.reports.tokens.used).toBe(0);
    expect(victimUse.overall.usd.used).toBe(0);
  });

  it("a refresh job naming another user fails unrecoverable; the victim's figures reach no tip", async () => {
    const setId = new ObjectId();
    await db.collection('suggestions').insertOne({
      _id: setId,
      userId: alice._id,
      dateKey: today,
      source: 'refresh',
      status: 'pending',
      tips: [],
      error: null,
      attempts: 0,
      model: null,
      promptVersion: null,
      completedAt: null,
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    const before = await dbSnapshot(db);
    const calls = modelCalls();
    const id = jobIds.suggestionRefresh(setId.toHexString());
    await queues.suggestions.add(
      DAILY_JOB_NAMES.suggest,
      { userId: victim._id.toHexString(), dateKey: today, suggestionId: setId.toHexString() },
      { jobId: id },
    );
    const job = await finished(queues.suggestions, id);
    await expectRefused(job, 'job_data_mismatch: userId is not the owner of the suggestion set', before, calls);
  });

  it("an expense parse naming another user fails unrecoverable; the victim's sockets hear nothing", async () => {
    const parseId = new ObjectId();
    await db.collection('expense_parses').insertOne({
      _id: parseId,
      userId: alice._id,
      text: 'Lunch at the cafe 12.50',
      status: 'processing',
      result: null,
      error: null,
      attempts: 0,
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    const before = await dbSnapshot(db);
    const calls = modelCalls();
    const id = jobIds.expenseParse(parseId.toHexString());
    await queues[QUEUES.expenseParsing].add(
      'parse',
      { parseId: parseId.toHexString(), userId: victim._id.toHexString() },
      { jobId: id },
    );
    const job = await finished(queues[QUEUES.expenseParsing], id);
    await expectRefused(job, 'job_data_mismatch: userId is not the owner of the expense parse', before, calls);
    expect(victimEvents).toEqual([]);
  });

  it("a title job naming another user fails unrecoverable instead of titling alice's conversation for them", async () => {
    const conversationId = new ObjectId();
    const at = new Date();
    await db.collection('conversations').insertOne({
      _id: conversationId,
      userId: alice._id,
      title: null,
      titleSource: null,
      language: 'en',
      lastMessageAt: at,
      messageCount: 2,
      createdAt: at,
      updatedAt: at,
    });
    await db.collection('messages').insertMany(
      (['user', 'assistant'] as const).map((role, i) => ({
        conversationId,
        userId: alice._id,
        role,
        content: role === 'user' ? 'How do I plan for a wedding next year?' : 'Start with a monthly amount.',
        status: 'complete',
        clientMessageId: role === 'user' ? 'c-1' : null,
        createdAt: new Date(at.getTime() + i),
        updatedAt: new Date(at.getTime() + i),
      })),
    );
    const before = await dbSnapshot(db);
    const calls = modelCalls();
    const id = jobIds.title(conversationId.toHexString());
    await queues.titles.add(
      'title',
      { conversationId: conversationId.toHexString(), userId: victim._id.toHexString() },
      { jobId: id },
    );
    const job = await finished(queues.titles, id);
    await expectRefused(job, 'job_data_mismatch: userId is not the owner of the conversation', before, calls);
    expect(victimEvents).toEqual([]);
  });

  it.each([
    ['suggestions', QUEUES.suggestions],
    ['alerts', QUEUES.alerts],
  ] as const)(
    'the %s fan-out for a day other than today (±1) fails unrecoverable and queues nobody',
    async (_n, name) => {
      const queue = queues[name];
      const perUser = [DAILY_JOB_NAMES.suggest, DAILY_JOB_NAMES.screen] as string[];
      const perUserJobs = async () =>
        (await queue.getJobs(['waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed'])).filter((j) =>
          perUser.includes(j.name),
        ).length;
      const queuedBefore = await perUserJobs();
      for (const [i, dateKey] of ['2020-01-01', daysFrom(2), daysFrom(-2)].entries()) {
        const before = await dbSnapshot(db);
        const calls = modelCalls();
        const id = `hostile-fan-out-${i}`;
        await queue.add(DAILY_JOB_NAMES.fanOut, { dateKey }, { jobId: id });
        const job = await finished(queue, id);
        await expectRefused(
          job,
          'daily_date_out_of_range: dateKey must be within 1 day of today in UTC',
          before,
          calls,
        );
      }
      expect(await perUserJobs()).toBe(queuedBefore);
    },
  );

  it('a per-user daily job for another day fails unrecoverable; one for a blocked user is skipped without a model call', async () => {
    const calls = modelCalls();
    const before = await dbSnapshot(db);
    const farId = jobIds.dailySuggestion(victim._id.toHexString(), '2021-06-01');
    await queues.suggestions.add(
      DAILY_JOB_NAMES.suggest,
      { userId: victim._id.toHexString(), dateKey: '2021-06-01' },
      { jobId: farId },
    );
    await expectRefused(
      await finished(queues.suggestions, farId),
      'daily_date_out_of_range: dateKey must be within 1 day of today in UTC',
      before,
      calls,
    );

    const blockedId = blocked._id.toHexString();
    const suggest = jobIds.dailySuggestion(blockedId, today);
    await queues.suggestions.add(DAILY_JOB_NAMES.suggest, { userId: blockedId, dateKey: today }, { jobId: suggest });
    const screen = jobIds.alertScreen(blockedId, today);
    await queues.alerts.add(DAILY_JOB_NAMES.screen, { userId: blockedId, dateKey: today }, { jobId: screen });
    const [suggested, screened] = await Promise.all([
      finished(queues.suggestions, suggest),
      finished(queues.alerts, screen),
    ]);
    expect([await suggested.getState(), suggested.returnvalue]).toEqual(['completed', { status: 'skipped' }]);
    expect([await screened.getState(), screened.returnvalue]).toEqual([
      'completed',
      { status: 'skipped', flags: 0, created: 0 },
    ]);
    expect(await dbSnapshot(db)).toBe(before);
    expect(modelCalls()).toBe(calls);
  });
});
