import { randomBytes } from 'node:crypto';
import { INestApplicationContext } from '@nestjs/common';
import { getConnectionToken, MongooseModule } from '@nestjs/mongoose';
import { Test } from '@nestjs/testing';
import Redis from 'ioredis';
import { Db, MongoClient, ObjectId, type CommandStartedEvent } from 'mongodb';
import type { Connection } from 'mongoose';
import { AppConfig, ConfigModule, loadConfig } from '@app/config';
import {
  FinanceInputsRepository,
  FinanceUserNotFoundError,
  FinancialContextService,
  FinancialSnapshotService,
  LedgerVersionRepository,
  MAIN_BACKEND_MODELS,
  type FinancialSnapshot,
} from '@app/database';
import { AppLogger } from '@app/logging';
import { REDIS_CLIENT, redisOptions } from '@app/queue';
import { freePort } from '../tools/ports';
import { eventually } from './support/http';
import { seedBudget, seedExpense, seedIncome } from './support/money-records';
import { startTestMongo, uniqueDbUri, type TestMongo } from './support/mongo';
import { testRedisUrl } from './support/redis';
import { TEST_JWT_SECRET } from './support/tokens';
import { seedUser } from './support/users';

const READ_COMMANDS = new Set(['find', 'aggregate', 'getMore', 'count', 'distinct']);
const LEDGER = ['incomes', 'expenses', 'budgets', 'debts', 'savinggoals'];

/** One api-like process: the snapshot service over its own MongoDB client and Redis client. */
interface Instance {
  app: INestApplicationContext;
  snapshots: FinancialSnapshotService;
  /** The read commands this instance sent while `fn` ran. */
  reads<T>(fn: () => Promise<T>): Promise<{ result: T; reads: CommandStartedEvent[] }>;
  logLines: string[];
}

/**
 * The cached financial snapshot against the wire MongoDB and a real Redis: a warm call costs one MongoDB command,
 * any change the main backend makes (add, edit, soft-delete, partner link) shows in the next call, the figures
 * move on their own when a copy dated later today comes due, instances share the cache, and a Redis outage only
 * costs the cache.
 */
