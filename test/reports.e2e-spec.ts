import { getQueueToken } from '@nestjs/bullmq';
import { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Db, ObjectId } from 'mongodb';
import { io, Socket } from 'socket.io-client';
import { AppConfig } from '@app/config';
import { QUEUES } from '@app/queue';
import type { ChatRequest, RecordedRequest, Reply, ScriptedReply } from '../tools/fake-openai';
import { eventually, request } from './support/http';
import { connectDb, Infra, RunningApi, startApi, startInfra, startWorker, testConfig } from './support/stack';
import { signMainBackendToken } from './support/tokens';
import { seedUser, SeedUser } from './support/users';

/**
 * Optimisation reports from request to stored result and socket event: the real api and worker, real Redis, the
 * test MongoDB and the fake model. Months are relative to today in UTC (M0 = this month, M-1 = last month).
 *
 * The debt figures are worked by hand. Debts: "Bank loan" £1,000 at 12% (1% a month), "Auto" £300 at 0%,
 * "Card store" £100 at 0%, £100 a month each, so £300 a month goes to debts. Interest each month is
 * balance x 1%, rounded half up to a penny.
 *   Avalanche (Bank loan, Auto, Card store):
 *     M1 interest 1000 -> loan 91000, Auto 20000, Card store paid.
 *     M2 interest 910 -> loan 81910 after its minimum, then the freed 10000 -> 71910; Auto 10000.
 *     M3 interest 719 -> loan 62629, Auto paid, freed 10000 -> 52629.
 *     M4 interest 526 -> 53155 - 30000 (minimum + both freed payments) = 23155.  M5 interest 232 -> paid.
 *     Interest 1000 + 910 + 719 + 526 + 232 = 3387 (£33.87); paid 140000 + 3387 = £1,433.87; 5 months.
 *   Snowball (Card store, Auto, Bank loan):
 *     M1 as above.  M2 interest 910 -> loan 81910; Auto 10000 then the freed 10000 pays it off.
 *     M3 interest 819 -> 82729 - 30000 = 52729.  M4 interest 527 -> 23256.  M5 interest 233 -> paid.
 *     Interest 1000 + 910 + 819 + 527 + 233 = 3489 (£34.89); paid £1,434.89; 5 months. Avalanche saves £1.02.
 */

const REPORT_SCHEMAS = {
  expenses: 'expenses_optimisation_report',
  budget: 'budget_optimisation_report',
  debt: 'debt_optimisation_report',
} as const;
type Kind = keyof typeof REPORT_SCHEMAS;

const schemaNameOf = (req: ChatRequest): string | undefined => {
  const format = req.response_format;
  return format?.type === 'json_schema' ? format.json_schema.name : undefined;
};
const isReport = (r: RecordedRequest): boolean =>
  !!r.chat && Object.values(REPORT_SCHEMAS).includes(schemaNameOf(r.chat) as never);
const forKind = (kind: Kind) => (req: ChatRequest) => schemaNameOf(req) === REPORT_SCHEMAS[kind];

/** A schema-valid answer reserved for one report type (other features' model calls cannot take it). */
function answer(
  kind: Kind,
  summary = 'Here is where your money goes.',
  figureKeys: string[] = [],
  extra: Partial<ScriptedReply> = {},
): ScriptedReply {
  return {
    match: forKind(kind),
    json: {
      summary,
      insights: [
        { title: 'Review your spending', detail: 'Go through last month line by line.', impact: 'medium', figureKeys },
      ],
    },
    usage: { prompt_tokens: 900, completion_tokens: 120 },
    ...extra,
  } as ScriptedReply;
}
const scripted = (kind: Kind, reply: Reply): ScriptedReply => ({ match: forKind(kind), ...reply });

