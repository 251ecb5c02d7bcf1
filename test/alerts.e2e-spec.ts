import { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Db, ObjectId } from 'mongodb';
import { AppConfig } from '@app/config';
import { localDateKey } from '@app/finance';
import { DAILY_JOB_NAMES, jobIds, QUEUES } from '@app/queue';
import { testQueue } from './support/daily-queues';
import { matchers, type ChatRequest, type Reply } from '../tools/fake-openai';
import { eventually, request } from './support/http';
import { seedBudget, seedDebt, seedExpense, seedIncome } from './support/money-records';
import { connectDb, Infra, RunningApi, startApi, startInfra, startWorker, testConfig } from './support/stack';
import { signMainBackendToken } from './support/tokens';
import { seedUser, SeedUser } from './support/users';

const isWordingCall = (req: ChatRequest) => (req.response_format as any)?.json_schema?.name === 'alert_wording';

/** A valid wording built from the request's own schema: one entry per flag key offered. */
function wordingFromSchema(req: ChatRequest): Reply {
  const keys: string[] = (req.response_format as any).json_schema.schema.properties.alerts.items.properties.key.enum;
  return {
    json: {
      alerts: keys.map((key) => ({
        key,
        title: `Alert for ${key}`,
        message: `Worded from the figures given for ${key}.`,
      })),
    },
  };
}

