import { getQueueToken } from '@nestjs/bullmq';
import { INestApplicationContext } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { Queue } from 'bullmq';
import { Db, ObjectId } from 'mongodb';
import type { Connection } from 'mongoose';
import { AppConfig } from '@app/config';
import { QUEUES } from '@app/queue';
import type { ChatRequest } from '../../tools/fake-openai';
import { eventually, request } from '../support/http';
import { seedExpense, seedIncome } from '../support/money-records';
import { connectDb, Infra, RunningApi, startApi, startInfra, startWorker, testConfig } from '../support/stack';
import { signMainBackendToken } from '../support/tokens';
import { seedUser, SeedUser } from '../support/users';

const EXPENSES_SCHEMA = 'expenses_optimisation_report';
const isExpensesReport = (req: ChatRequest) =>
  req.response_format?.type === 'json_schema' && req.response_format.json_schema.name === EXPENSES_SCHEMA;
const MAIN_BACKEND = new Set(['users', 'incomes', 'expenses', 'budgets', 'debts', 'savinggoals', 'subscriptions']);

/**
 * `POST /reports` under pressure: many identical requests at once from one user with a long ledger. They settle on
 * one report (one job, one model call) and none answers 500, though the database's one-active-report-per-type index
 * refuses all inserts but one. Deciding to reuse a completed report reads no record of the ledger: the api sends the
 * same one command to the main backend's collections for 3,000 expenses as for one (the ledger version probe).
 */
describe('hostile input: report races and ledger-sized requests', () => {
  let infra: Infra;
  let config: AppConfig;
  let api: RunningApi;
  let worker: INestApplicationContext;
  let db: Db;
  let closeDb: () => Promise<void>;
  let racer: SeedUser;
  let small: SeedUser;

  const tokenFor = (u: SeedUser) => signMainBackendToken({ id: u._id.toHexString(), email: u.email, role: u.role });
  const post = (u: SeedUser) =>
    request(api.url, 'POST', '/reports', { token: tokenFor(u), body: { type: 'expenses' } });
  const reportCalls = () => infra.model.requests.filter((r) => r.chat && isExpensesReport(r.chat)).length;
  const completed = (u: SeedUser, id: string) =>
    eventually(
      () => request(api.url, 'GET', `/reports/${id}`, { token: tokenFor(u) }),
      (r) => r.body.status === 'completed' || r.body.status === 'failed',
      60_000,
    );

  /** The commands the api sends to the main backend's collections while `fn` runs, as `collection.method`. */
  async function ledgerCommands(fn: () => Promise<unknown>): Promise<string[]> {
    const connection = api.app.get<Connection>(getConnectionToken());
    const seen: string[] = [];
    const listener = (op: { collectionName: string; method: string }) => {
      if (MAIN_BACKEND.has(op.collectionName)) seen.push(`${op.collectionName}.${op.method}`);
    };
    connection.on('operation-start', listener);
    try {
      await fn();
    } finally {
      connection.off('operation-start', listener);
    }
    return seen.sort();
  }

  beforeAll(async () => {
    infra = await startInfra();
    config = testConfig(infra, {
      REPORT_CACHE_WINDOW_MS: '600000',
      REPORTS_RATE_LIMIT: '1000',
      JOB_ATTEMPTS: '3',
      USER_CACHE_TTL_MS: '60000',
    });
    ({ db, close: closeDb } = await connectDb(config));
    racer = await seedUser(db, { name: 'Racer' });
    await seedIncome(db, racer._id, 2500);
    // Three months of small purchases: a ledger that takes the finance core a while to read.
    const now = Date.now();
    const docs = Array.from({ length: 3000 }, (_, i) => {
      const at = new Date(now - (i % 85) * 86_400_000 - 3_600_000);
      return {
        _id: new ObjectId(),
        name: `Shop ${i % 300}`,
        amount: 1 + (i % 50),
        endDate: at,
        frequency: 'on-off',
        userId: racer._id,
        isDeleted: false,
        createdAt: at,
        updatedAt: at,
        __v: 0,
      };
    });
    for (let i = 0; i < docs.length; i += 1000) await db.collection('expenses').insertMany(docs.slice(i, i + 1000));
    small = await seedUser(db, { name: 'Small' });
    await seedIncome(db, small._id, 2500);
    await seedExpense(db, small._id, 12.5);
    // Every report gets a valid answer at once, so one can finish while other requests are still asking.
    infra.model.setResponder(() => ({
      json: {
        summary: 'Here is where your money goes.',
        insights: [{ title: 'Review', detail: 'Go through last month.', impact: 'medium', figureKeys: [] }],
      },
    }));
    api = await startApi(config);
    worker = await startWorker(config);
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await closeDb?.();
    await infra?.stop();
  });

  it('30 parallel identical POST /reports: all 202 or 200, one report id, one job, one model call, no 500', async () => {
    const answers = await Promise.all(Array.from({ length: 30 }, () => post(racer)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s !== 202 && s !== 200)).toEqual([]);
    const ids = new Set(answers.map((a) => a.body.id));
    expect(ids.size).toBe(1);
    const [id] = ids;
    expect((await completed(racer, id)).body.status).toBe('completed');

    const queue = api.app.get<Queue>(getQueueToken(QUEUES.reports));
    const jobs = await queue.getJobs(['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed']);
    expect(jobs.map((j) => j.id)).toEqual([`report-${id}`]);
    expect(reportCalls()).toBe(1);
    expect(await db.collection('reports').countDocuments({ userId: racer._id })).toBe(1);

    // Asked again once it is done, on unchanged data: the stored report, still one model call.
    const again = await post(racer);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id, cached: true });
    expect(reportCalls()).toBe(1);
    // The test database serves each query in this process, one at a time: 30 requests take a while.
  }, 90_000);

  it('decides reuse without reading the ledger: one probe aggregate, the same for 3,000 expenses as for one', async () => {
    const first = await post(small);
    expect(first.status).toBe(202);
    await completed(small, first.body.id);

    let bigAnswer: Awaited<ReturnType<typeof post>> | undefined;
    let smallAnswer: Awaited<ReturnType<typeof post>> | undefined;
    const big = await ledgerCommands(async () => (bigAnswer = await post(racer)));
    const little = await ledgerCommands(async () => (smallAnswer = await post(small)));
    expect([bigAnswer!.status, smallAnswer!.status]).toEqual([200, 200]);
    expect(big).toEqual(little);
    // The ledger version is one aggregate on users (newest updatedAt per collection through $unionWith/$lookup).
    expect(big).toEqual(['users.aggregate']);
  });

  it('a change to the ledger (a new expense) is seen by the probe: a new report, one more model call', async () => {
    const before = reportCalls();
    await seedExpense(db, racer._id, 99.99);
    const fresh = await post(racer);
    expect(fresh.status).toBe(202);
    expect(fresh.body.cached).toBe(false);
    expect((await completed(racer, fresh.body.id)).body.status).toBe('completed');
    expect(reportCalls()).toBe(before + 1);
  });
});