describe('financial snapshot (Redis cache + one-command freshness check)', () => {
  let mongo: TestMongo;
  let redisUrl: { url: string; stop(): Promise<void> };
  let config: AppConfig;
  let seedClient: MongoClient;
  let db: Db;
  let redis: Redis;
  const instances: Instance[] = [];

  async function startInstance(url = redisUrl.url): Promise<Instance> {
    const logLines: string[] = [];
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(config),
        MongooseModule.forRoot(config.mongo.uri, { monitorCommands: true }),
        MongooseModule.forFeature(MAIN_BACKEND_MODELS),
      ],
      providers: [
        FinanceInputsRepository,
        FinancialContextService,
        LedgerVersionRepository,
        FinancialSnapshotService,
        // The api's general Redis client, as QueueModule builds it.
        {
          provide: REDIS_CLIENT,
          // Connection errors are what the Redis-down case is about; ioredis would print each one.
          useFactory: () => new Redis(redisOptions(url, 'client')).on('error', () => undefined),
        },
        {
          provide: AppLogger,
          useValue: new AppLogger('test', 'warn', { format: 'json', write: (l) => logLines.push(l) }),
        },
      ],
    }).compile();
    const app = await moduleRef.init();
    const commands: CommandStartedEvent[] = [];
    app
      .get<Connection>(getConnectionToken())
      .getClient()
      .on('commandStarted', (e: CommandStartedEvent) => commands.push(e));
    const instance: Instance = {
      app,
      snapshots: app.get(FinancialSnapshotService),
      logLines,
      async reads(fn) {
        const from = commands.length;
        const result = await fn();
        return { result, reads: commands.slice(from).filter((c) => READ_COMMANDS.has(c.commandName)) };
      },
    };
    instances.push(instance);
    return instance;
  }

  let primaryInstance: Promise<Instance> | undefined;
  /** The instance most cases use (any case can run alone). */
  const primary = () => (primaryInstance ??= startInstance());

  beforeAll(async () => {
    [mongo, redisUrl] = await Promise.all([startTestMongo(), testRedisUrl()]);
    config = loadConfig({
      NODE_ENV: 'test',
      MONGODB_URI: uniqueDbUri(mongo.uri, 'snapshot'),
      REDIS_URL: redisUrl.url,
      JWT_SECRET: TEST_JWT_SECRET,
      OPENAI_API_KEY: 'test-key',
      QUEUE_PREFIX: `fabtest-${randomBytes(4).toString('hex')}`,
      TIME_ZONE: 'UTC',
      LOG_LEVEL: 'error',
      // Every call checks; the recheck window has its own case below.
      SNAPSHOT_RECHECK_MS: '0',
    });
    seedClient = await MongoClient.connect(config.mongo.uri);
    db = seedClient.db();
    redis = new Redis(redisOptions(redisUrl.url, 'client'));
  });

  afterAll(async () => {
    for (const i of instances) {
      i.app.get<Redis>(REDIS_CLIENT).disconnect();
      await i.app.close();
    }
    redis?.disconnect();
    await seedClient?.close();
    await Promise.allSettled([mongo?.stop(), redisUrl?.stop()]);
  });

  const key = (userId: ObjectId) => `${config.queue.prefix}:snapshot:${userId.toHexString()}`;
  const names = (rs: CommandStartedEvent[]) => rs.map((c) => `${c.commandName} ${String(c.command[c.commandName])}`);
  /** Main-backend writes as its mongoose makes them: every change moves `updatedAt`. */
  const touch = (coll: string, id: ObjectId, set: Record<string, unknown>) =>
    db.collection(coll).updateOne({ _id: id }, { $set: { ...set, updatedAt: new Date() } });

  it('within SNAPSHOT_RECHECK_MS of a check, a warm call costs no MongoDB command; a change shows once it has passed', async () => {
    const base = config;
    config = { ...base, snapshots: { ...base.snapshots, recheckMs: 1500 } };
    const api = await startInstance();
    config = base;
    const user = await seedUser(db);
    const userId = user._id.toHexString();
    await seedExpense(db, user._id, 40);
    await api.snapshots.current(userId);
    const warm = await api.reads(() => api.snapshots.current(userId));
    expect(warm.result.cached).toBe(true);
    expect(warm.reads).toHaveLength(0);
    // A report request's version probe reads the same confirmation.
    const probe = await api.reads(() => api.snapshots.version(userId));
    expect(probe).toEqual({ result: warm.result.version, reads: [] });

    const changedAt = Date.now();
    await seedExpense(db, user._id, 60);
    const soon = await api.reads(() => api.snapshots.current(userId));
    // Trusted until the window that began at the last check ends: the stated staleness, never more.
    if (Date.now() - changedAt < 1000) expect(soon.result.context.thisMonth.spendingMinor).toBe(4000);
    await new Promise((r) => setTimeout(r, 1600));
    const later = await api.reads(() => api.snapshots.current(userId));
    expect(names(later.reads)[0]).toBe('aggregate users');
    expect(later.result.context.thisMonth.spendingMinor).toBe(10000);
  });

  it('confirmations made together expire apart: each lasts a random 75-100% of SNAPSHOT_RECHECK_MS', async () => {
    const base = config;
    config = { ...base, snapshots: { ...base.snapshots, recheckMs: 60_000 } };
    const api = await startInstance();
    config = base;
    const users = await Promise.all(Array.from({ length: 12 }, () => seedUser(db)));
    await Promise.all(users.map((u) => api.snapshots.current(u._id.toHexString())));
    // The confirmations are sent, not awaited, by the calls: read once they have all landed.
    const ttls = await eventually(
      () => Promise.all(users.map((u) => redis.pttl(`${key(u._id)}:checked`))),
      (all) => all.every((ms) => ms > 0),
    );
    for (const ms of ttls) {
      expect(ms).toBeGreaterThan(45_000 - 1_000);
      expect(ms).toBeLessThanOrEqual(60_000);
    }
    // Spread over 15 s at random: twelve confirmations landing within one second of each other would be no jitter.
    expect(Math.max(...ttls) - Math.min(...ttls)).toBeGreaterThan(1_000);
  });

  it('a warm call is a cache hit costing exactly one MongoDB command: the freshness aggregate on users', async () => {
    const api = await primary();
    const user = await seedUser(db);
    await seedIncome(db, user._id, 2500);
    await seedExpense(db, user._id, 40);

    const cold = await api.reads(() => api.snapshots.current(user._id.toHexString()));
    expect(cold.result.cached).toBe(false);
    // The check, then the 7 reads of the computation.
    expect(cold.reads).toHaveLength(8);
    expect(cold.result.context.thisMonth).toMatchObject({ incomeMinor: 250000, spendingMinor: 4000 });

    const warm = await api.reads(() => api.snapshots.current(user._id.toHexString()));
    expect(warm.result.cached).toBe(true);
    expect(names(warm.reads)).toEqual(['aggregate users']);
    const pipeline = warm.reads[0].command.pipeline as Array<Record<string, any>>;
    expect(pipeline.filter((s) => s.$unionWith).map((s) => s.$unionWith.coll)).toEqual(LEDGER);
    const partnerLookup = pipeline.filter((s) => s.$lookup);
    expect(partnerLookup.map((s) => s.$lookup.from)).toEqual(['users']);
    const nested = (partnerLookup[0].$lookup.pipeline as Array<Record<string, any>>).filter((s) => s.$lookup);
    expect(nested.map((s) => s.$lookup.from)).toEqual(['expenses', 'budgets']);

    // What came back from Redis is what was computed, to the last field, with the same version and time.
    expect(warm.result.context).toStrictEqual(cold.result.context);
    expect(warm.result.prompt).toBe(cold.result.prompt);
    expect(warm.result).toMatchObject({ version: cold.result.version, computedAt: cold.result.computedAt });
    expect(await redis.pttl(key(user._id))).toBeGreaterThan(0);
  });

  it('an income or expense added, edited or soft-deleted between two calls shows in the second', async () => {
    const api = await primary();
    const user = await seedUser(db);
    const id = user._id.toHexString();
    const salary = await seedIncome(db, user._id, 2000);
    await api.snapshots.current(id);
    expect((await api.snapshots.current(id)).cached).toBe(true);

    // Deletions hit rows that are not their collection's newest: only the deleted row's own updatedAt can show them.
    let bonus: ObjectId | undefined;
    let lunch: ObjectId | undefined;
    const steps: Array<[string, () => Promise<unknown>, { incomeMinor: number; spendingMinor: number }]> = [
      [
        'income added',
        async () => (bonus = await seedIncome(db, user._id, 100)),
        { incomeMinor: 210000, spendingMinor: 0 },
      ],
      ['income edited', () => touch('incomes', salary, { amount: 2200 }), { incomeMinor: 230000, spendingMinor: 0 }],
      [
        'expense added',
        async () => (lunch = await seedExpense(db, user._id, 12.5, { name: 'Lunch' })),
        { incomeMinor: 230000, spendingMinor: 1250 },
      ],
      ['expense edited', () => touch('expenses', lunch!, { amount: 15 }), { incomeMinor: 230000, spendingMinor: 1500 }],
      [
        'another expense added',
        () => seedExpense(db, user._id, 3, { name: 'Coffee' }),
        { incomeMinor: 230000, spendingMinor: 1800 },
      ],
      [
        'an older expense soft-deleted',
        () => touch('expenses', lunch!, { isDeleted: true }),
        { incomeMinor: 230000, spendingMinor: 300 },
      ],
      [
        'an older income soft-deleted',
        () => touch('incomes', bonus!, { isDeleted: true }),
        { incomeMinor: 220000, spendingMinor: 300 },
      ],
    ];
    for (const [what, change, figures] of steps) {
      await change();
      const next = await api.snapshots.current(id);
      const { incomeMinor, spendingMinor } = next.context.thisMonth;
      expect({ what, cached: next.cached, incomeMinor, spendingMinor }).toEqual({ what, cached: false, ...figures });
      expect((await api.snapshots.current(id)).cached).toBe(true);
    }
  });

  it("another user's change does not disturb the cache", async () => {
    const api = await primary();
    const user = await seedUser(db);
    const stranger = await seedUser(db);
    await api.snapshots.current(user._id.toHexString());
    await seedExpense(db, stranger._id, 99);
    await seedBudget(db, stranger._id, 'Fun', 50);
    expect((await api.snapshots.current(user._id.toHexString())).cached).toBe(true);
  });

  it("a partner linked, and then the partner's household spending, show in the next call", async () => {
    const api = await primary();
    const me = await seedUser(db);
    const partner = await seedUser(db);
    const home = await seedBudget(db, partner._id, 'Home', 300);
    await db.collection('budgets').updateOne({ _id: home }, { $set: { type: 'household' } });
    await seedExpense(db, partner._id, 60, { name: 'Paint', budgetId: home });
    const id = me._id.toHexString();

    const alone = await api.snapshots.current(id);
    expect(alone.context.budgetsThisMonth.lines).toEqual([]);
    expect((await api.snapshots.current(id)).cached).toBe(true);

    // Accepting a request sets partnerId on both documents.
    await touch('users', me._id, { partnerId: partner._id });
    await touch('users', partner._id, { partnerId: me._id });
    const linked = await api.snapshots.current(id);
    expect(linked.cached).toBe(false);
    expect(linked.context.budgetsThisMonth.lines.map((l) => [l.name, l.actualMinor])).toEqual([['Home', 6000]]);
    expect((await api.snapshots.current(id)).cached).toBe(true);

    await seedExpense(db, partner._id, 40, { name: 'Brushes', budgetId: home });
    const more = await api.snapshots.current(id);
    expect(more.cached).toBe(false);
    expect(more.context.budgetsThisMonth.lines.map((l) => [l.name, l.actualMinor])).toEqual([['Home', 10000]]);

    // The partner's account going away changes the version too.
    await touch('users', partner._id, { status: 'blocked' });
    const blocked = await api.snapshots.current(id);
    expect(blocked.cached).toBe(false);
    expect(blocked.context.budgetsThisMonth.lines).toEqual([]);
  });

  it('a copy dated later today is upcoming until its moment, then counts as so far, with no record changed', async () => {
    const api = await primary();
    const user = await seedUser(db);
    const id = user._id.toHexString();
    const t0 = new Date('2026-04-15T10:00:00Z');
    const at = (h: number) => new Date(t0.getTime() + h * 3_600_000);
    await seedIncome(db, user._id, 1000, at(-48));
    await seedExpense(db, user._id, 30, { name: 'Gym', endDate: at(2) });

    const before = await api.snapshots.current(id, { now: t0 });
    expect(before.cached).toBe(false);
    expect(before.context.thisMonth.spendingMinor).toBe(0);
    expect(before.context.thisMonth.upcoming).toMatchObject({ spendingMinor: 3000, expenseCount: 1 });

    const stillBefore = await api.snapshots.current(id, { now: at(1.99) });
    expect(stillBefore.cached).toBe(true);

    const due = await api.snapshots.current(id, { now: at(2) });
    expect(due.cached).toBe(false);
    expect(due.context.thisMonth.spendingMinor).toBe(3000);
    expect(due.context.thisMonth.upcoming.spendingMinor).toBe(0);
    expect(due.version).toBe(before.version);

    // A new local day moves "today" and the day of the month the same way.
    expect((await api.snapshots.current(id, { now: at(13.99) })).cached).toBe(true);
    const tomorrow = await api.snapshots.current(id, { now: at(14) });
    expect(tomorrow.cached).toBe(false);
    expect(tomorrow.context.today).toBe('2026-04-16');
  });

  it('a second api instance uses the snapshot the first one stored: one MongoDB command, same figures', async () => {
    const first = await primary();
    const second = await startInstance();
    const user = await seedUser(db);
    await seedIncome(db, user._id, 1800);
    const computed = await first.snapshots.current(user._id.toHexString());
    expect(computed.cached).toBe(false);

    const shared = await second.reads(() => second.snapshots.current(user._id.toHexString()));
    expect(shared.result.cached).toBe(true);
    expect(names(shared.reads)).toEqual(['aggregate users']);
    expect(shared.result.context).toStrictEqual(computed.context);
    expect(shared.result.computedAt).toBe(computed.computedAt);

    // And a change made through either sees the other recompute.
    await seedExpense(db, user._id, 5);
    expect((await second.snapshots.current(user._id.toHexString())).cached).toBe(false);
    expect((await first.snapshots.current(user._id.toHexString())).cached).toBe(true);
  });

  it('concurrent misses for one user in one process share one computation', async () => {
    const api = await primary();
    const user = await seedUser(db);
    await seedIncome(db, user._id, 900);
    const { result, reads } = await api.reads(() =>
      Promise.all(Array.from({ length: 6 }, () => api.snapshots.current(user._id.toHexString()))),
    );
    expect(result.every((r) => r.cached === false && r.computedAt === result[0].computedAt)).toBe(true);
    // Six freshness checks, one computation (7 reads).
    expect(names(reads).filter((n) => n === 'aggregate users')).toHaveLength(6 + 1);
    expect(names(reads).filter((n) => n === 'aggregate incomes')).toHaveLength(1);
    expect(reads).toHaveLength(6 + 7);
  });

  it('with Redis down every call still answers, checked against the ledger, and the log says why without naming anyone', async () => {
    const deadPort = await freePort();
    const offline = await startInstance(`redis://127.0.0.1:${deadPort}`);
    const user = await seedUser(db, { name: 'Zebedee Quux' });
    await seedIncome(db, user._id, 1234);
    const answers: FinancialSnapshot[] = [];
    for (let i = 0; i < 2; i++) answers.push(await offline.snapshots.current(user._id.toHexString()));
    // The second is the process's own memory of the first, its version confirmed by a freshness check.
    expect(answers.map((a) => a.cached)).toEqual([false, true]);
    expect(answers[1].context.thisMonth.incomeMinor).toBe(123400);
    await seedIncome(db, user._id, 100);
    expect((await offline.snapshots.current(user._id.toHexString())).context.thisMonth.incomeMinor).toBe(133400);
    const warnings = offline.logLines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(warnings.filter((w) => w.msg === 'snapshot.cache_unavailable').map((w) => w.op)).toEqual(
      expect.arrayContaining(['read', 'write']),
    );
    const text = offline.logLines.join('\n');
    expect(text).not.toContain(user._id.toHexString());
    expect(text).not.toContain('Zebedee');
  });

  it('refuses an unknown, soft-deleted or malformed user even when their figures are cached', async () => {
    const api = await primary();
    const user = await seedUser(db);
    await api.snapshots.current(user._id.toHexString());
    await touch('users', user._id, { isDeleted: true });
    await expect(api.snapshots.current(user._id.toHexString())).rejects.toBeInstanceOf(FinanceUserNotFoundError);
    await expect(api.snapshots.current(new ObjectId().toHexString())).rejects.toBeInstanceOf(FinanceUserNotFoundError);
    await expect(api.snapshots.current('not-an-id')).rejects.toBeInstanceOf(FinanceUserNotFoundError);
  });

  it('invalidate drops the stored snapshot, and a value it cannot read is a miss, not an error', async () => {
    const api = await primary();
    const user = await seedUser(db);
    const id = user._id.toHexString();
    await api.snapshots.current(id);
    await api.snapshots.invalidate(id);
    expect(await redis.exists(key(user._id))).toBe(0);
    expect((await api.snapshots.current(id)).cached).toBe(false);

    // Forgotten by this process too, so the unreadable value is what it finds.
    await api.snapshots.invalidate(id);
    await redis.set(key(user._id), '{"format":0,"truncated', 'PX', 60_000);
    expect((await api.snapshots.current(id)).cached).toBe(false);
    const again = await api.snapshots.current(id);
    expect(again.cached).toBe(true);
    // Shared by every caller in the process, so nobody can change it for the others.
    expect(Object.isFrozen(again.context.thisMonth)).toBe(true);
  });

  it('the version is the ledger version POST /reports stores', async () => {
    const api = await primary();
    const ledger = api.app.get(LedgerVersionRepository);
    const user = await seedUser(db);
    await seedExpense(db, user._id, 10);
    const snap = await api.snapshots.current(user._id.toHexString());
    expect(snap.version).toBe(await ledger.versionOf(user._id.toHexString()));
    expect(snap.version).toMatch(/^[0-9a-f]{32}$/);
  });
});
