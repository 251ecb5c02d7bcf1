import { INestApplicationContext } from '@nestjs/common';
import { Db, ObjectId, type Document } from 'mongodb';
import { AppConfig } from '@app/config';
import { localDateKey } from '@app/finance';
import type { ChatRequest, RecordedRequest, ScriptedReply } from '../../tools/fake-openai';
import { eventually, request } from '../support/http';
import { connectDb, Infra, RunningApi, startApi, startInfra, startWorker, testConfig } from '../support/stack';
import { signMainBackendToken } from '../support/tokens';
import { chatTurn, snapshotLine } from './chat-turn';
import { truthClock, type TruthClock } from './seed';

/**
 * Issue 12, items 4, 5 and 11 (recurring payments and subscriptions) through the API, on records shaped as the main
 * backend writes them (../shared/MAIN-BACKEND.md): a weekly, monthly or yearly expense is copied on its due day with
 * the date one period AHEAD and without `budgetId`; purchases entered by hand are 'on-off' rows. The figures are read
 * where a user meets them: in chat, the snapshot in the system prompt and the result of the subscriptions tool the
 * model calls for the details; and the POST /reports expenses result with the facts the model is given. London
 * months relative to today; amounts in £.
 *
 * The user's records:
 *   - "Domain renewal" 59.99 a year: first saved 22 months ago with a "Subscriptions" budget, renewed 10 months ago
 *     (a copy, no budget) and the copy for 2 months ahead already recorded. Item 4: today's 24-month look-back
 *     sees both renewals (the 13-month one saw only the second: no cadence). Item 11: its category says subscription.
 *   - "Netflix" monthly on the 1st: 8 charges of 9.99 (11..4 months ago), then 4 of 14.99 (3 months ago..this
 *     month), and next month's copy at 14.99. Item 5: 14.99 a month, 179.88 a year.
 *   - "Music box" 7.99 monthly, 12 charges and next month's copy; only the first row has a budget ("Streaming").
 *   - "Coffee" 4.50 by hand around the 10th of each of the last four months. Item 11: not a subscription.
 *   - "Window cleaner" 12 weekly (with next week's copy), "House cleaner" 40 every 14 days and "Water rates" 90 every
 *     three months, both by hand. Item 11: weekly, fortnightly and quarterly are detected.
 */

const EXPENSES_REPORT = 'expenses_optimisation_report';
const DAY_MS = 86_400_000;
const schemaNameOf = (req: ChatRequest): string | undefined =>
  req.response_format?.type === 'json_schema' ? req.response_format.json_schema.name : undefined;
const isExpensesReport = (r: RecordedRequest): boolean => !!r.chat && schemaNameOf(r.chat) === EXPENSES_REPORT;
const stamp = (at: Date) => ({ isDeleted: false, createdAt: at, updatedAt: at, __v: 0 });

interface Seeded {
  user: ObjectId;
  /** Local dates the assertions need, worked out from the seeded instants. */
  days: { netflixRise: string; netflixNext: string; domainNext: string };
}

async function seedSubscriber(db: Db, c: TruthClock): Promise<Seeded> {
  const user = new ObjectId();
  await db.collection('users').insertOne({
    _id: user,
    name: 'Subscriber',
    email: `${user.toHexString()}@example.com`,
    password: '$2b$10$hash',
    role: 'USER',
    status: 'active',
    verified: true,
    partnerId: null,
    loginCount: 1,
    ...stamp(c.at(-24, 1)),
  });
  const expenses: Document[] = [];
  // A copy is created on the day its previous row fell due, so `createdAt` is the previous row's date.
  const expense = (name: string, amount: number, endDate: Date, frequency: string, extra: Document = {}) =>
    expenses.push({ name, amount, endDate, frequency, userId: user, ...extra, ...stamp(endDate) });

  // Item 4 (and 11, by category). The budget the main backend created with the first row.
  const subscriptionsBudget = new ObjectId();
  await db.collection('budgets').insertOne({
    _id: subscriptionsBudget,
    name: 'Domain renewal',
    amount: 59.99,
    type: 'personal',
    frequency: 'monthly',
    category: 'Subscriptions',
    userId: user,
    expensesId: [],
    ...stamp(c.at(-22, 14)),
  });
  expense('Domain renewal', 59.99, c.at(-22, 14), 'yearly', { budgetId: subscriptionsBudget });
  expense('Domain renewal', 59.99, c.at(-10, 14), 'yearly');
  expense('Domain renewal', 59.99, c.at(2, 14), 'yearly');

  // Item 11 by category, a year on: only the first of 12 charges (11 months ago) has the "Streaming" budget; its
  // copies and next month's have none.
  const streamingBudget = new ObjectId();
  await db.collection('budgets').insertOne({
    _id: streamingBudget,
    name: 'Music box',
    amount: 7.99,
    type: 'personal',
    frequency: 'monthly',
    category: 'Streaming',
    userId: user,
    expensesId: [],
    ...stamp(c.at(-11, 5)),
  });
  for (let m = -11; m <= 1; m++)
    expense('Music box', 7.99, c.at(m, 1, 0.5), 'monthly', m === -11 ? { budgetId: streamingBudget } : {});

  // Item 5: on the 1st just after midnight, so this month's charge is always in the past.
  for (let m = -11; m <= 1; m++) expense('Netflix', m <= -4 ? 9.99 : 14.99, c.at(m, 1, 0.25), 'monthly');

  // Item 11: a coffee bought by hand around the 10th.
  [-4, -3, -2, -1].forEach((m, i) => expense('Coffee', 4.5, c.at(m, [9, 10, 9, 11][i], 8), 'on-off'));

  // Item 11 cadences, counted back from an hour ago so every charge but the copies is in the past.
  const lastCharge = c.now.getTime() - 3_600_000;
  for (let k = 4; k >= 0; k--) expense('Window cleaner', 12, new Date(lastCharge - k * 7 * DAY_MS), 'weekly');
  expense('Window cleaner', 12, new Date(lastCharge + 7 * DAY_MS), 'weekly');
  for (let k = 4; k >= 0; k--) expense('House cleaner', 40, new Date(lastCharge - k * 14 * DAY_MS), 'on-off');
  for (const m of [-9, -6, -3, 0]) expense('Water rates', 90, c.at(m, 1, 0.25), 'on-off');

  await db.collection('expenses').insertMany(expenses);
  const day = (at: Date) => localDateKey(at, c.timeZone);
  return {
    user,
    days: { netflixRise: day(c.at(-3, 1, 0.25)), netflixNext: day(c.at(1, 1, 0.25)), domainNext: day(c.at(2, 14)) },
  };
}

