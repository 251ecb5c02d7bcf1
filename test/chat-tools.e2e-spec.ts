import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Queue } from 'bullmq';
import { Db, ObjectId, type Document } from 'mongodb';
import { ConfigModule, loadConfig, type AppConfig } from '@app/config';
import {
  DatabaseModule,
  FinancialContextService,
  FinancialSnapshotService,
  ReportsRepository,
  type ReportParams,
} from '@app/database';
import type { FinancialContext } from '@app/finance';
import { AppLogger, LoggingModule } from '@app/logging';
import { jobIds, QUEUES, redisOptions } from '@app/queue';
import type { ChatRequest, ScriptedReply } from '../tools/fake-openai';
import type { ToolContext, ToolLanguage } from '../apps/api/src/chat/tools/chat-tool';
import { ChatToolRegistry, TOOL_CONTENT_MAX_CHARS } from '../apps/api/src/chat/tools/tool-registry';
import { ChatToolsModule } from '../apps/api/src/chat/tools/tools.module';
import { checkCitations, type Fact } from '@app/prompts';
import { eventually } from './support/http';
import { connectDb, Infra, startInfra, startWorker, testEnv } from './support/stack';

/**
 * The chat tools over records shaped as the main backend writes them (../shared/MAIN-BACKEND.md): recurring
 * copies made a period AHEAD and without `budgetId` (the category comes from the series' first row), a
 * soft-deleted row, a mutual partner whose household budget the user spends against, another user's look-alike
 * records, and 10,000 rows for one user. Tools are called through the registry as the chat turn calls them, with
 * the snapshot FinancialContextService computes. "Now" is 2026-04-15 10:00 UTC in Europe/London (BST), so April
 * runs from 2026-03-31T23:00Z, and 2026-03-31T23:30Z is 1 April locally.
 */

const NOW = new Date('2026-04-15T10:00:00Z');
const ZONE = 'Europe/London';
const DEBT_REPORT = 'debt_optimisation_report';

const d = (iso: string): Date => new Date(iso.length === 10 ? `${iso}T12:00:00Z` : iso);
const stamp = (at: Date) => ({ isDeleted: false, createdAt: at, updatedAt: at, __v: 0 });

const schemaNameOf = (req: ChatRequest): string | undefined =>
  req.response_format?.type === 'json_schema' ? req.response_format.json_schema.name : undefined;
/** A schema-valid debt report answer that cites nothing. */
const debtAnswer = (): ScriptedReply =>
  ({
    match: (req: ChatRequest) => schemaNameOf(req) === DEBT_REPORT,
    json: {
      summary: 'Here is how your debts stand.',
      insights: [{ title: 'Your debts', detail: 'See the plans.', impact: 'medium', figureKeys: [] }],
    },
    usage: { prompt_tokens: 900, completion_tokens: 120 },
  }) as ScriptedReply;

