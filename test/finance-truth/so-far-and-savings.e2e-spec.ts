import { INestApplicationContext } from '@nestjs/common';
import { Db, ObjectId } from 'mongodb';
import { AppConfig } from '@app/config';
import { localDateKey, monthKey, monthRange } from '@app/finance';
import type { ChatRequest, ScriptedReply } from '../../tools/fake-openai';
import { eventually, request } from '../support/http';
import { connectDb, Infra, RunningApi, startApi, startInfra, startWorker, testConfig } from '../support/stack';
import { signMainBackendToken } from '../support/tokens';
import { chatTurn, snapshotLine, type ChatTurn } from './chat-turn';
import { seedTruthUsers, truthClock, TruthUsers } from './seed';

/**
 * Issue 12, items 1, 2, 3, 9, 13a and 13b through the API, on records shaped as the main backend writes them
 * (see ./seed.ts): recurring copies dated a period ahead and without budgetId. The figures are read where a user
 * meets them: in chat, the snapshot in the system prompt or the result of the tool the model calls for the details;
 * and POST /reports results. Months are London months (TIME_ZONE) relative to today; amounts in £.
 */

const TZ = 'Europe/London';
const budgetReport = (req: ChatRequest): boolean =>
  req.response_format?.type === 'json_schema' && req.response_format.json_schema.name === 'budget_optimisation_report';