describe('finance truth: recurring payments and subscriptions (issue 12, items 4, 5, 11)', () => {
  let infra: Infra;
  let config: AppConfig;
  let api: RunningApi;
  let worker: INestApplicationContext;
  let db: Db;
  let closeDb: () => Promise<void>;
  let seeded: Seeded;
  const now = new Date();
  const token = () =>
    signMainBackendToken({ id: seeded.user.toHexString(), email: `${seeded.user.toHexString()}@example.com` });

  beforeAll(async () => {
    infra = await startInfra();
    config = testConfig(infra, { TIME_ZONE: 'Europe/London', CHAT_RATE_LIMIT: '100', REPORTS_RATE_LIMIT: '100' });
    ({ db, close: closeDb } = await connectDb(config));
    seeded = await seedSubscriber(db, truthClock(now, 'Europe/London'));
    api = await startApi(config);
    worker = await startWorker(config);
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await closeDb?.();
    await infra?.stop();
  });

  it('in chat: current prices, the yearly renewal, every cadence, and the coffee not a subscription', async () => {
    const price = (name: string) => ({ name: 'subscriptions', arguments: { name } });
    const turn = await chatTurn(infra, api.url, token(), 'What do my subscriptions cost?', [
      { name: 'subscriptions', arguments: {} },
      price('House cleaner'),
      price('Window cleaner'),
      price('Water rates'),
    ]);
    const d = seeded.days;

    // Netflix 14.99 (1499 x 12 = 17988 a year) + Music box 7.99 (799 x 12 = 9588) + domain 5999 / 12 = 499.92 -> 500
    // a month (5999 a year): 1499 + 799 + 500 = 2798 a month; 17988 + 9588 + 5999 = 33575 a year. Before issue 12:
    // Netflix at the median 9.99, the domain unseen, Music box and the coffee "stable small amount" subscriptions:
    // 999 + 799 + 450 = £22.48/month.
    expect(snapshotLine(turn, 'SUBSCRIPTIONS')).toBe(
      'SUBSCRIPTIONS: 3 subscriptions, about £27.98/month, £335.75/year; largest: "Netflix" £14.99/month, "Music box" £7.99/month, "Domain renewal" £5.00/month | details: subscriptions',
    );
    const [list, ...others] = turn.toolResults as Record<string, any>[];
    expect(list).toMatchObject({ count: 3, monthlyTotal: '£27.98', yearlyTotal: '£335.75' });
    // Largest yearly cost first; the renewal seen 10 months ago (item 4) is next due in 2 months.
    expect(list.subscriptions).toEqual([
      {
        name: 'Netflix',
        cadence: 'monthly',
        monthlyCost: '£14.99',
        monthlyCostMinor: 1499,
        yearlyCost: '£179.88',
        yearlyCostMinor: 17988,
        latestCharge: '£14.99',
        lastCharged: expect.any(String),
        nextExpected: d.netflixNext,
        priceChange: { from: '£9.99', to: '£14.99', since: d.netflixRise },
      },
      {
        name: 'Music box',
        cadence: 'monthly',
        monthlyCost: '£7.99',
        monthlyCostMinor: 799,
        yearlyCost: '£95.88',
        yearlyCostMinor: 9588,
        latestCharge: '£7.99',
        lastCharged: expect.any(String),
        nextExpected: d.netflixNext,
      },
      {
        name: 'Domain renewal',
        cadence: 'yearly',
        monthlyCost: '£5.00',
        monthlyCostMinor: 500,
        yearlyCost: '£59.99',
        yearlyCostMinor: 5999,
        latestCharge: '£59.99',
        lastCharged: expect.any(String),
        nextExpected: d.domainNext,
      },
    ]);
    // The charge made this month is the last one; next month's copy (already recorded) is not.
    expect(list.subscriptions[0].lastCharged < d.netflixNext).toBe(true);

    // Regular payments that are not subscriptions, each priced by its detected cadence: fortnightly
    // 4000 x 26 / 12 = 8666.67 -> £86.67 (£1,040.00 a year); weekly 1200 x 52 / 12 = £52.00 (£624.00); quarterly
    // 9000 x 4 / 12 = £30.00 (£360.00). Before: neither the fortnightly nor the quarterly one was found.
    expect(others.map((r) => r.cancelling)).toEqual([
      expect.objectContaining({
        name: 'House cleaner',
        isSubscription: false,
        savesPerMonth: '£86.67',
        savesPerYear: '£1,040.00',
      }),
      expect.objectContaining({
        name: 'Window cleaner',
        isSubscription: false,
        savesPerMonth: '£52.00',
        savesPerYear: '£624.00',
      }),
      expect.objectContaining({
        name: 'Water rates',
        isSubscription: false,
        savesPerMonth: '£30.00',
        savesPerYear: '£360.00',
      }),
    ]);

    // The coffee bought by hand each month is a regular payment, not a subscription (item 11).
    const coffee = await chatTurn(infra, api.url, token(), 'Is my coffee a subscription?', [price('Coffee')]);
    expect((coffee.toolResults[0] as Record<string, any>).cancelling).toEqual(
      expect.objectContaining({
        name: 'Coffee',
        isSubscription: false,
        savesPerMonth: '£4.50',
        savesPerYear: '£54.00',
      }),
    );
    expect(turn.toolContents[0]).not.toContain('Coffee');
  });

  it('the expenses report: the same figures, and the facts the model is given', async () => {
    infra.model.enqueue({
      match: (req: ChatRequest) => schemaNameOf(req) === EXPENSES_REPORT,
      json: {
        summary: 'Three subscriptions cost you £27.98 a month.',
        insights: [
          {
            title: 'Netflix went up',
            detail: 'It now costs £179.88 a year.',
            impact: 'medium',
            figureKeys: ['subscription.1'],
          },
        ],
      },
      usage: { prompt_tokens: 900, completion_tokens: 120 },
    } as ScriptedReply);
    const before = infra.model.requests.length;
    const accepted = await request(api.url, 'POST', '/reports', { token: token(), body: { type: 'expenses' } });
    expect(accepted.status).toBe(202);
    const done = await eventually(
      () => request(api.url, 'GET', `/reports/${accepted.body.id}`, { token: token() }),
      (r) => r.body.status === 'completed' || r.body.status === 'failed',
      15_000,
    );
    expect(done.body.status).toBe('completed');
    const s = done.body.figures.subscriptions;
    const d = seeded.days;
    // Before issue 12: count 3 (Netflix, Music box, Coffee), £22.48 a month, £269.76 a year.
    expect(s).toMatchObject({ count: 3, monthlyCostMinor: 2798, yearlyCostMinor: 33575 });
    expect(s.items).toEqual([
      {
        name: 'Netflix',
        cadence: 'monthly',
        estimatedMonthlyCostMinor: 1499,
        estimatedYearlyCostMinor: 17988,
        latestAmountMinor: 1499,
        priceChange: { fromMinor: 999, toMinor: 1499, since: d.netflixRise },
        lastDate: expect.any(String),
        nextExpectedDate: d.netflixNext,
        nextRecorded: true,
      },
      {
        name: 'Music box',
        cadence: 'monthly',
        estimatedMonthlyCostMinor: 799,
        estimatedYearlyCostMinor: 9588,
        latestAmountMinor: 799,
        priceChange: null,
        lastDate: expect.any(String),
        nextExpectedDate: d.netflixNext,
        nextRecorded: true,
      },
      {
        name: 'Domain renewal',
        cadence: 'yearly',
        estimatedMonthlyCostMinor: 500,
        estimatedYearlyCostMinor: 5999,
        latestAmountMinor: 5999,
        priceChange: null,
        lastDate: expect.any(String),
        nextExpectedDate: d.domainNext,
        nextRecorded: true,
      },
    ]);
    // The charge made this month is the last one; next month's copy is not.
    expect(s.items[0].lastDate < d.netflixNext).toBe(true);

    const facts = JSON.stringify(infra.model.requests.slice(before).find(isExpensesReport)!.chat!.messages);
    expect(facts).toContain(
      `£14.99 a month, £179.88 a year (monthly, last charge £14.99 on ${s.items[0].lastDate}, price up from £9.99 on ${d.netflixRise}`,
    );
    expect(facts).not.toContain('Coffee');
    expect(done.body.insights[0].figures).toEqual([
      {
        key: 'subscription.1',
        text: expect.stringContaining('Subscription "Netflix": £14.99 a month, £179.88 a year (monthly'),
      },
    ]);
  });
});