/** Figures the data shows that no fact shows: the reply verifier could not accept them if the model quoted them. */
function uncoveredFigures(data: unknown, facts: Fact[]): string[] {
  const words: string[] = [];
  const walk = (v: unknown, key = ''): void => {
    if (typeof v === 'string') words.push(v);
    // Minor units are the formatted amounts beside them; every other number is a figure.
    else if (typeof v === 'number' && !key.endsWith('Minor')) words.push(String(v));
    else if (Array.isArray(v)) v.forEach((x) => walk(x));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(data);
  return checkCitations({ currency: 'GBP', locale: 'en-GB', facts }, words).uncited;
}

/** Letters for an index, so 10,000 names stay distinct after normalisation (which drops tokens with digits). */
const letters = (i: number): string => {
  let s = '';
  let n = i;
  do {
    s = String.fromCharCode(97 + (n % 26)) + s;
    n = Math.floor(n / 26);
  } while (n > 0);
  return s;
};

describe('chat tools over main-backend records (issue 14, items 1 and 6)', () => {
  let infra: Infra;
  let config: AppConfig;
  let worker: INestApplicationContext;
  let reportQueue: Queue;
  let tools: INestApplicationContext;
  let registry: ChatToolRegistry;
  let db: Db;
  let closeDb: () => Promise<void>;

  const alice = new ObjectId();
  const bob = new ObjectId();
  const carol = new ObjectId();
  const bulk = new ObjectId();
  const ids = {
    rent: new ObjectId(),
    stream: new ObjectId(),
    food: new ObjectId(),
    pot: new ObjectId(),
    bobHome: new ObjectId(),
    bobFun: new ObjectId(),
    carolYacht: new ObjectId(),
  };

  async function seed(): Promise<void> {
    const user = (_id: ObjectId, name: string, partnerId: ObjectId | null = null) => ({
      _id,
      name,
      email: `${name.toLowerCase()}-${_id.toHexString()}@example.com`,
      role: 'USER',
      status: 'active',
      verified: true,
      partnerId,
      ...stamp(d('2025-06-01')),
    });
    await db
      .collection('users')
      .insertMany([user(alice, 'Alice', bob), user(bob, 'Bob', alice), user(carol, 'Carol'), user(bulk, 'Bulk')]);

    const budget = (
      _id: ObjectId,
      userId: ObjectId,
      name: string,
      amount: number,
      category: string,
      type = 'personal',
    ) => ({
      _id,
      name,
      amount,
      type,
      frequency: 'monthly',
      category,
      userId,
      ...stamp(d('2025-12-01')),
    });
    await db
      .collection('budgets')
      .insertMany([
        budget(ids.rent, alice, 'Rent', 1200, 'Essential(Needs)'),
        budget(ids.stream, alice, 'Streaming', 20, 'Subscriptions'),
        budget(ids.food, alice, 'Groceries', 400, 'Essential(Needs)'),
        budget(ids.pot, alice, 'Savings pot', 200, 'Savings'),
        budget(ids.bobHome, bob, 'Home', 300, 'Essential(Needs)', 'household'),
        budget(ids.bobFun, bob, 'Bob fun', 50, 'Discretionary(Wants)'),
      ]);

    const expense = (
      userId: ObjectId,
      name: string,
      amount: number,
      endDate: Date,
      frequency: string,
      budgetId?: ObjectId,
      extra: Document = {},
    ) => ({
      name,
      amount,
      endDate,
      frequency,
      userId,
      ...(budgetId ? { budgetId } : {}),
      ...stamp(endDate),
      ...extra,
    });
    const months = ['2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05'];
    await db.collection('expenses').insertMany([
      // Series: only the first row has the budget; each copy is made a period ahead (May's exists on 15 April).
      ...months.map((m, i) => expense(alice, 'Rent', 1200, d(`${m}-01`), 'monthly', i === 0 ? ids.rent : undefined)),
      ...months.map((m, i) =>
        expense(alice, 'Netflix', 10.99, d(`${m}-03`), 'monthly', i === 0 ? ids.stream : undefined),
      ),
      expense(alice, 'Tesco', 60, d('2026-03-20'), 'on-off', ids.food),
      expense(alice, 'Tesco', 30.25, d('2026-03-31T23:30:00Z'), 'on-off', ids.food),
      expense(alice, 'Tesco', 45.5, d('2026-04-02'), 'on-off', ids.food),
      // Soft-deleted: the app no longer shows it.
      expense(alice, 'Tesco', 999, d('2026-04-10'), 'on-off', ids.food, { isDeleted: true }),
      expense(alice, 'Pret', 4.5, d('2026-04-05'), 'on-off'),
      expense(alice, 'Plumber', 80, d('2026-04-08'), 'on-off', ids.bobHome),
      expense(alice, 'Savings pot', 200, d('2026-04-06'), 'on-off', ids.pot),
      ...['2026-04-07', '2026-04-14', '2026-04-21'].map((day) => expense(alice, 'Gym', 10, d(day), 'weekly')),
      // Bob: look-alike names alice must never see, and household spending she shares.
      expense(bob, 'Casino night', 500, d('2026-04-09'), 'on-off', ids.bobFun),
      expense(bob, 'Tesco', 12, d('2026-04-09'), 'on-off'),
      expense(bob, 'Plumber', 40, d('2026-03-10'), 'on-off', ids.bobHome),
      expense(carol, 'Yacht fuel', 700, d('2026-04-03'), 'on-off'),
    ]);
    await db.collection('incomes').insertMany(
      ['2026-02-25', '2026-03-25', '2026-04-25'].map((day) => ({
        name: 'Salary',
        amount: 3000,
        receiveDate: d(day),
        frequency: 'monthly',
        userId: alice,
        ...stamp(d(day)),
      })),
    );
    const goal = (userId: ObjectId, name: string, fields: Document, _id = new ObjectId()) => ({
      _id,
      name,
      completionRation: 0,
      date: d('2026-01-01'),
      isCompleted: false,
      userId,
      ...fields,
      ...stamp(d('2026-01-01')),
    });
    await db.collection('savinggoals').insertMany([
      goal(alice, 'Holiday', {
        totalAmount: 2000,
        monthlyTarget: 400,
        savedMoney: 400,
        completeDate: d('2026-10-01'),
      }),
      goal(alice, 'Car', { totalAmount: 1000, monthlyTarget: 250, savedMoney: 1000, completeDate: d('2026-03-01') }),
      goal(carol, 'Yacht', { totalAmount: 90000, monthlyTarget: 900, savedMoney: 100 }, ids.carolYacht),
    ]);
    const debt = (fields: Document) => ({
      AdHocPayment: 0,
      capitalRepayment: 0,
      interestRepayment: 0,
      completionRatio: 0,
      payDueDate: d('2026-05-15'),
      userId: alice,
      ...fields,
      ...stamp(d('2025-10-01')),
    });
    // Hand-worked in libs/finance/src/debt-payoff.spec.ts (issue 12, item 12).
    await db
      .collection('debts')
      .insertMany([
        debt({ name: 'Card', amount: 1000, monthlyPayment: 100, userInterestRate: 12 }),
        debt({ name: 'Loan', amount: 500, monthlyPayment: 50, userInterestRate: 0 }),
      ]);

    // 10,000 expenses over the 12 months before now, every name its own merchant.
    const start = d('2025-04-16T00:00:00Z').getTime();
    const span = NOW.getTime() - 3_600_000 - start;
    const many = Array.from({ length: 10_000 }, (_, i) =>
      expense(
        bulk,
        `Shop ${letters(i)} ${'x'.repeat(i % 40)}`,
        (i % 100) + 0.99,
        new Date(start + (span * i) / 10_000),
        'on-off',
      ),
    );
    for (let i = 0; i < many.length; i += 2_000) await db.collection('expenses').insertMany(many.slice(i, i + 2_000));
  }

  /** The snapshot at NOW, as the chat turn would hand it to the tools. */
  const snapshots = new Map<string, FinancialContext>();
  async function snapshotOf(userId: ObjectId): Promise<FinancialContext> {
    const key = userId.toHexString();
    if (!snapshots.has(key)) {
      snapshots.set(key, (await tools.get(FinancialContextService).forUser(key, { now: NOW })).context);
    }
    return snapshots.get(key)!;
  }
  async function ctxFor(userId: ObjectId, language: ToolLanguage = 'en'): Promise<ToolContext> {
    const snapshot = await snapshotOf(userId);
    return {
      userId: userId.toHexString(),
      now: NOW,
      timeZone: snapshot.timeZone,
      currency: snapshot.currency,
      locale: snapshot.locale,
      language,
      snapshot,
    };
  }
  async function call(userId: ObjectId, name: string, args: unknown, language: ToolLanguage = 'en') {
    const raw = typeof args === 'string' ? args : JSON.stringify(args);
    return registry.call(name, raw, await ctxFor(userId, language));
  }
  /** A call that must succeed: its data, summary and facts. */
  async function ok(userId: ObjectId, name: string, args: unknown, language: ToolLanguage = 'en') {
    const out = await call(userId, name, args, language);
    if (!out.ok) throw new Error(`${name} refused: ${out.error}`);
    expect(out.content.length).toBeLessThanOrEqual(TOOL_CONTENT_MAX_CHARS);
    expect(uncoveredFigures(out.result.data, out.result.facts)).toEqual([]);
    return { data: out.result.data as any, summary: out.result.summary, facts: out.result.facts, content: out.content };
  }

  beforeAll(async () => {
    infra = await startInfra();
    const env = testEnv(infra, { TIME_ZONE: ZONE });
    config = loadConfig(env);
    ({ db, close: closeDb } = await connectDb(config));
    await seed();
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(new AppLogger('test', 'error', { format: 'json', write: () => undefined })),
        DatabaseModule,
        ChatToolsModule,
      ],
    }).compile();
    tools = await moduleRef.init();
    registry = tools.get(ChatToolRegistry);
  }, 120_000);

  afterAll(async () => {
    await reportQueue?.close();
    await worker?.close();
    await tools?.close();
    await closeDb?.();
    await infra?.stop();
  });

  it('offers the tools by their issue names, each with a bounded schema', () => {
    expect(registry.names()).toEqual(
      expect.arrayContaining([
        'search_transactions',
        'spending_breakdown',
        'budget_status',
        'debt_payoff_plan',
        'savings_goal_projection',
        'subscriptions',
      ]),
    );
    for (const def of registry.definitions()) {
      expect(def).toMatchObject({ type: 'function', function: { parameters: { additionalProperties: false } } });
    }
  });

  describe('search_transactions', () => {
    it("finds a merchant's rows: soft-deleted, future-dated and the partner's look-alikes left out", async () => {
      const { data, summary, facts } = await ok(alice, 'search_transactions', { text: 'TESCO', kind: 'expense' });
      // 60.00 + 30.25 + 45.50; not the deleted 999.00, not Bob's 12.00.
      expect(data).toMatchObject({ kind: 'expense', count: 3, total: '£135.75', totalMinor: 13575, rowsShown: 3 });
      expect(data.rows.map((r: any) => [r.date, r.amount, r.category])).toEqual([
        ['2026-04-02', '£45.50', 'Essential(Needs)'],
        // 23:30 UTC on 31 March is 00:30 on 1 April in London.
        ['2026-04-01', '£30.25', 'Essential(Needs)'],
        ['2026-03-20', '£60.00', 'Essential(Needs)'],
      ]);
      expect(summary).toBe('Found 3 transactions totalling £135.75');
      expect(facts).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ key: 'search_transactions.total', value: 13575, text: '£135.75' }),
          expect.objectContaining({ key: 'search_transactions.count', value: 3, unit: 'count' }),
        ]),
      );
    });

    it('gives recurring copies without budgetId their series category, and counts the copies made ahead apart', async () => {
      const { data } = await ok(alice, 'search_transactions', { category: 'Subscriptions' });
      // Netflix December to April; May's copy exists but has not happened.
      expect(data).toMatchObject({ kind: 'expense', count: 5, total: '£54.95', upcomingExcluded: 1 });
      expect(data.note).toMatch(/only expenses/);
      expect(new Set(data.rows.map((r: any) => `${r.name}|${r.category}`))).toEqual(new Set(['Netflix|Subscriptions']));
      const needs = await ok(alice, 'search_transactions', { category: 'needs', kind: 'expense' });
      // Rent 5 x 1,200.00 (copies inherit), Tesco 135.75, and the plumber on Bob's household budget 80.00.
      expect(needs.data).toMatchObject({ count: 9, totalMinor: 621575, upcomingExcluded: 1 });
    });

    it('searches incomes and expenses together, by dates in the user zone', async () => {
      const april = await ok(alice, 'search_transactions', { from: '2026-04-01', to: '2026-04-30', limit: 50 });
      // Rent 1,200 + Netflix 10.99 + Tesco 30.25 + 45.50 + Pret 4.50 + Plumber 80 + Savings pot 200 + Gym 2 x 10.
      expect(april.data.expenses).toMatchObject({ count: 9, totalMinor: 159124 });
      // April's salary copy (the 25th) and the gym copy (the 21st) are upcoming.
      expect(april.data.income).toMatchObject({ count: 0, totalMinor: 0 });
      expect(april.data.upcomingExcluded).toBe(2);
      expect(april.summary).toBe('Found 9 transactions: £0.00 in, £1,591.24 out');
      const salary = await ok(alice, 'search_transactions', { text: 'salary', kind: 'income' }, 'bn');
      expect(salary.data).toMatchObject({ count: 2, total: '£6,000.00', upcomingExcluded: 1 });
      expect(salary.summary).toBe('2টি লেনদেন পাওয়া গেছে, মোট £6,000.00');
    });

    it("returns nothing of another user's, whatever the arguments name", async () => {
      for (const text of ['Casino', 'yacht']) {
        const { data, summary } = await ok(alice, 'search_transactions', { text });
        expect(data).toMatchObject({ count: 0, rows: [] });
        expect(summary).toBe('No matching transactions');
      }
      // A user id, or a regex, in the text is only text.
      for (const text of [bob.toHexString(), '.*', '^T']) {
        const { data } = await ok(alice, 'search_transactions', { text });
        expect(data.count).toBe(0);
      }
    });

    it('stays bounded over 10,000 rows: counts and totals every match, shows what fits', async () => {
      const { data, content, facts } = await ok(bulk, 'search_transactions', {
        text: 'shop',
        kind: 'expense',
        limit: 50,
      });
      expect(data.count).toBe(10_000);
      // (0.99 + ... + 99.99) x 100 = 5,049.00, a hundred times over.
      expect(data.totalMinor).toBe(50_490_000);
      expect(data.rows.length).toBeGreaterThan(0);
      expect(data.rows.length).toBeLessThanOrEqual(50);
      expect(data.moreNotShown).toBe(10_000 - data.rows.length);
      expect(() => JSON.parse(content)).not.toThrow();
      expect(facts.filter((f) => f.key.startsWith('search_transactions.row_'))).toHaveLength(data.rows.length);
    });
  });

  describe('spending_breakdown', () => {
    it("matches the snapshot's spending by category for this month so far", async () => {
      const snapshot = await snapshotOf(alice);
      const { data, summary } = await ok(alice, 'spending_breakdown', {});
      expect(data.totalMinor).toBe(snapshot.thisMonth.spendingMinor);
      // Rent 1,200 + Tesco 75.75 + Plumber 80 = 1,355.75 needs; Netflix 10.99; Pret 4.50 + Gym 20 wants.
      expect(data.totalMinor).toBe(139124);
      expect(data.movedToSavingsMinor).toBe(snapshot.thisMonth.movedToSavingsMinor);
      expect(data.groups.map((g: any) => [g.category, g.amountMinor])).toEqual(
        snapshot.thisMonth.spendingByCategory
          .slice()
          .sort((a, b) => b.amountMinor - a.amountMinor)
          .map((c) => [c.category, c.amountMinor]),
      );
      expect(data.upcomingExcluded).toBeUndefined();
      expect(summary).toBe('Spending from 2026-04-01 to 2026-04-15: £1,391.24 across 3 categories');
      // The whole month: the gym copy made for the 21st is counted apart, not spent.
      const month = await ok(alice, 'spending_breakdown', { from: '2026-04-01', to: '2026-04-30' }, 'bn');
      expect(month.data).toMatchObject({ totalMinor: 139124, upcomingExcluded: 1 });
      expect(month.summary).toBe('2026-04-01 থেকে 2026-04-30 পর্যন্ত খরচ £1,391.24, 3টি বিভাগে');
    });

    it('groups 10,000 merchants into the top ones and others, totals unchanged', async () => {
      const { data } = await ok(bulk, 'spending_breakdown', {
        groupBy: 'merchant',
        from: '2025-04-01',
        to: '2026-04-15',
        top: 20,
      });
      // A merchant whose letters read "isa" is money moved to savings, not spending.
      expect(data.totalMinor + data.movedToSavingsMinor).toBe(50_490_000);
      expect(data.groups.length).toBeLessThanOrEqual(20);
      expect(data.groups.length + data.others.groups).toBe(9_999);
      expect(data.groups.reduce((s: number, g: any) => s + g.amountMinor, 0) + data.others.amountMinor).toBe(
        data.totalMinor,
      );
      const byMonth = await ok(bulk, 'spending_breakdown', { groupBy: 'month', from: '2025-04-01', top: 3 });
      expect(byMonth.data.groups.map((g: any) => g.month)).toEqual(['2026-02', '2026-03', '2026-04']);
    });
  });

  describe('budget_status', () => {
    it("is the snapshot's budget report for this month", async () => {
      const snapshot = await snapshotOf(alice);
      const { data, summary } = await ok(alice, 'budget_status', {});
      expect(data.month).toBe('2026-04');
      const byName = Object.fromEntries(data.budgets.map((b: any) => [b.name, b]));
      for (const line of snapshot.budgetsThisMonth.lines) {
        expect(byName[line.name]).toMatchObject({ spentMinor: line.actualMinor, budgetMinor: line.budgetedMinor });
      }
      // The rent copy inherits the Rent budget: 1,200.00 of 1,200.00.
      expect(byName.Rent).toMatchObject({ spent: '£1,200.00', percentUsed: '100.0%', status: 'within' });
      expect(byName.Home).toMatchObject({ spent: '£80.00', household: true });
      expect(summary).toMatch(/^Budgets for 2026-04: /);
    });

    it('computes an earlier month the same way, partner household spending included', async () => {
      const { data } = await ok(alice, 'budget_status', { month: '2026-03' });
      const byName = Object.fromEntries(data.budgets.map((b: any) => [b.name, b]));
      expect(byName.Groceries).toMatchObject({ spentMinor: 6000, budgetMinor: 40000, remaining: '£340.00' });
      expect(byName.Streaming).toMatchObject({ spentMinor: 1099 });
      expect(byName.Home).toMatchObject({ spentMinor: 4000, partnerSpent: '£40.00' });
    });
  });

  describe('savings_goal_projection', () => {
    it('projects a goal of the user by name', async () => {
      const { data, summary } = await ok(alice, 'savings_goal_projection', { goal: 'holiday' });
      // 2,000 - 400 = 1,600 at 400 a month: 4 months from 15 April.
      expect(data).toMatchObject({
        remaining: '£1,600.00',
        monthsNeeded: 4,
        reachedOn: '2026-08-15',
        targetDate: '2026-10-01',
        onTrack: true,
      });
      expect(summary).toBe('"Holiday": £1,600.00 to go, reached in 4 months (2026-08-15) at £400.00 a month');
      const done = await ok(alice, 'savings_goal_projection', { goal: 'Car' });
      expect(done.data.completed).toBe(true);
    });

    it("does not find another user's goal by id or by name", async () => {
      for (const goal of [ids.carolYacht.toHexString(), 'Yacht']) {
        const out = await call(alice, 'savings_goal_projection', { goal });
        expect(out).toMatchObject({ ok: false });
        expect(out.content).toMatch(/No saving goal matches/);
        expect(out.content).not.toMatch(/Yacht|90,000|90000/);
      }
    });
  });

  describe('subscriptions', () => {
    it('agrees with the snapshot', async () => {
      const snapshot = await snapshotOf(alice);
      const { data } = await ok(alice, 'subscriptions', {});
      expect(data.count).toBe(snapshot.recurring.subscriptions.length);
      expect(data.yearlyTotal).toBe(
        new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' }).format(
          snapshot.recurring.subscriptionsYearlyCostMinor / 100,
        ),
      );
      const netflix = data.subscriptions.find((s: any) => s.name === 'Netflix');
      expect(netflix).toMatchObject({ cadence: 'monthly', monthlyCostMinor: 1099, yearlyCostMinor: 13188 });
      expect(netflix.nextExpected).toBe('2026-05-03');
      const cancel = await ok(alice, 'subscriptions', { name: 'netflix' }, 'bn');
      expect(cancel.data.cancelling).toMatchObject({ savesPerMonth: '£10.99', savesPerYear: '£131.88' });
      expect(cancel.summary).toBe('"Netflix" বাতিল করলে মাসে £10.99, বছরে £131.88 সাশ্রয় হবে');
    });
  });

  describe('refuses bad arguments with a message, never a throw', () => {
    it.each([
      ['search_transactions', { limit: 51 }, /limit must be <= 50/],
      ['search_transactions', { text: 'x'.repeat(5_000) }, /at most 4000 are accepted/],
      ['search_transactions', { text: 'x'.repeat(101) }, /text must NOT have more than 100 characters/],
      ['search_transactions', { from: '2026-02-30' }, /from must be a real date/],
      ['search_transactions', { from: '2026-04-10', to: '2026-04-01' }, /to must not be before from/],
      ['search_transactions', { userId: bob.toHexString() }, /unknown argument \\"userId\\"/],
      ['search_transactions', { kind: 'transfers' }, /kind must be one of income, expense, both/],
      ['search_transactions', '{"text": "tesco"', /not valid JSON/],
      ['search_transactions', '[1,2]', /must be a JSON object/],
      ['budget_status', { month: '2026-05' }, /has not started yet/],
      ['debt_payoff_plan', { extraMonthly: 100_000.01 }, /extraMonthly must be <= 100000/],
      ['debt_payoff_plan', { lumpSum: 10.005 }, /at most 2 decimal places/],
      ['savings_goal_projection', {}, /must have required property 'goal'/],
      ['no_such_tool', {}, /Unknown tool/],
    ])('%s refuses bad arguments, case %#', async (name, args, message) => {
      const out = await call(alice, name, args);
      expect(out.ok).toBe(false);
      expect(out.content).toMatch(message);
      expect(JSON.parse(out.content)).toEqual({ error: expect.any(String) });
    });
  });

  describe('debt_payoff_plan is the debt report', () => {
    // Plans read the snapshot the report reads: the current one (today's month), from the same records.
    async function liveCtx(): Promise<ToolContext> {
      const { context } = await tools.get(FinancialSnapshotService).current(alice.toHexString());
      return {
        userId: alice.toHexString(),
        now: new Date(context.generatedAt),
        timeZone: context.timeZone,
        currency: context.currency,
        locale: context.locale,
        language: 'en',
        snapshot: context,
      };
    }
    /**
     * A debt report through the worker, requested as the api's ReportsService does (the report record with its
     * what-if in minor units, then its job): the worker computes and stores the figures.
     */
    async function report(params: ReportParams | null): Promise<any> {
      infra.model.enqueue(debtAnswer());
      const reports = tools.get(ReportsRepository);
      const created = await reports.createQueued(alice.toHexString(), 'debt', null, params);
      const id = String(created.report!._id);
      await reportQueue.add('generate', { reportId: id }, { jobId: jobIds.report(id) });
      const done = await eventually(
        () => reports.findById(id),
        (r) => r?.status === 'completed' || r?.status === 'failed',
        20_000,
      );
      expect(done!.status).toBe('completed');
      return done!.figures;
    }
    const plan = (p: any) => ({
      months: p.months ?? null,
      interestMinor: p.totalInterestMinor ?? null,
      order: p.payoffOrder.map((o: any) => [o.name, o.month ?? null, o.monthKey]),
    });

    beforeAll(async () => {
      worker = await startWorker(config);
      reportQueue = new Queue(QUEUES.reports, {
        connection: redisOptions(config.redis.url, 'producer') as never,
        prefix: config.queue.prefix,
      });
    }, 60_000);

    it('gives the same months, interest and payoff order for the same extra money and lump sum', async () => {
      const figures = await report({ extraMonthlyMinor: 15_000, lumpSumMinor: 20_000 });
      const out = await registry.call(
        'debt_payoff_plan',
        JSON.stringify({ extraMonthly: 150, lumpSum: 200 }),
        await liveCtx(),
      );
      if (!out.ok) throw new Error(out.error);
      const data = out.result.data as any;
      const byStrategy = Object.fromEntries(data.plans.map((p: any) => [p.strategy, p]));
      for (const s of ['avalanche', 'snowball'] as const) {
        expect(plan(byStrategy[s])).toEqual(plan(figures.whatIf[s]));
        expect(byStrategy[s].savesVsMinimumsOnly.months).toBe(figures.whatIf[`${s}Saves`].monthsSaved);
      }
      expect(data.minimumsOnly.months).toBe(figures.whatIf.minimumsOnly.months);
      // The hand-worked figures: avalanche 5 months and £19.45, saving 6 months and £39.53 against 11 and £58.98.
      expect(byStrategy.avalanche).toMatchObject({ months: 5, totalInterest: '£19.45' });
      expect(byStrategy.avalanche.savesVsMinimumsOnly).toEqual({ months: 6, interest: '£39.53' });
      expect(data.minimumsOnly).toMatchObject({ months: 11, totalInterest: '£58.98' });
      expect(byStrategy.snowball).toMatchObject({ months: 5, totalInterest: '£31.86' });
    });

    it('and the plain report when no extra money is asked for', async () => {
      const figures = await report(null);
      const out = await registry.call('debt_payoff_plan', '{"strategy":"snowball"}', await liveCtx());
      if (!out.ok) throw new Error(out.error);
      const data = out.result.data as any;
      expect(data.plans).toHaveLength(1);
      expect(plan(data.plans[0])).toEqual(plan(figures.payoff.snowball));
      expect(data.plans[0].monthlyPayment).toBe('£150.00');
    });
  });
});
