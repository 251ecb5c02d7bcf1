import { INestApplicationContext } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import Redis from 'ioredis';
import { Db, ObjectId } from 'mongodb';
import type { Connection } from 'mongoose';
import { AppConfig } from '@app/config';
import { redisOptions } from '@app/queue';
import { eventually, request } from './support/http';
import { seedDebt, seedIncome } from './support/money-records';
import { connectDb, Infra, RunningApi, startApi, startInfra, startWorker, testConfig } from './support/stack';
import { signMainBackendToken } from './support/tokens';
import { seedUser, SeedUser } from './support/users';

const MAIN_BACKEND = new Set(['users', 'incomes', 'expenses', 'budgets', 'debts', 'savinggoals', 'subscriptions']);

/**
 * The snapshot on a path with no chat: POST /reports (the api probes the ledger version) and the worker that
 * computes the figures through the same cached snapshot. A change the main backend makes between two requests
 * shows in the second report; a request on unchanged data reuses the worker's stored snapshot.
 */
describe('financial snapshot: reports through the worker', () => {
  let infra: Infra;
  let config: AppConfig;
  let api: RunningApi;
  let worker: INestApplicationContext;
  let db: Db;
  let closeDb: () => Promise<void>;
  let redis: Redis;
  let user: SeedUser;
  let card: ObjectId;

  const token = () => signMainBackendToken({ id: user._id.toHexString(), email: user.email, role: user.role });
  const post = (type: string) => request(api.url, 'POST', '/reports', { token: token(), body: { type } });
  const finished = (id: string) =>
    eventually(
      () => request(api.url, 'GET', `/reports/${id}`, { token: token() }),
      (r) => r.body.status === 'completed' || r.body.status === 'failed',
      30_000,
    );
  const stored = async () => {
    const raw = await redis.get(`${config.queue.prefix}:snapshot:${user._id.toHexString()}`);
    return raw ? (JSON.parse(raw) as { version: string; computedAt: string }) : null;
  };

  beforeAll(async () => {
    infra = await startInfra();
    config = testConfig(infra, { REPORTS_RATE_LIMIT: '100' });
    ({ db, close: closeDb } = await connectDb(config));
    redis = new Redis(redisOptions(config.redis.url, 'client'));
    user = await seedUser(db);
    await seedIncome(db, user._id, 3000);
    card = await seedDebt(db, user._id, { name: 'Card', amount: 1200, monthlyPayment: 100 });
    // Any report gets a valid answer that states no figure.
    infra.model.setResponder(() => ({
      json: {
        summary: 'Here is where your money stands.',
        insights: [{ title: 'Review', detail: 'Go through your payments.', impact: 'medium', figureKeys: [] }],
      },
    }));
    api = await startApi(config);
    worker = await startWorker(config);
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    redis?.disconnect();
    await closeDb?.();
    await infra?.stop();
  });

  it('a debt changed between two POST /reports shows in the second report, on a new version', async () => {
    const first = await post('debt');
    expect(first.status).toBe(202);
    const done = await finished(first.body.id);
    expect(done.body).toMatchObject({ status: 'completed', figures: { totalBalanceMinor: 120000 } });

    // The worker stored its snapshot under the version the api recorded on the report.
    const report = await db.collection('reports').findOne({ _id: new ObjectId(first.body.id) });
    const snapshot = await stored();
    expect(snapshot?.version).toMatch(/^[0-9a-f]{32}$/);
    expect(report?.dataVersion).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2}:${snapshot?.version}$`));

    await db.collection('debts').updateOne({ _id: card }, { $set: { amount: 800, updatedAt: new Date() } });
    const second = await post('debt');
    expect(second.status).toBe(202);
    expect(second.body.id).not.toBe(first.body.id);
    expect((await finished(second.body.id)).body).toMatchObject({
      status: 'completed',
      figures: { totalBalanceMinor: 80000 },
    });
    expect((await stored())?.version).not.toBe(snapshot?.version);
  });

  it('another report on unchanged data is computed from the stored snapshot: the worker reads only the version', async () => {
    const before = await stored();
    expect(before).not.toBeNull();
    const ledgerReads: string[] = [];
    const listener = (op: { collectionName: string; method: string }) => {
      if (MAIN_BACKEND.has(op.collectionName)) ledgerReads.push(`${op.collectionName}.${op.method}`);
    };
    const connection = worker.get<Connection>(getConnectionToken());
    connection.on('operation-start', listener);
    try {
      const budget = await post('budget');
      expect(budget.status).toBe(202);
      expect((await finished(budget.body.id)).body.status).toBe('completed');
    } finally {
      connection.off('operation-start', listener);
    }
    expect(ledgerReads).toEqual(['users.aggregate']);
    expect(await stored()).toEqual(before);
  });
});