const dayAfter = (dateKey: string, n: number) =>
  new Date(Date.parse(`${dateKey}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe('admin alerts (daily red-flag screening, admin api)', () => {
  let infra: Infra;
  let config: AppConfig;
  let api: RunningApi;
  let worker: INestApplicationContext;
  let db: Db;
  let closeDb: () => Promise<void>;
  let queue: Queue;
  const today = localDateKey(new Date(), 'UTC');
  let xavier: SeedUser;
  let yara: SeedUser;
  let quiet: SeedUser;
  let blocked: SeedUser;
  let deleted: SeedUser;
  let admin: SeedUser;
  let plain: SeedUser;
  let yaraOverrunExpense: ObjectId;

  const tokenFor = (u: SeedUser) => signMainBackendToken({ id: u._id.toHexString(), email: u.email, role: u.role });
  const asAdmin = (method: string, path: string, body?: unknown) =>
    request(api.url, method, path, { token: tokenFor(admin), body });
  const wordingCalls = (marker = '') =>
    infra.model.requests.filter(
      (r) => r.chat && isWordingCall(r.chat) && JSON.stringify(r.chat.messages).includes(marker),
    );
  const alertsOf = (u: SeedUser) => db.collection('alerts').find({ userId: u._id }).sort({ createdAt: 1 }).toArray();

  /** Runs a whole daily screening by hand (instead of waiting for cron) and waits for every per-user job. */
  async function screenEveryone(dateKey: string, jobId: string): Promise<number> {
    await queue.add(DAILY_JOB_NAMES.fanOut, { dateKey }, { jobId });
    const fanOut = await eventually(
      () => queue.getJob(jobId),
      (j) => j?.finishedOn !== undefined,
    );
    expect(fanOut!.failedReason).toBeUndefined();
    const active = [xavier, yara, quiet, admin, plain];
    await eventually(
      () => Promise.all(active.map((u) => queue.getJob(jobIds.alertScreen(u._id.toHexString(), dateKey)))),
      (jobs) => jobs.every((j) => j?.finishedOn !== undefined),
    );
    return fanOut!.returnvalue.queued;
  }

  beforeAll(async () => {
    infra = await startInfra();
    config = testConfig(infra, { JOB_ATTEMPTS: '3', FANOUT_BATCH_SIZE: '3' });
    ({ db, close: closeDb } = await connectDb(config));
    // Debt payments of £1,300 on £2,000 income: 65% debt-to-income, critical (threshold 40%, +20 pp).
    xavier = await seedUser(db, { name: 'Xavier' });
    await seedIncome(db, xavier._id, 2000);
    await seedDebt(db, xavier._id, { amount: 9000, monthlyPayment: 1300 });
    // £150 spent against a £100 "Food" budget and no income: an overrun and a negative cash flow, both high.
    yara = await seedUser(db, { name: 'Yara' });
    const food = await seedBudget(db, yara._id, 'Food', 100);
    yaraOverrunExpense = await seedExpense(db, yara._id, 150, { budgetId: food });
    quiet = await seedUser(db, { name: 'Quiet' });
    await seedIncome(db, quiet._id, 2000);
    await seedExpense(db, quiet._id, 100);
    blocked = await seedUser(db, { status: 'blocked' });
    await seedIncome(db, blocked._id, 1000);
    await seedDebt(db, blocked._id, { amount: 9000, monthlyPayment: 900 });
    deleted = await seedUser(db, { isDeleted: true });
    await seedIncome(db, deleted._id, 1000);
    await seedDebt(db, deleted._id, { amount: 9000, monthlyPayment: 900 });
    admin = await seedUser(db, { role: 'ADMIN' });
    plain = await seedUser(db);

    infra.model.setResponder(wordingFromSchema);
    api = await startApi(config);
    worker = await startWorker(config);
    queue = testQueue(config, QUEUES.alerts);
  });

  afterAll(async () => {
    await queue?.close();
    await worker?.close();
    await api?.close();
    await closeDb?.();
    await infra?.stop();
  });

  it('screens active users only and raises one alert per red flag, with the finance core’s figures and the model’s words', async () => {
    expect(await screenEveryone(today, 'screen-all-1')).toBe(5);
    for (const u of [blocked, deleted])
      expect(await queue.getJob(jobIds.alertScreen(u._id.toHexString(), today))).toBeUndefined();

    const [dti] = await alertsOf(xavier);
    expect(await alertsOf(xavier)).toHaveLength(1);
    expect(dti).toMatchObject({
      code: 'debt_to_income_high',
      flagKey: 'debt_to_income_high',
      severity: 'critical',
      category: 'debt',
      subject: null,
      figures: {
        monthlyDebtPaymentsMinor: 130000,
        monthlyIncomeMinor: 200000,
        incomeBasis: 'this-month',
        debtToIncomePct: 65,
      },
      threshold: { name: 'debtToIncomeMaxPct', value: 40 },
      currency: 'GBP',
      title: 'Alert for flag_1',
      message: 'Worded from the figures given for flag_1.',
      status: 'open',
      stillFiring: true,
      detectedOn: today,
      resolvedAt: null,
      promptVersion: 'alert-wording@1',
    });
    // The model was given our formatted figures to word, nothing to compute.
    const sent = wordingCalls('£1,300.00');
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(sent[0].chat!.messages)).toContain('debtToIncome=65.0%');

    const yaras = await alertsOf(yara);
    expect(yaras.map((a) => [a.code, a.severity, a.category]).sort()).toEqual([
      ['budget_overrun', 'high', 'budget'],
      ['negative_cash_flow', 'high', 'cash-flow'],
    ]);
    const overrun = yaras.find((a) => a.code === 'budget_overrun')!;
    expect(overrun.subject).toMatchObject({ type: 'budget', name: 'Food' });
    expect(overrun.flagKey).toBe(`budget_overrun:${overrun.subject.id}`);
    expect(overrun.figures).toMatchObject({
      budgetedMinor: 10000,
      actualMinor: 15000,
      overrunMinor: 5000,
      percentUsedPct: 150,
    });
    expect(await alertsOf(quiet)).toHaveLength(0);
    // One wording call per user with new flags; users without flags cost nothing.
    expect(wordingCalls()).toHaveLength(2);
    expect(await db.collection('ai_usage').countDocuments({ feature: 'alerts', success: true })).toBe(2);
  });

  it('does not duplicate an open alert when the flag fires again, and the database refuses one even under a race', async () => {
    const before = await alertsOf(xavier);
    expect(await screenEveryone(dayAfter(today, 1), 'screen-all-2')).toBe(5);
    expect(wordingCalls()).toHaveLength(2);
    const after = await alertsOf(xavier);
    expect(after.map((a) => String(a._id))).toEqual(before.map((a) => String(a._id)));
    expect(after[0].lastScreenedAt.getTime()).toBeGreaterThan(before[0].lastScreenedAt.getTime());
    expect(await db.collection('alerts').countDocuments()).toBe(3);

    const { _id: _ignored, ...copy } = before[0];
    await expect(db.collection('alerts').insertOne({ ...copy, _id: new ObjectId() })).rejects.toMatchObject({
      code: 11000,
    });
    // A resolved alert does not count: the flag may be raised again after an admin resolves it.
    const resolvedCopy = await db
      .collection('alerts')
      .insertOne({ ...copy, _id: new ObjectId(), status: 'resolved', resolvedAt: new Date() });
    await db.collection('alerts').deleteOne({ _id: resolvedCopy.insertedId });
  });

  describe('GET /admin/alerts', () => {
    it('is for admins only', async () => {
      expect((await request(api.url, 'GET', '/admin/alerts')).status).toBe(401);
      const asUser = await request(api.url, 'GET', '/admin/alerts', { token: tokenFor(plain) });
      expect(asUser.status).toBe(403);
      expect(asUser.body.code).toBe('admin_only');
      expect((await asAdmin('GET', '/admin/alerts')).status).toBe(200);
    });

    it('filters by severity, category, user and status', async () => {
      const codes = async (query: string) =>
        (await asAdmin('GET', `/admin/alerts?${query}`)).body.items.map((a: any) => a.code).sort();
      expect(await codes('')).toEqual(['budget_overrun', 'debt_to_income_high', 'negative_cash_flow']);
      expect(await codes('severity=critical')).toEqual(['debt_to_income_high']);
      expect(await codes('severity=high')).toEqual(['budget_overrun', 'negative_cash_flow']);
      expect(await codes('category=budget,cash-flow')).toEqual(['budget_overrun', 'negative_cash_flow']);
      expect(await codes('category=debt&category=savings')).toEqual(['debt_to_income_high']);
      expect(await codes(`userId=${xavier._id.toHexString()}`)).toEqual(['debt_to_income_high']);
      expect(await codes(`userId=${yara._id.toHexString()}&severity=high&status=open`)).toEqual([
        'budget_overrun',
        'negative_cash_flow',
      ]);
      expect(await codes('status=acknowledged,resolved')).toEqual([]);

      const item = (await asAdmin('GET', `/admin/alerts?userId=${xavier._id.toHexString()}`)).body.items[0];
      expect(item).toMatchObject({
        userId: xavier._id.toHexString(),
        status: 'open',
        stillFiring: true,
        figures: { debtToIncomePct: 65 },
        acknowledgedBy: null,
      });
    });

    it('pages newest first with a cursor', async () => {
      const first = await asAdmin('GET', '/admin/alerts?limit=2');
      expect(first.body.items).toHaveLength(2);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await asAdmin('GET', `/admin/alerts?limit=2&cursor=${first.body.nextCursor}`);
      expect(second.body.items).toHaveLength(1);
      expect(second.body.nextCursor).toBeNull();
      const all = [...first.body.items, ...second.body.items];
      expect(new Set(all.map((a: any) => a.id)).size).toBe(3);
      const times = all.map((a: any) => Date.parse(a.createdAt));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
    });

    it.each([
      ['cursor=bm90LWEtY3Vyc29y', 'invalid_cursor'],
      ['userId=42', 'validation_failed'],
      ['severity=apocalyptic', 'validation_failed'],
      ['limit=1000', 'validation_failed'],
      ['sort=asc', 'validation_failed'],
    ])('refuses ?%s with 400 %s', async (query, code) => {
      const res = await asAdmin('GET', `/admin/alerts?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe(code);
    });
  });

  describe('PATCH /admin/alerts/:id', () => {
    it('acknowledges, then resolves, recording who and when; repeating a status is harmless, going back is a 409', async () => {
      const [dti] = await alertsOf(xavier);
      const id = String(dti._id);
      const acked = await asAdmin('PATCH', `/admin/alerts/${id}`, { status: 'acknowledged', note: 'Called the user' });
      expect(acked.status).toBe(200);
      expect(acked.body).toMatchObject({
        id,
        status: 'acknowledged',
        acknowledgedBy: admin._id.toHexString(),
        note: 'Called the user',
        resolvedAt: null,
      });
      expect(Date.parse(acked.body.acknowledgedAt)).toBeGreaterThan(0);

      const again = await asAdmin('PATCH', `/admin/alerts/${id}`, { status: 'acknowledged' });
      expect(again.status).toBe(200);
      expect(again.body.acknowledgedAt).toBe(acked.body.acknowledgedAt);
      expect((await asAdmin('GET', '/admin/alerts?status=acknowledged')).body.items.map((a: any) => a.id)).toEqual([
        id,
      ]);

      const resolved = await asAdmin('PATCH', `/admin/alerts/${id}`, { status: 'resolved' });
      expect(resolved.body).toMatchObject({
        status: 'resolved',
        resolvedBy: admin._id.toHexString(),
        acknowledgedBy: admin._id.toHexString(),
        note: 'Called the user',
      });
      const back = await asAdmin('PATCH', `/admin/alerts/${id}`, { status: 'acknowledged' });
      expect(back.status).toBe(409);
      expect(back.body.code).toBe('invalid_transition');
    });

    it('resolves an open alert directly', async () => {
      const negative = (await alertsOf(yara)).find((a) => a.code === 'negative_cash_flow')!;
      const res = await asAdmin('PATCH', `/admin/alerts/${negative._id}`, {
        status: 'resolved',
        note: 'Data entry gap',
      });
      expect(res.body).toMatchObject({ status: 'resolved', acknowledgedBy: null, resolvedBy: admin._id.toHexString() });
    });

    it('answers 404, 400 and 403 like every other route', async () => {
      const id = String((await alertsOf(yara))[0]._id);
      expect(
        (await asAdmin('PATCH', `/admin/alerts/${new ObjectId().toHexString()}`, { status: 'resolved' })).status,
      ).toBe(404);
      expect((await asAdmin('PATCH', '/admin/alerts/abc', { status: 'resolved' })).body.code).toBe('invalid_id');
      expect((await asAdmin('PATCH', `/admin/alerts/${id}`, { status: 'open' })).body.code).toBe('validation_failed');
      expect((await asAdmin('PATCH', `/admin/alerts/${id}`, { status: 'resolved', severity: 'low' })).status).toBe(400);
      expect(
        (
          await request(api.url, 'PATCH', `/admin/alerts/${id}`, {
            token: tokenFor(plain),
            body: { status: 'resolved' },
          })
        ).status,
      ).toBe(403);
      expect((await request(api.url, 'PATCH', `/admin/alerts/${id}`, { body: { status: 'resolved' } })).status).toBe(
        401,
      );
    });
  });

  it('raises a flag again once resolved, and leaves alerts whose flag stopped firing open but marked', async () => {
    // Yara's overspend is deleted in the app (a soft delete, which moves updatedAt): neither of her flags fires any more.
    await db
      .collection('expenses')
      .updateOne({ _id: yaraOverrunExpense }, { $set: { isDeleted: true, updatedAt: new Date() } });
    // Fan-outs accept only today +-1 day, so the third screening is yesterday's (a fresh set of per-user job ids).
    await screenEveryone(dayAfter(today, -1), 'screen-all-3');

    const xaviers = await alertsOf(xavier);
    expect(xaviers.map((a) => a.status)).toEqual(['resolved', 'open']);
    expect(xaviers[1]).toMatchObject({
      code: 'debt_to_income_high',
      detectedOn: dayAfter(today, -1),
      stillFiring: true,
    });
    expect(wordingCalls()).toHaveLength(3);

    const overrun = (await alertsOf(yara)).find((a) => a.code === 'budget_overrun')!;
    expect(overrun).toMatchObject({ status: 'open', stillFiring: false });
  });

  it('retries a model failure (500) and then stores the alert', async () => {
    const zed = await seedUser(db, { name: 'Zed' });
    await seedIncome(db, zed._id, 3333);
    await seedDebt(db, zed._id, { amount: 9000, monthlyPayment: 1500 });
    infra.model.enqueue({
      error: { status: 500, message: 'upstream broke' },
      match: matchers.lastUserIncludes('£3,333.00'),
    });

    const job = await queue.add(
      DAILY_JOB_NAMES.screen,
      { userId: zed._id.toHexString(), dateKey: today },
      { jobId: jobIds.alertScreen(zed._id.toHexString(), today) },
    );
    const done = await eventually(
      () => queue.getJob(job.id!),
      (j) => j?.finishedOn !== undefined,
    );
    expect(done!.returnvalue).toEqual({ status: 'screened', flags: 1, created: 1 });
    expect(done!.attemptsMade).toBe(2);
    expect(await alertsOf(zed)).toHaveLength(1);
    const usage = await db
      .collection('ai_usage')
      .find({ userId: zed._id, feature: 'alerts' })
      .sort({ createdAt: 1 })
      .toArray();
    expect(usage.map((u) => [u.success, u.errorCode])).toEqual([
      [false, 'unavailable'],
      [true, null],
    ]);
  });

  it('fails the job cleanly, with the reason, when the model never answers in schema', async () => {
    const wendy = await seedUser(db, { name: 'Wendy' });
    await seedIncome(db, wendy._id, 4444);
    await seedDebt(db, wendy._id, { amount: 9000, monthlyPayment: 2500 });
    infra.model.enqueue(
      ...[1, 2, 3].map(() => ({ json: { alerts: [] }, match: matchers.lastUserIncludes('£4,444.00') })),
    );

    const job = await queue.add(
      DAILY_JOB_NAMES.screen,
      { userId: wendy._id.toHexString(), dateKey: today },
      { jobId: jobIds.alertScreen(wendy._id.toHexString(), today) },
    );
    const failed = await eventually(
      () => queue.getJob(job.id!),
      (j) => j?.finishedOn !== undefined,
    );
    expect(await failed!.getState()).toBe('failed');
    expect(failed!.attemptsMade).toBe(3);
    expect(failed!.failedReason).toMatch(/did not match the schema/);
    expect(await alertsOf(wendy)).toHaveLength(0);
    expect(
      await db
        .collection('ai_usage')
        .countDocuments({ userId: wendy._id, feature: 'alerts', success: false, errorCode: 'invalid_output' }),
    ).toBe(3);
  });
});
