import { INestApplicationContext } from '@nestjs/common';
import { Db, ObjectId } from 'mongodb';
import { AppConfig } from '@app/config';
import { localDateKey } from '@app/finance';
import type { ChatRequest, RecordedRequest, ScriptedReply } from '../../tools/fake-openai';
import { eventually, request } from '../support/http';
import { connectDb, Infra, RunningApi, startApi, startInfra, startWorker, testConfig } from '../support/stack';
import { signMainBackendToken } from '../support/tokens';
import { seedTruthUsers, truthClock, TruthUsers } from './seed';

/**
 * Issue 12, items 1, 2, 3, 9, 13a and 13b through the API, on records shaped as the main backend writes them
 * (see ./seed.ts): recurring copies dated a period ahead and without budgetId. The figures are read where a user
 * meets them: the system prompt the model receives for a chat turn, and POST /reports results.
 * Months are London months (TIME_ZONE) relative to today; amounts in £.
 */

const CONTEXT_HEADER = '=== FINANCIAL CONTEXT';
const isChat = (r: RecordedRequest): boolean =>
  !!r.chat && String(r.chat.messages[0]?.content ?? '').includes(CONTEXT_HEADER) && !r.chat.response_format;
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

  /** The system prompt of one chat turn: the financial context exactly as the model read it. */
  async function promptFor(id: ObjectId): Promise<string> {
    const before = infra.model.requests.length;
    const res = await request(api.url, 'POST', '/chat/messages', {
      token: token(id),
      body: { text: 'How am I doing?' },
    });
    expect(res.status).toBe(200);
    const turn = infra.model.requests.slice(before).find(isChat);
    return String(turn!.chat!.messages[0].content);
  }
  const lineAfter = (prompt: string, heading: string, offset = 1): string => {
    const lines = prompt.split('\n');
    return lines[lines.findIndex((l) => l.startsWith(heading)) + offset];
  };

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
    const prompt = await promptFor(users.saver);
    // Last month: salary 3,000; "Monthly transfer" 600 (a copy: its Savings budget is on the first row, 9 months
    // back, before the months scanned); "Weekend plans" 2,200 (a copy of last month's budgeted Wants row).
    // Spending 2,200; moved to savings 600; net 3000 - 2200 - 600 = 200; savings rate (3000 - 2200) / 3000 = 26.7%.
    // Before: spending £2,800.00 all Uncategorised, savings rate 6.7% and a low_savings_rate flag.
    expect(lineAfter(prompt, 'LAST MONTH')).toBe(
      '- Income £3,000.00 | Spending £2,200.00 | Moved to savings £600.00 | Net cash flow +£200.00 | Savings rate 26.7% (income not spent, moves to savings included)',
    );
    expect(lineAfter(prompt, 'LAST MONTH', 3)).toBe('- By category: Discretionary(Wants) £2,200.00 (100.0%)');
    expect(prompt).not.toContain('low_savings_rate');
    expect(prompt).not.toContain('Uncategorised');
    // This month's transfer copy is dated the 10th: until then it is upcoming, not money moved (before: it was
    // counted as £600 spent this month and raised negative_cash_flow).
    expect(prompt).not.toContain('negative_cash_flow');
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
    const prompt = await promptFor(users.early);
    // So far: rent 1,500 and this week's gym 10; April's salary copy (2,500) and next week's gym (10) are dated later
    // this month. Before: income £2,500.00, spending £1,520.00, savings rate 39.2%, all counted as if paid.
    expect(lineAfter(prompt, 'THIS MONTH')).toBe(
      '- So far (dated up to today): Income £0.00 | Spending £1,510.00 | Moved to savings £0.00 | Net cash flow -£1,510.00 | Savings rate n/a (income not spent, moves to savings included)',
    );
    // Month end: 2,500 in; 1,510 + 10 = 1,520 out; net +980.
    expect(lineAfter(prompt, 'THIS MONTH', 2)).toBe(
      '- Upcoming later this month (already recorded, not in the figures above): income £2,500.00 (1), spending £10.00 (1); projected month end: income £2,500.00, spending £1,520.00, net +£980.00',
    );
    expect(prompt).not.toContain('negative_cash_flow');

    // No salary row yet at all (entered by hand on payday): the usual 2,500 of the last three months is expected,
    // 2,500 - 1,520 = +980, so still no flag. Before: negative_cash_flow, high, on -£1,520.00.
    expect(await promptFor(users.manual)).not.toContain('negative_cash_flow');
  });

  it("9: a user document's own valid time zone sets that user's days and months; an invalid one is ignored", async () => {
    const abroad = await promptFor(users.abroad);
    expect(abroad).toContain(`As of ${localDateKey(new Date(), 'America/New_York')} (America/New_York);`);
    const nowhere = await promptFor(users.nowhere);
    expect(nowhere).toContain(`As of ${localDateKey(new Date(), 'Europe/London')} (Europe/London);`);
  });
});
