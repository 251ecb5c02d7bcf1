/**
 * How long the financial context takes for a heavy user, and how many queries it costs.
 *
 *   node tools/run-ts.js tools/bench/context.bench.ts        (npm run bench:context)
 *
 * Starts its own test MongoDB (or uses MONGODB_URI, in a fresh database it drops afterwards), seeds one user with
 * BENCH_EXPENSES (default 20,000) expenses over 24 months, materialised monthly incomes, budgets, debts and goals,
 * a partner with household spending, and a few soft-deleted documents; then builds the context BENCH_WARMUP times
 * untimed and BENCH_RUNS times timed. Queries are counted from the driver's command monitoring on the app's own
 * client, so seeding (a separate client) is never counted.
 */
import { performance } from 'node:perf_hooks';
import { INestApplicationContext } from '@nestjs/common';
import { getConnectionToken, MongooseModule } from '@nestjs/mongoose';
import { Test } from '@nestjs/testing';
import {
  MongoClient,
  ObjectId,
  type CommandStartedEvent,
  type CommandSucceededEvent,
  type Db,
  type Document,
} from 'mongodb';
import type { Connection } from 'mongoose';
import { ConfigModule, loadConfig } from '@app/config';
import { MAIN_BACKEND_MODELS } from '@app/database';
import { buildFinancialContext, dataWindows, renderContextForPrompt } from '@app/finance';
import {
  FINANCE_INPUTS_QUERY_COUNT,
  FinanceInputsRepository,
  FinancialContextService,
} from '../../libs/database/src/finance';
import { startTestMongo, uniqueDbUri } from '../../test/support/mongo';
import { intEnv, runBench } from './bench-kit';

const EXPENSES = intEnv('BENCH_EXPENSES', 20_000);
const RUNS = intEnv('BENCH_RUNS', 20);
const WARMUP = intEnv('BENCH_WARMUP', 3);
const MONTHS = 24;
const TIME_ZONE = 'Europe/London';
const BATCH = 1_000;
const READS = new Set(['find', 'aggregate', 'getMore', 'count', 'distinct']);