/** Everything a notifications socket received, in arrival order. */
class Recorder {
  readonly events: { name: string; data: any }[] = [];
  constructor(readonly socket: Socket) {
    socket.onAny((name, data) => this.events.push({ name, data }));
  }
  of(name: string, id: string) {
    return this.events.filter((e) => e.name === name && e.data?.id === id).map((e) => e.data);
  }
  waitFor(name: string, id: string, timeoutMs = 10_000): Promise<any> {
    return eventually(
      async () => this.of(name, id)[0],
      (d) => d !== undefined,
      timeoutMs,
      10,
    );
  }
}

describe('optimisation reports end to end', () => {
  let infra: Infra;
  let config: AppConfig;
  let api: RunningApi;
  let worker: INestApplicationContext;
  let db: Db;
  let closeDb: () => Promise<void>;
  let alice: SeedUser;
  let aliceEvents: Recorder;
  const sockets: Socket[] = [];
  const ids: Partial<Record<Kind, string>> = {};

  const now = new Date();
  const at = (monthOffset: number, day: number, hour = 12, minute = 0) =>
    new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + monthOffset, day, hour, minute));
  const monthKey = (monthOffset: number) => at(monthOffset, 1).toISOString().slice(0, 7);
  const stamp = (createdAt = now) => ({ isDeleted: false, createdAt, updatedAt: createdAt, __v: 0 });
  const tokenFor = (u: SeedUser) => signMainBackendToken({ id: u._id.toHexString(), email: u.email, role: u.role });
  const groceries = new ObjectId();

  async function seedFinances(userId: ObjectId): Promise<void> {
    await db.collection('incomes').insertMany(
      [-3, -2, -1, 0].map((m) => ({
        name: 'Salary',
        amount: 2000,
        receiveDate: at(m, 1, 9),
        frequency: 'monthly',
        userId,
        ...stamp(at(m, 1, 9)),
      })),
    );
    const expense = (name: string, amount: number, endDate: Date, extra: object = {}) => ({
      name,
      amount,
      endDate,
      frequency: 'on-off',
      userId,
      ...extra,
      ...stamp(endDate),
    });
    await db
      .collection('expenses')
      .insertMany([
        ...[-3, -2, -1].flatMap((m) => [
          expense('Rent', 900, at(m, 1, 10), { frequency: 'monthly' }),
          expense('Netflix', 10.99, at(m, 25), { frequency: 'monthly' }),
        ]),
        expense('Restaurant', 60, at(-2, 15)),
        expense('Coffee Shop', 3.3, at(-1, 12, 8, 0)),
        expense('Coffee Shop', 3.3, at(-1, 12, 8, 10)),
        expense('Weekly shop', 120, at(0, 1, 0, 1), { budgetId: groceries }),
      ]);
    await db.collection('budgets').insertOne({
      _id: groceries,
      name: 'Groceries',
      amount: 100,
      type: 'personal',
      frequency: 'monthly',
      category: 'Essential(Needs)',
      userId,
      expensesId: [],
      ...stamp(at(-3, 1, 8)),
    });
    const debt = (name: string, amount: number, rate: number) => ({
      name,
      amount,
      monthlyPayment: 100,
      AdHocPayment: 0,
      capitalRepayment: 0,
      interestRepayment: 0,
      userInterestRate: rate,
      payDueDate: at(0, 28),
      completionRatio: 0,
      userId,
      ...stamp(at(-6, 1)),
    });
    await db
      .collection('debts')
      .insertMany([debt('Bank loan', 1000, 12), debt('Auto', 300, 0), debt('Card store', 100, 0)]);
  }

  async function listen(u: SeedUser): Promise<Recorder> {
    const socket = io(api.url, {
      auth: { token: tokenFor(u) },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    sockets.push(socket);
    const rec = new Recorder(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return rec;
  }

  const post = (u: SeedUser, type: unknown) =>
    request(api.url, 'POST', '/reports', { token: tokenFor(u), body: { type } });
  const get = (u: SeedUser, id: string) => request(api.url, 'GET', `/reports/${id}`, { token: tokenFor(u) });
  const final = (u: SeedUser, id: string, timeoutMs = 10_000) =>
    eventually(
      () => get(u, id),
      (r) => r.body.status === 'completed' || r.body.status === 'failed',
      timeoutMs,
    );
  const reportRequests = () => infra.model.requests.filter(isReport);
  const queue = () => api.app.get<Queue>(getQueueToken(QUEUES.reports));

  beforeAll(async () => {
    infra = await startInfra();
    // JOB_TIMEOUT_MS bounds each attempt's model call (the SDK's own OPENAI_TIMEOUT_MS stays longer).
    config = testConfig(infra, {
      JOB_ATTEMPTS: '3',
      JOB_BACKOFF_MS: '50',
      JOB_TIMEOUT_MS: '1000',
      REPORT_CACHE_WINDOW_MS: '600000',
      // Alice asks for more reports than a user may per half hour; the limit has its own tests.
      REPORTS_RATE_LIMIT: '1000',
    });
    ({ db, close: closeDb } = await connectDb(config));
    alice = await seedUser(db, { name: 'Alice' });
    await seedFinances(alice._id);
    api = await startApi(config);
    worker = await startWorker(config);
    aliceEvents = await listen(alice);
  });

  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await worker?.close();
    await api?.close();
    await closeDb?.();
    await infra?.stop();
  });

  beforeEach(() => infra.model.reset());

  describe('each type from request to stored result and socket event', () => {
    it('debt: avalanche vs snowball as worked by hand, the model’s words beside them, progress and done on the socket', async () => {
      infra.model.enqueue(
        answer(
          'debt',
          'Paying the Bank loan first (avalanche) costs £33.87 in interest against £34.89 with snowball, so avalanche saves £1.02.',
          ['payoff.avalanche.interest', 'payoff.snowball.interest', 'payoff.better'],
        ),
      );
      const accepted = await post(alice, 'debt');
      expect(accepted.status).toBe(202);
      expect(accepted.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
        type: 'debt',
        status: 'queued',
        progress: 0,
        cached: false,
      });
      const id = (ids.debt = accepted.body.id);

      const done = await final(alice, id);
      expect(done.body).toMatchObject({
        id,
        type: 'debt',
        status: 'completed',
        progress: 100,
        error: null,
        attempts: 1,
        retryReason: null,
      });
      const f = done.body.figures;
      expect(f).toMatchObject({
        type: 'debt',
        currency: 'GBP',
        activeCount: 3,
        totalBalanceMinor: 140000,
        monthlyPaymentsMinor: 30000,
        monthlyIncomeMinor: 200000,
        debtToIncomePct: 15,
      });
      expect(f.payoff).toMatchObject({
        better: 'avalanche',
        avalancheSavesInterestMinor: 102,
        avalancheSavesMonths: 0,
        unknownAprDebtIds: [],
      });
      expect(f.payoff.avalanche).toMatchObject({
        paysOff: true,
        months: 5,
        totalInterestMinor: 3387,
        totalPaidMinor: 143387,
        monthlyBudgetMinor: 30000,
        debtFreeMonthKey: monthKey(5),
      });
      expect(f.payoff.snowball).toMatchObject({
        paysOff: true,
        months: 5,
        totalInterestMinor: 3489,
        totalPaidMinor: 143489,
        debtFreeMonthKey: monthKey(5),
      });
      expect(f.payoff.avalanche.payoffOrder.map((o: any) => [o.name, o.month])).toEqual([
        ['Card store', 1],
        ['Auto', 3],
        ['Bank loan', 5],
      ]);
      expect(f.payoff.snowball.payoffOrder.map((o: any) => [o.name, o.month])).toEqual([
        ['Card store', 1],
        ['Auto', 2],
        ['Bank loan', 5],
      ]);

      expect(done.body.summary).toContain('£33.87');
      expect(done.body.insights).toEqual([
        {
          title: 'Review your spending',
          detail: 'Go through last month line by line.',
          impact: 'medium',
          figures: [
            { key: 'payoff.avalanche.interest', text: 'Avalanche (highest APR first): total interest: £33.87' },
            { key: 'payoff.snowball.interest', text: 'Snowball (smallest balance first): total interest: £34.89' },
            { key: 'payoff.better', text: 'Cheaper strategy: avalanche' },
          ],
        },
      ]);

      // The model was given our figures, formatted, as the only source of numbers.
      const [sent] = reportRequests();
      expect(sent.chat!.response_format).toMatchObject({
        type: 'json_schema',
        json_schema: { name: 'debt_optimisation_report', strict: true },
      });
      const facts = String(sent.chat!.messages[1].content);
      expect(facts).toContain('[payoff.avalanche.interest] Avalanche (highest APR first): total interest: £33.87');
      expect(facts).toContain('[payoff.interest_difference] Avalanche saves £1.02 of interest');
      expect(facts).toContain(
        '[debt.1] Debt "Bank loan": balance £1,000.00, APR 12.0% (as entered), monthly payment £100.00',
      );

      const progress = aliceEvents.of('report:progress', id);
      expect(progress.map((p) => p.progress)).toEqual([10, 50]);
      expect(progress.every((p) => p.type === 'debt' && p.status === 'running')).toBe(true);
      expect(await aliceEvents.waitFor('report:done', id)).toEqual({
        id,
        type: 'debt',
        status: 'completed',
        error: null,
      });

      const usage = await db.collection('ai_usage').find({ userId: alice._id, feature: 'report' }).toArray();
      expect(usage).toHaveLength(1);
      expect(usage[0]).toMatchObject({ success: true, inputTokens: 900, outputTokens: 120 });
      expect(JSON.stringify(usage[0])).not.toContain('Bank loan');
    });

    it('expenses (through the seed’s POST /feedback/optimize-expenses): subscriptions, duplicates, discretionary share', async () => {
      infra.model.enqueue(
        answer(
          'expenses',
          'Netflix costs £10.99 a month (£131.88 a year) and one £3.30 coffee looks entered twice; wants are 3.6% of spending.',
          ['subscription.1', 'duplicate.1'],
        ),
      );
      const accepted = await request(api.url, 'POST', '/feedback/optimize-expenses', { token: tokenFor(alice) });
      expect(accepted.status).toBe(202);
      expect(accepted.body).toMatchObject({ type: 'expenses', status: 'queued', cached: false });
      const id = (ids.expenses = accepted.body.id);

      const done = await final(alice, id);
      expect(done.body.status).toBe('completed');
      const f = done.body.figures;
      expect(f.period.label).toBe(`${monthKey(-3)}..${monthKey(-1)}`);
      // Rent 3 x 90000 + Netflix 3 x 1099 + coffee 2 x 330 + restaurant 6000 = 279957; wants = 3297 + 660 + 6000 = 9957
      expect(f).toMatchObject({ spendingMinor: 279957, averageMonthlySpendingMinor: 93319 });
      // 9957 / 279957 = 3.56% -> 3.6; 9957 / 3 = 3319
      expect(f.discretionary).toEqual({
        amountMinor: 9957,
        sharePct: 3.6,
        averagePerMonthMinor: 3319,
        uncategorisedMinor: 0,
      });
      expect(f.subscriptions).toMatchObject({ count: 1, monthlyCostMinor: 1099, yearlyCostMinor: 13188 });
      expect(f.subscriptions.items[0]).toMatchObject({
        name: 'Netflix',
        cadence: 'monthly',
        lastDate: at(-1, 25).toISOString().slice(0, 10),
      });
      expect(f.duplicates).toMatchObject({ count: 1, extraMinor: 330 });
      expect(f.duplicates.items[0]).toMatchObject({ name: 'Coffee Shop', amountMinor: 330, count: 2 });
      expect(done.body.insights[0].figures.map((x: any) => x.key)).toEqual(['subscription.1', 'duplicate.1']);
      expect(await aliceEvents.waitFor('report:done', id)).toMatchObject({ status: 'completed', type: 'expenses' });
    });

    it('budget: 50/30/20 on last month’s actual spending and this month’s overrun', async () => {
      infra.model.enqueue(
        answer(
          'budget',
          'Needs took 60.0% of your income last month, £200.00 above the 50.0% target; Groceries is £20.00 over.',
          ['needs', 'overrun.1'],
        ),
      );
      const accepted = await post(alice, 'budget');
      expect(accepted.status).toBe(202);
      const id = (ids.budget = accepted.body.id);
      const done = await final(alice, id);
      expect(done.body.status).toBe('completed');
      const t = done.body.figures.fiftyThirtyTwenty;
      expect(t.period.label).toBe(monthKey(-1));
      // Last month: income 200000; needs = rent 90000 + debt payments 30000 = 120000 (60%, 20000 over the 100000 target)
      expect(t.needs).toMatchObject({
        amountMinor: 120000,
        sharePct: 60,
        targetMinor: 100000,
        differenceMinor: 20000,
        debtPaymentsMinor: 30000,
      });
      // wants = Netflix 1099 + coffee 660 = 1759 (0.88% -> 0.9); no savings; 200000 - 120000 - 1759 = 78241 left
      expect(t.wants).toMatchObject({ amountMinor: 1759, sharePct: 0.9, targetMinor: 60000 });
      expect(t.savings).toMatchObject({ amountMinor: 0, sharePct: 0, targetMinor: 40000 });
      expect(t.unallocatedMinor).toBe(78241);
      // This month: Weekly shop £120 against the £100 Groceries budget.
      expect(done.body.figures.budgetsThisMonth.overruns).toEqual([
        {
          name: 'Groceries',
          category: 'Essential(Needs)',
          budgetedMinor: 10000,
          actualMinor: 12000,
          percentUsedPct: 120,
          overrunMinor: 2000,
        },
      ]);
      expect(done.body.summary).toContain('60.0%');
    });
  });

  describe('idempotency and caching', () => {
    it('returns the same queued report to repeated requests, with one model call', async () => {
      const bob = await seedUser(db);
      infra.model.enqueue(answer('debt', undefined, [], { delayMs: 500 }));
      const [a, b] = await Promise.all([post(bob, 'debt'), post(bob, 'debt')]);
      expect([a.status, b.status]).toEqual([202, 202]);
      expect(b.body.id).toBe(a.body.id);
      await eventually(
        () => get(bob, a.body.id),
        (r) => r.body.status === 'running',
      );
      const alias = await request(api.url, 'POST', '/feedback/optimize-debt', { token: tokenFor(bob) });
      expect(alias.status).toBe(202);
      expect(alias.body).toMatchObject({ id: a.body.id, status: 'running', cached: false });

      expect((await final(bob, a.body.id)).body.status).toBe('completed');
      expect(reportRequests()).toHaveLength(1);
      expect(await db.collection('reports').countDocuments({ userId: bob._id })).toBe(1);
    });

    it('answers an identical request on unchanged data with the stored report (200, no model call), and a new one once data changes', async () => {
      const cached = await post(alice, 'debt');
      expect(cached.status).toBe(200);
      expect(cached.body).toMatchObject({
        id: ids.debt,
        status: 'completed',
        cached: true,
        figures: { totalBalanceMinor: 140000 },
      });
      expect(cached.body.summary).toContain('£33.87');
      expect(reportRequests()).toHaveLength(0);

      await db
        .collection('debts')
        .updateOne({ userId: alice._id, name: 'Auto' }, { $set: { amount: 250, updatedAt: new Date() } });
      infra.model.enqueue(answer('debt'));
      const fresh = await post(alice, 'debt');
      expect(fresh.status).toBe(202);
      expect(fresh.body.id).not.toBe(ids.debt);
      const done = await final(alice, fresh.body.id);
      expect(done.body.figures.totalBalanceMinor).toBe(135000);
      expect(reportRequests()).toHaveLength(1);
      // The new report is now the stored answer for the new data.
      expect((await post(alice, 'debt')).body).toMatchObject({ id: fresh.body.id, cached: true });
    });

    it('stops answering from the cache once REPORT_CACHE_WINDOW_MS has passed', async () => {
      const windowMs = config.reports.cacheWindowMs;
      await db
        .collection('reports')
        .updateOne(
          { _id: new ObjectId(ids.expenses) },
          { $set: { completedAt: new Date(Date.now() - windowMs - 1000) } },
        );
      infra.model.enqueue(answer('expenses'));
      const again = await request(api.url, 'POST', '/feedback/optimize-expenses', { token: tokenFor(alice) });
      expect(again.status).toBe(202);
      expect(again.body.id).not.toBe(ids.expenses);
      expect((await final(alice, again.body.id)).body.status).toBe('completed');
      expect(reportRequests()).toHaveLength(1);
    });

    it('restarts an unfinished report whose job was lost, under the same id', async () => {
      const carol = await seedUser(db);
      const lost = new ObjectId();
      await db.collection('reports').insertOne({
        _id: lost,
        userId: carol._id,
        type: 'budget',
        status: 'queued',
        progress: 0,
        activeType: 'budget',
        figures: null,
        insights: [],
        attempts: 0,
        createdAt: new Date(),
        updatedAt: new Date(),
      });
      infra.model.enqueue(answer('budget'));
      const res = await post(carol, 'budget');
      expect(res.status).toBe(202);
      expect(res.body.id).toBe(lost.toHexString());
      const requeued = await queue().getJob(`report-${res.body.id}`);
      expect(requeued?.data).toEqual({ reportId: res.body.id, userId: carol._id.toHexString() });
      expect((await final(carol, res.body.id)).body.status).toBe('completed');
    });
  });

  describe('reading reports', () => {
    it('lists the user’s reports newest first with cursor pagination and filters', async () => {
      const token = tokenFor(alice);
      const all = await request(api.url, 'GET', '/reports', { token });
      expect(all.status).toBe(200);
      const items = all.body.items;
      expect(items.length).toBe(5);
      const times = items.map((r: any) => new Date(r.createdAt).getTime());
      expect([...times].sort((x, y) => y - x)).toEqual(times);
      expect(items[0]).not.toHaveProperty('figures');
      expect(all.body.nextCursor).toBeNull();

      const debts = await request(api.url, 'GET', '/reports?type=debt', { token });
      expect(debts.body.items.map((r: any) => r.type)).toEqual(['debt', 'debt']);
      expect(debts.body.items[1].id).toBe(ids.debt);

      const first = await request(api.url, 'GET', '/reports?limit=2', { token });
      expect(first.body.items.map((r: any) => r.id)).toEqual(items.slice(0, 2).map((r: any) => r.id));
      const second = await request(api.url, 'GET', `/reports?limit=2&cursor=${first.body.nextCursor}`, { token });
      expect(second.body.items.map((r: any) => r.id)).toEqual(items.slice(2, 4).map((r: any) => r.id));

      expect((await request(api.url, 'GET', '/reports?status=failed', { token })).body.items).toEqual([]);
      expect((await request(api.url, 'GET', '/reports?cursor=bogus', { token })).body.code).toBe('invalid_cursor');
      expect((await request(api.url, 'GET', '/reports?type=weekly', { token })).status).toBe(400);
    });

    it('keeps reports private: another user’s id is 404, a malformed id 400', async () => {
      const mallory = await seedUser(db);
      const res = await get(mallory, ids.debt!);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('not_found');
      expect((await request(api.url, 'GET', '/reports', { token: tokenFor(mallory) })).body.items).toEqual([]);
      expect((await get(alice, 'not-an-id')).body.code).toBe('invalid_id');
      expect((await request(api.url, 'GET', `/reports/${ids.debt}`)).status).toBe(401);
    });

    it('refuses unknown types and extra fields', async () => {
      expect((await post(alice, 'weekly')).body).toMatchObject({ statusCode: 400, code: 'validation_failed' });
      expect((await post(alice, undefined)).status).toBe(400);
      const extra = await request(api.url, 'POST', '/reports', {
        token: tokenFor(alice),
        body: { type: 'debt', force: true },
      });
      expect(extra.status).toBe(400);
    });
  });

  describe('model failures', () => {
    it('429 with Retry-After: retried no sooner than asked, then completed', async () => {
      const dave = await seedUser(db);
      infra.model.enqueue(
        scripted('debt', { error: { status: 429, message: 'slow down', retryAfterSeconds: 1 } }),
        answer('debt'),
      );
      const { body } = await post(dave, 'debt');
      const waiting = await eventually(
        () => get(dave, body.id),
        (r) => r.body.retryReason !== null,
        5000,
        20,
      );
      expect(waiting.body).toMatchObject({ status: 'queued', retryReason: 'Model rate limit reached' });

      const done = await final(dave, body.id);
      expect(done.body).toMatchObject({ status: 'completed', attempts: 2, retryReason: null, error: null });
      const [first, second] = reportRequests();
      // JOB_BACKOFF_MS is 50: the wait comes from Retry-After.
      expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(950);
      const usage = await db
        .collection('ai_usage')
        .find({ userId: dave._id, feature: 'report' })
        .sort({ createdAt: 1 })
        .toArray();
      expect(usage.map((u) => [u.success, u.errorCode])).toEqual([
        [false, 'rate_limited'],
        [true, null],
      ]);
    });

    it('500 on every attempt: failed with a clear reason, the event sent, the job kept for inspection', async () => {
      const erin = await seedUser(db);
      const events = await listen(erin);
      infra.model.enqueue(...[1, 2, 3].map(() => scripted('budget', { error: { status: 500, message: 'boom' } })));
      const { body } = await post(erin, 'budget');
      const done = await final(erin, body.id);
      expect(done.body).toMatchObject({
        status: 'failed',
        error: 'Model server error (500)',
        attempts: 3,
        summary: null,
        insights: [],
      });
      expect(done.body.figures).toMatchObject({ type: 'budget' });
      expect(reportRequests()).toHaveLength(3);
      expect(await events.waitFor('report:done', body.id)).toEqual({
        id: body.id,
        type: 'budget',
        status: 'failed',
        error: 'Model server error (500)',
      });
      expect(events.of('report:progress', body.id).filter((p) => p.status === 'queued')).toHaveLength(2);

      const job = await eventually(
        () => queue().getJob(`report-${body.id}`),
        (j) => !!j && j.finishedOn !== undefined,
      );
      expect(await job!.getState()).toBe('failed');
      // Queued with the owner's claim (reportJob), which every attempt's start matched.
      expect(job!.data).toEqual({ reportId: body.id, userId: erin._id.toHexString() });
      expect(job!.attemptsMade).toBe(3);
      expect(job!.failedReason).toBe('Model server error (500)');
      // A failed report frees its type: the next request starts a new one.
      infra.model.enqueue(answer('budget'));
      const next = await post(erin, 'budget');
      expect(next.status).toBe(202);
      expect(next.body.id).not.toBe(body.id);
      expect((await final(erin, next.body.id)).body.status).toBe('completed');
    });

    it('invalid JSON, then an invented figure, then a valid answer: retried to success, telling the model what was wrong', async () => {
      const frank = await seedUser(db);
      infra.model.enqueue(
        scripted('expenses', { content: 'Sure! Here is your report: {"summary": ' }),
        answer('expenses', 'Cancelling everything would save £999.00 a year.'),
        answer('expenses', 'You have no spending recorded yet.'),
      );
      const { body } = await post(frank, 'expenses');
      const done = await final(frank, body.id);
      expect(done.body).toMatchObject({
        status: 'completed',
        attempts: 3,
        summary: 'You have no spending recorded yet.',
      });
      const systems = reportRequests().map((r) => String(r.chat!.messages[0].content));
      expect(systems[0]).not.toContain('An earlier answer was rejected');
      expect(systems[1]).toContain('An earlier answer was rejected: Model answer was not valid JSON.');
      expect(systems[2]).toContain(
        'An earlier answer was rejected: Model answer used figures that are not in the report (£999.00).',
      );
      const usage = await db
        .collection('ai_usage')
        .find({ userId: frank._id, feature: 'report' })
        .sort({ createdAt: 1 })
        .toArray();
      expect(usage.map((u) => [u.success, u.errorCode])).toEqual([
        [false, 'invalid_output'],
        [true, null],
        [true, null],
      ]);
    });

    it('a model that hangs past the job timeout is retried; hanging on every attempt fails cleanly', async () => {
      const grace = await seedUser(db);
      infra.model.enqueue(scripted('debt', { hang: true }), answer('debt'));
      const retried = await post(grace, 'debt');
      expect((await final(grace, retried.body.id)).body).toMatchObject({ status: 'completed', attempts: 2 });

      infra.model.enqueue(...[1, 2, 3].map(() => scripted('budget', { hang: true })));
      const hung = await post(grace, 'budget');
      const done = await final(grace, hung.body.id, 20_000);
      expect(done.body).toMatchObject({ status: 'failed', error: 'Model request timed out', attempts: 3 });
      const usage = await db
        .collection('ai_usage')
        .find({ userId: grace._id, feature: 'report', success: false })
        .toArray();
      expect(usage.map((u) => u.errorCode)).toEqual(['timeout', 'timeout', 'timeout', 'timeout']);
    });
  });

  describe('storage failures', () => {
    it('a figures store that fails stops the model call at once; the retry stores them and completes', async () => {
      const hana = await seedUser(db);
      const events = await listen(hana);
      // One answer for each attempt, in case the first call was sent before the store failed.
      infra.model.enqueue(answer('expenses'), answer('expenses'));
      // The worker's first update of a report is its figures (start is a findAndModify): that one fails, as a
      // real mongod's write error would.
      await db.admin().command({
        configureFailPoint: 'failCommand',
        mode: { times: 1 },
        data: { failCommands: ['update'], errorCode: 112, namespace: `${db.databaseName}.reports` },
      });
      const { body } = await post(hana, 'expenses');
      const done = await final(hana, body.id);
      expect(done.body).toMatchObject({ status: 'completed', attempts: 2, error: null });
      expect(done.body.figures).toMatchObject({ type: 'expenses' });

      // The first attempt's model call was stopped, not waited for: charged as aborted, then the retry's answer.
      const usage = await db.collection('ai_usage').find({ userId: hana._id }).sort({ createdAt: 1 }).toArray();
      expect(usage.map((u) => [u.success, u.errorCode])).toEqual([
        [false, 'aborted'],
        [true, null],
      ]);
      // The failed attempt never said its figures were stored; the retry did, before the end.
      const progress = events.of('report:progress', body.id).map((p) => `${p.status} ${p.progress}`);
      expect(progress.filter((p) => p === 'running 50')).toHaveLength(1);
      expect(progress.indexOf('queued 0')).toBeGreaterThan(-1);
      expect(progress.indexOf('queued 0')).toBeLessThan(progress.indexOf('running 50'));
      expect(await events.waitFor('report:done', body.id)).toMatchObject({ status: 'completed' });
    });
  });
});