describe('finance truth: so far vs upcoming, savings, 50/30/20, time zones (issue 12)', () => {
  let infra: Infra;
  let config: AppConfig;
  let api: RunningApi;
  let worker: INestApplicationContext;
  let db: Db;
  let closeDb: () => Promise<void>;
  let users: TruthUsers;
  const now = new Date();
  const token = (id: ObjectId) =>
    signMainBackendToken({ id: id.toHexString(), email: `${id.toHexString()}@example.com` });
  /** A London month relative to this one: its key and its first and last days. */
  const month = (offset: 0 | -1) => {
    const current = monthRange(monthKey(now, TZ), TZ);
    const at = offset === 0 ? now : new Date(current.start.getTime() - 1);
    const range = monthRange(monthKey(at, TZ), TZ);
    return {
      key: monthKey(at, TZ),
      first: localDateKey(range.start, TZ),
      last: localDateKey(new Date(range.end.getTime() - 1), TZ),
    };
  };
  const chat = (id: ObjectId, text: string, toolCalls?: Parameters<typeof chatTurn>[4]): Promise<ChatTurn> =>
    chatTurn(infra, api.url, token(id), text, toolCalls);

  beforeAll(async () => {
    infra = await startInfra();
    config = testConfig(infra, { TIME_ZONE: 'Europe/London', CHAT_RATE_LIMIT: '100', REPORTS_RATE_LIMIT: '100' });
    ({ db, close: closeDb } = await connectDb(config));
    users = await seedTruthUsers(db, truthClock(now, 'Europe/London'));
    api = await startApi(config);
    worker = await startWorker(config);
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await closeDb?.();
    await infra?.stop();
  });

  it('1 + 13b: money moved to savings is saved, and copies without budgetId keep their series’ category', async () => {
    const last = month(-1);
    const turn = await chat(users.saver, 'How did last month go?', [
      { name: 'spending_breakdown', arguments: { groupBy: 'category', from: last.first, to: last.last } },
    ]);
    // Last month: salary 3,000; "Monthly transfer" 600 (a copy: its Savings budget is on the first row, 9 months
    // back, before the months scanned); "Weekend plans" 2,200 (a copy of last month's budgeted Wants row).
    // Spending 2,200; moved to savings 600; net 3000 - 2200 - 600 = 200; savings rate (3000 - 2200) / 3000 = 26.7%.
    // Before: spending £2,800.00 all Uncategorised, savings rate 6.7% and a low_savings_rate flag.
    expect(snapshotLine(turn, 'LAST MONTH')).toBe(
      `LAST MONTH ${last.key}: income £3,000.00, spending £2,200.00, moved to savings £600.00, net +£200.00, savings rate 26.7% | details: spending_breakdown`,
    );
    // The categories behind it, as the breakdown tool gives them.
    expect(turn.toolResults[0]).toMatchObject({
      from: last.first,
      to: last.last,
      total: '£2,200.00',
      groups: [{ category: 'Discretionary(Wants)', amount: '£2,200.00', sharePct: '100.0%', transactions: 1 }],
      movedToSavings: '£600.00',
    });
    expect((turn.toolResults[0] as { groups: unknown[] }).groups).toHaveLength(1);
    expect([...turn.snapshot, ...turn.toolContents].join('\n')).not.toContain('Uncategorised');
    // No low savings rate flag; and this month's transfer copy is dated the 10th: until then it is upcoming, not
    // money moved (before: it was counted as £600 spent this month and raised negative_cash_flow).
    expect(snapshotLine(turn, 'RED FLAGS')).toBe('RED FLAGS: none');
  });

  it('2: the budget report counts a debt payment once and only money moved as savings', async () => {
    infra.model.enqueue({
      match: budgetReport,
      json: {
        summary: 'Needs and wants take all of your income.',
        insights: [
          { title: 'Plan a saving', detail: 'Move something to savings on payday.', impact: 'medium', figureKeys: [] },
        ],
      },
      usage: { prompt_tokens: 900, completion_tokens: 120 },
    } as ScriptedReply);
    const accepted = await request(api.url, 'POST', '/reports', {
      token: token(users.payer),
      body: { type: 'budget' },
    });
    expect(accepted.status).toBe(202);
    const done = await eventually(
      () => request(api.url, 'GET', `/reports/${accepted.body.id}`, { token: token(users.payer) }),
      (r) => r.body.status === 'completed' || r.body.status === 'failed',
      15_000,
    );
    expect(done.body.status).toBe('completed');
    const f = done.body.figures.fiftyThirtyTwenty;
    // Income 3,000; needs = rent 1,000 + "Credit card payment" 300 (a copy, Needs by its series' budget) = 1,300
    // = 43.3%; the "Credit card" debt's own 300 a month is not added again. Wants = restaurants 1,700. Savings =
    // nothing moved = 0: the Holiday goal's 400 target is a plan and the Car goal is reached. Unallocated 0.
    // Before: needs £1,600 (53.3%), savings £650 (both goals' targets), unallocated -£950.
    expect(f.needs).toMatchObject({
      amountMinor: 130000,
      sharePct: 43.3,
      debtPaymentsMinor: 0,
      recordedDebtPaymentsMinor: 30000,
    });
    expect(f.wants).toMatchObject({ amountMinor: 170000 });
    expect(f.savings).toMatchObject({ amountMinor: 0, sharePct: 0 });
    expect(f.unallocatedMinor).toBe(0);
    expect(f.savings.goalTargetsMinor).toBeUndefined();
  });

  it('13a + 3: rows dated later this month are upcoming, shown apart; no deficit before payday', async () => {
    const m = month(0);
    const [day, days] = [Number(localDateKey(now, TZ).slice(8)), Number(m.last.slice(8))];
    const thisMonthRows = (kind: 'income' | 'expense') => ({
      name: 'search_transactions',
      arguments: { kind, from: m.first, to: m.last },
    });
    const early = await chat(users.early, 'How is this month going?', [
      thisMonthRows('income'),
      thisMonthRows('expense'),
    ]);
    // So far: rent 1,500 and this week's gym 10; this month's salary copy (2,500) and next week's gym (10) are dated
    // later this month. Month end: 2,500 in; 1,510 + 10 = 1,520 out; net +980. Before: income £2,500.00, spending
    // £1,520.00, savings rate 39.2%, all counted as if paid.
    expect(snapshotLine(early, 'THIS MONTH')).toBe(
      `THIS MONTH ${m.key} so far (day ${day} of ${days}): income £0.00, spending £1,510.00, moved to savings £0.00, net -£1,510.00, savings rate n/a; recorded for later this month (not in those figures): income £2,500.00, spending £10.00; projected month end: net +£980.00 | details: spending_breakdown, search_transactions`,
    );
    // The rows behind it: one income and one expense recorded ahead, neither counted yet.
    expect(early.toolResults).toEqual([
      expect.objectContaining({ kind: 'income', count: 0, total: '£0.00', upcomingExcluded: 1 }),
      expect.objectContaining({ kind: 'expense', count: 2, total: '£1,510.00', upcomingExcluded: 1 }),
    ]);
    expect(snapshotLine(early, 'RED FLAGS')).toBe('RED FLAGS: none');

    // No salary row yet at all (entered by hand on payday): the usual 2,500 of the last three months is expected,
    // 2,500 - 1,520 = +980, so still no flag. Before: negative_cash_flow, high, on -£1,520.00.
    const manual = await chat(users.manual, 'How is this month going?');
    expect(snapshotLine(manual, 'RED FLAGS')).toBe('RED FLAGS: none');
  });

  it("9: a user document's own valid time zone sets that user's days and months; an invalid one is ignored", async () => {
    const abroad = await chat(users.abroad, 'How am I doing?');
    expect(snapshotLine(abroad, 'As of ')).toContain(
      `As of ${localDateKey(new Date(), 'America/New_York')} (America/New_York);`,
    );
    const nowhere = await chat(users.nowhere, 'How am I doing?');
    expect(snapshotLine(nowhere, 'As of ')).toContain(`As of ${localDateKey(new Date(), TZ)} (${TZ});`);
  });
});