/** Deterministic data, so runs on different machines compare like with like. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(20260415);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const pence = (min: number, max: number): number => Math.round((min + rand() * (max - min)) * 100) / 100;

const MERCHANTS = [
  'Tesco',
  'Sainsburys',
  'Aldi',
  'Lidl',
  'Costa',
  'Pret',
  'Starbucks',
  'Deliveroo',
  'Uber Eats',
  'TfL',
  'Trainline',
  'Shell',
  'BP',
  'Amazon',
  'Argos',
  'Boots',
  'Superdrug',
  'Primark',
  'Zara',
  'H&M',
  'Cinema',
  'Pub',
  'Restaurant',
  'Takeaway',
  'Pharmacy',
  'Parking',
  'Taxi',
  'Barber',
  'Bookshop',
  'Steam',
  'Gift',
  'Hardware store',
  'Garden centre',
  ...Array.from({ length: 120 }, (_, i) => `Shop ${i + 1}`),
];
const MONTHLY_BILLS: ReadonlyArray<[string, number, number]> = [
  // name, amount, day of month
  ['Rent', 1150, 1],
  ['Council Tax', 165.5, 2],
  ['Netflix', 10.99, 3],
  ['Spotify', 11.99, 5],
  ['Gym membership', 34.99, 7],
  ['Mobile phone bill', 18, 12],
  ['Broadband', 30, 15],
  ['Energy', 120.4, 20],
];

interface Seeded {
  user: ObjectId;
  partner: ObjectId;
  expenses: number;
  partnerExpenses: number;
  softDeleted: number;
}

async function seed(db: Db, now: Date): Promise<Seeded> {
  const user = new ObjectId();
  const partner = new ObjectId();
  const stamp = (fields: Document, at: Date, isDeleted = false): Document => ({
    _id: new ObjectId(),
    ...fields,
    isDeleted,
    createdAt: at,
    updatedAt: at,
    __v: 0,
  });
  const person = (id: ObjectId, partnerId: ObjectId) => ({
    ...stamp({ name: 'Bench', email: `${id.toHexString()}@example.com`, role: 'USER', status: 'active' }, now),
    _id: id,
    partnerId,
  });
  await db.collection('users').insertMany([person(user, partner), person(partner, user)]);

  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (MONTHS - 1), 1, 9));
  const monthStart = (i: number, day = 1, hour = 9): Date =>
    new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + i, day, hour));
  const span = now.getTime() - first.getTime();

  const budgets: Document[] = [
    ['Groceries', 400, 'personal', 'Essential(Needs)'],
    ['Eating out', 150, 'personal', 'Discretionary(Wants)'],
    ['Transport', 120, 'personal', 'Essential(Needs)'],
    ['Shopping', 200, 'personal', 'Discretionary(Wants)'],
    ['Emergency fund', 250, 'personal', 'Savings'],
    ['Household bills', 600, 'household', 'Essential(Needs)'],
  ].map(([name, amount, type, category]) =>
    stamp({ name, amount, type, frequency: 'monthly', category, userId: user, expensesId: [] }, first),
  );
  const partnerBudgets: Document[] = [
    ['Home', 180, 'household', 'Discretionary(Wants)'],
    ['Partner hobbies', 90, 'personal', 'Discretionary(Wants)'],
  ].map(([name, amount, type, category]) =>
    stamp({ name, amount, type, frequency: 'monthly', category, userId: partner, expensesId: [] }, first),
  );
  const deletedBudget = stamp(
    { name: 'Old budget', amount: 999, type: 'personal', frequency: 'monthly', category: 'Savings', userId: user },
    first,
    true,
  );
  await db.collection('budgets').insertMany([...budgets, ...partnerBudgets, deletedBudget]);
  const household = [budgets[5]._id, partnerBudgets[0]._id];

  const incomes: Document[] = [];
  for (let i = 0; i < MONTHS; i++) {
    const at = monthStart(i, 25);
    if (at > now) continue;
    incomes.push(stamp({ name: 'Salary', amount: 4200, receiveDate: at, frequency: 'monthly', userId: user }, at));
    if (i % 3 === 0)
      incomes.push(
        stamp(
          {
            name: 'Freelance',
            amount: pence(100, 900),
            receiveDate: monthStart(i, 14),
            frequency: 'on-off',
            userId: user,
          },
          at,
        ),
      );
    incomes.push(
      stamp({ name: 'Partner salary', amount: 2800, receiveDate: at, frequency: 'monthly', userId: partner }, at),
    );
  }
  incomes.push(
    stamp(
      {
        name: 'Deleted bonus',
        amount: 5000,
        receiveDate: monthStart(MONTHS - 1, 2),
        frequency: 'on-off',
        userId: user,
      },
      now,
      true,
    ),
  );
  await db.collection('incomes').insertMany(incomes);

  // The user's expenses: materialised monthly bills first, then day-to-day spending up to EXPENSES in total.
  let expenses = 0;
  let softDeleted = 0;
  let batch: Document[] = [];
  const flush = async (force = false): Promise<void> => {
    if (batch.length >= BATCH || (force && batch.length)) {
      await db.collection('expenses').insertMany(batch, { ordered: false });
      batch = [];
    }
  };
  for (let i = 0; i < MONTHS && expenses < EXPENSES; i++) {
    for (const [name, amount, day] of MONTHLY_BILLS) {
      const at = monthStart(i, day, 8);
      if (at > now || expenses >= EXPENSES) continue;
      const budgetId = name === 'Rent' || name === 'Energy' || name === 'Council Tax' ? household[0] : undefined;
      batch.push(
        stamp({ name, amount, endDate: at, frequency: 'monthly', userId: user, ...(budgetId ? { budgetId } : {}) }, at),
      );
      expenses += 1;
      await flush();
    }
  }
  const spendBudgets = [budgets[0]._id, budgets[1]._id, budgets[2]._id, budgets[3]._id, partnerBudgets[0]._id];
  while (expenses < EXPENSES) {
    const at = new Date(first.getTime() + rand() * span);
    const deleted = rand() < 0.03;
    const budgetId = rand() < 0.6 ? pick(spendBudgets) : undefined;
    batch.push(
      stamp(
        {
          name: pick(MERCHANTS),
          amount: pence(0.4, 6),
          endDate: at,
          frequency: 'on-off',
          userId: user,
          ...(budgetId ? { budgetId } : {}),
        },
        at,
        deleted,
      ),
    );
    if (deleted) softDeleted += 1;
    expenses += 1;
    await flush();
  }
  // The partner: some spending on household budgets (shared), the rest their own.
  const partnerExpenses = Math.round(EXPENSES / 10);
  for (let i = 0; i < partnerExpenses; i++) {
    const at = new Date(first.getTime() + rand() * span);
    const budgetId = rand() < 0.3 ? pick(household) : rand() < 0.5 ? partnerBudgets[1]._id : undefined;
    batch.push(
      stamp(
        {
          name: pick(MERCHANTS),
          amount: pence(1, 80),
          endDate: at,
          frequency: 'on-off',
          userId: partner,
          ...(budgetId ? { budgetId } : {}),
        },
        at,
      ),
    );
    await flush();
  }
  await flush(true);

  await db.collection('debts').insertMany([
    stamp(
      {
        name: 'Credit card',
        amount: 2450.35,
        monthlyPayment: 90,
        AdHocPayment: 0,
        capitalRepayment: 50,
        interestRepayment: 40,
        userInterestRate: 24.9,
        payDueDate: monthStart(MONTHS - 1, 18),
        completionRatio: 0.1,
        userId: user,
      },
      first,
    ),
    stamp(
      {
        name: 'Car finance',
        amount: 8200,
        monthlyPayment: 230,
        AdHocPayment: 0,
        capitalRepayment: 190,
        interestRepayment: 40,
        payDueDate: monthStart(MONTHS - 1, 1),
        completionRatio: 0.45,
        userId: user,
      },
      first,
    ),
    stamp(
      {
        name: 'Student loan',
        amount: 19000,
        monthlyPayment: 80,
        userInterestRate: 6.25,
        payDueDate: monthStart(MONTHS - 1, 28),
        completionRatio: 0.05,
        userId: user,
      },
      first,
    ),
    stamp(
      { name: 'Old overdraft', amount: 500, monthlyPayment: 50, userInterestRate: 39.9, userId: user },
      first,
      true,
    ),
  ]);
  await db.collection('savinggoals').insertMany([
    stamp(
      {
        name: 'House deposit',
        totalAmount: 25000,
        monthlyTarget: 500,
        savedMoney: 7300,
        completionRation: 29,
        date: first,
        completeDate: monthStart(MONTHS + 30),
        isCompleted: false,
        userId: user,
      },
      first,
    ),
    stamp(
      {
        name: 'Holiday',
        totalAmount: 1800,
        monthlyTarget: 150,
        savedMoney: 1800,
        completionRation: 100,
        date: first,
        completeDate: monthStart(MONTHS - 2),
        isCompleted: true,
        userId: user,
      },
      first,
    ),
    stamp(
      {
        name: 'New laptop',
        totalAmount: 1400,
        monthlyTarget: 100,
        savedMoney: 420.6,
        completionRation: 30,
        date: first,
        completeDate: monthStart(MONTHS + 6),
        isCompleted: false,
        userId: user,
      },
      first,
    ),
  ]);
  return { user, partner, expenses, partnerExpenses, softDeleted };
}

function stats(ms: number[]): { mean: number; p50: number; p95: number; min: number; max: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  const round = (x: number): number => Math.round(x * 10) / 10;
  return {
    mean: round(s.reduce((a, b) => a + b, 0) / s.length),
    p50: round(at(0.5)),
    p95: round(at(0.95)),
    min: round(s[0]),
    max: round(s[s.length - 1]),
  };
}

async function main(): Promise<void> {
  const mongo = await startTestMongo();
  const uri = uniqueDbUri(mongo.uri, 'bench_context');
  const config = loadConfig({
    MONGODB_URI: uri,
    JWT_SECRET: 'bench-secret-long-enough',
    OPENAI_API_KEY: 'bench',
    TIME_ZONE,
    LOG_LEVEL: 'error',
  });
  const seedClient = await MongoClient.connect(uri);
  let app: INestApplicationContext | undefined;
  try {
    const now = new Date();
    const t0 = performance.now();
    const seeded = await seed(seedClient.db(), now);
    console.log(
      `seeded ${seeded.expenses} expenses (${seeded.softDeleted} soft-deleted) over ${MONTHS} months + ${seeded.partnerExpenses} partner expenses in ${Math.round(performance.now() - t0)} ms (mongo: ${mongo.kind})`,
    );

    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(config),
        MongooseModule.forRoot(uri, { monitorCommands: true }),
        MongooseModule.forFeature(MAIN_BACKEND_MODELS),
      ],
      providers: [FinanceInputsRepository, FinancialContextService],
    }).compile();
    app = await moduleRef.init();
    const reads: CommandStartedEvent[] = [];
    const client = app.get<Connection>(getConnectionToken()).getClient();
    const labels = new Map<number, string>();
    const serverMs = new Map<string, number[]>();
    client.on('commandStarted', (e: CommandStartedEvent) => {
      if (!READS.has(e.commandName)) return;
      reads.push(e);
      labels.set(e.requestId, `${e.commandName} ${String(e.command[e.commandName])}`);
    });
    // Round-trip time of each command as the driver saw it: where the time goes, server side.
    client.on('commandSucceeded', (e: CommandSucceededEvent) => {
      const label = labels.get(e.requestId);
      if (!label) return;
      labels.delete(e.requestId);
      serverMs.set(label, [...(serverMs.get(label) ?? []), e.duration]);
    });
    const service = app.get(FinancialContextService);
    const userId = seeded.user.toHexString();

    for (let i = 0; i < WARMUP; i++) await service.forUser(userId, { now });
    const times: number[] = [];
    const queries: number[] = [];
    let last: Awaited<ReturnType<FinancialContextService['forUser']>> | undefined;
    for (let i = 0; i < RUNS; i++) {
      const before = reads.length;
      const start = performance.now();
      last = await service.forUser(userId, { now });
      times.push(performance.now() - start);
      queries.push(reads.length - before);
    }

    // The pure maths on the same inputs, to show where the time goes.
    const inputs = await app.get(FinanceInputsRepository).load(userId, { now, timeZone: TIME_ZONE });
    const maths: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      renderContextForPrompt(
        buildFinancialContext(inputs, {
          now,
          timeZone: TIME_ZONE,
          currency: config.locale.currency,
          locale: config.locale.locale,
        }),
      );
      maths.push(performance.now() - start);
    }

    const w = dataWindows(now, TIME_ZONE);
    const perBuild = [...new Set(queries)];
    const t = stats(times);
    const m = stats(maths);
    const ctx = last!.context;
    console.log(
      `context for 1 user, ${RUNS} runs after ${WARMUP} warm-up (months ${w.months.from}..${w.months.to}, tz ${TIME_ZONE}):`,
    );
    console.log(`  time ms: mean ${t.mean}  p50 ${t.p50}  p95 ${t.p95}  min ${t.min}  max ${t.max}`);
    console.log(`  of which pure maths + render ms: mean ${m.mean}  p50 ${m.p50}  p95 ${m.p95}`);
    const perCommand = [...serverMs].map(([label, ms]) => `${label} ${stats(ms).p50}`).join(', ');
    console.log(`  command round trips, p50 ms (partly concurrent): ${perCommand}`);
    console.log(
      `  queries per build: ${perBuild.join(', ')} (declared FINANCE_INPUTS_QUERY_COUNT = ${FINANCE_INPUTS_QUERY_COUNT}): ${reads
        .slice(-perBuild[0])
        .map((c) => `${c.commandName} ${String(c.command[c.commandName])}`)
        .join(', ')}`,
    );
    console.log(
      `  this month: ${ctx.thisMonth.expenseCount} expenses, spending ${ctx.thisMonth.spendingMinor} minor, income ${ctx.thisMonth.incomeMinor} minor; ` +
        `${ctx.budgetsThisMonth.lines.length} budget lines; ${ctx.recurring.items.length} recurring; ${ctx.duplicates.length} duplicate clusters; prompt ${last!.prompt.length} chars`,
    );
    console.log(
      JSON.stringify({
        bench: 'context',
        mongo: mongo.kind,
        expenses: seeded.expenses,
        runs: RUNS,
        timeMs: t,
        mathsMs: m,
        queriesPerBuild: perBuild,
      }),
    );
    if (perBuild.length !== 1 || perBuild[0] !== FINANCE_INPUTS_QUERY_COUNT) process.exitCode = 1;
  } finally {
    await app?.close();
    await seedClient
      .db()
      .dropDatabase()
      .catch(() => undefined);
    await seedClient.close();
    await mongo.stop();
  }
}

runBench(main);
