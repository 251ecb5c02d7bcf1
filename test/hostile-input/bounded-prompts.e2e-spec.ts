import { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Db, ObjectId } from 'mongodb';
import { AppConfig } from '@app/config';
import { COMPACT_CONTEXT_MAX_TOKENS, localDateKey } from '@app/finance';
import { CHAT_COMPACT_SYSTEM_PROMPT_MAX_TOKENS, FACT_PROMPT_MAX_TOKENS } from '@app/prompts';
import { DAILY_JOB_NAMES, jobIds, QUEUES } from '@app/queue';
import { estimatePromptTokens, estimateTokens } from '../../libs/llm/src/token-estimate';
import { systemPrompt, type ChatRequest, type RecordedRequest } from '../../tools/fake-openai';
import { testQueue } from '../support/daily-queues';
import { eventually, request } from '../support/http';
import { connectDb, Infra, RunningApi, startApi, startInfra, startWorker, testConfig } from '../support/stack';
import { signMainBackendToken } from '../support/tokens';
import { seedUser, SeedUser } from '../support/users';

const DEBTS = 2000;
const EXPENSES = 20_000;
const BUDGETS = 150;

const schemaOf = (req: ChatRequest) =>
  req.response_format?.type === 'json_schema' ? req.response_format.json_schema.name : undefined;

/** Distinct letters first: names that differ only in digits would be merged as one recurring payment. */
const letters = (i: number): string =>
  (i < 26 ? '' : letters(Math.floor(i / 26) - 1)) + 'abcdefghijklmnopqrstuvwxyz'[i % 26];

/**
 * One user with 2,000 debts (every one overdue, each a red flag), 20,000 expenses and 150 overspent budgets, names at
 * the quoting cap. Every prompt the model receives for them stays under its stated cap: the chat system prompt
 * (CHAT_COMPACT_SYSTEM_PROMPT_MAX_TOKENS, its snapshot COMPACT_CONTEXT_MAX_TOKENS), and the report, tips and alert-wording
 * prompts (FACT_PROMPT_MAX_TOKENS), which also word at most ALERT_FLAGS_PER_RUN flags in one screening.
 */
describe('hostile input: bounded prompts', () => {
  let infra: Infra;
  let config: AppConfig;
  let api: RunningApi;
  let worker: INestApplicationContext;
  let db: Db;
  let closeDb: () => Promise<void>;
  let hoarder: SeedUser;
  let token: string;

  const requestsFor = (schema: string | undefined): RecordedRequest[] =>
    infra.model.requests.filter((r) => r.chat && schemaOf(r.chat) === schema);

  beforeAll(async () => {
    infra = await startInfra();
    config = testConfig(infra, { JOB_ATTEMPTS: '1', USER_CACHE_TTL_MS: '60000', TIME_ZONE: 'UTC' });
    ({ db, close: closeDb } = await connectDb(config));
    hoarder = await seedUser(db, { name: 'Hoarder' });
    token = signMainBackendToken({ id: hoarder._id.toHexString(), email: hoarder.email, role: hoarder.role });
    const userId = hoarder._id;
    const now = Date.now();
    const stamp = (at: Date) => ({ isDeleted: false, createdAt: at, updatedAt: at, __v: 0 });
    const long = (i: number) => `${letters(i)} ${'x'.repeat(80)}`;
    const batches = async (collection: string, docs: object[]) => {
      for (let i = 0; i < docs.length; i += 2000) await db.collection(collection).insertMany(docs.slice(i, i + 2000));
    };
    const lastMonth = new Date(now - 40 * 86_400_000);
    await db.collection('incomes').insertOne({
      name: 'Salary',
      amount: 3000,
      receiveDate: new Date(now - 3_600_000),
      frequency: 'monthly',
      userId,
      ...stamp(new Date(now - 3_600_000)),
    });
    const budgetIds = Array.from({ length: BUDGETS }, () => new ObjectId());
    await batches(
      'budgets',
      budgetIds.map((_id, i) => ({
        _id,
        name: long(i),
        amount: 10,
        type: 'personal',
        frequency: 'monthly',
        category: long(i),
        userId,
        ...stamp(lastMonth),
      })),
    );
    await batches(
      'debts',
      Array.from({ length: DEBTS }, (_, i) => ({
        name: long(i),
        amount: 1000 + i,
        monthlyPayment: 60,
        AdHocPayment: 0,
        capitalRepayment: 0,
        interestRepayment: 0,
        userInterestRate: 19.9,
        payDueDate: new Date(now - 3 * 86_400_000),
        completionRatio: 0,
        userId,
        ...stamp(lastMonth),
      })),
    );
    // Over the last three months: purchases of 1,500 names, some against each budget, some twice within minutes.
    await batches(
      'expenses',
      Array.from({ length: EXPENSES }, (_, i) => {
        const at = new Date(now - (i % 88) * 86_400_000 - 3_600_000 - (i % 7) * 60_000);
        return {
          name: long(i % 1500),
          amount: 1 + (i % 40),
          endDate: at,
          frequency: 'on-off',
          userId,
          ...(i % 10 === 0 ? { budgetId: budgetIds[i % BUDGETS] } : {}),
          ...stamp(at),
        };
      }),
    );
    infra.model.setResponder((req) => {
      if (schemaOf(req) === 'alert_wording') {
        const keys: string[] = (req.response_format as any).json_schema.schema.properties.alerts.items.properties.key
          .enum;
        return { json: { alerts: keys.map((key) => ({ key, title: 'Overdue', message: 'A payment is overdue.' })) } };
      }
      if (schemaOf(req) === 'debt_optimisation_report')
        return {
          json: {
            summary: 'Your debts, in order.',
            insights: [{ title: 'Pay', detail: 'Pay the dearest first.', impact: 'high', figureKeys: [] }],
          },
        };
      return { content: 'Here is a short answer.' };
    });
    api = await startApi(config);
    worker = await startWorker(config);
  }, 120_000);

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await closeDb?.();
    await infra?.stop();
  });

  it(`a chat turn's system prompt stays under ${CHAT_COMPACT_SYSTEM_PROMPT_MAX_TOKENS} tokens`, async () => {
    const res = await request(api.url, 'POST', '/chat/messages', { token, body: { text: 'How are my debts?' } });
    expect(res.status).toBe(200);
    const [chat] = requestsFor(undefined).filter((r) => systemPrompt(r.chat!).includes('FINANCIAL DATA'));
    const system = systemPrompt(chat.chat!);
    // The compact snapshot sums every debt and flag; their details come from tools, a bounded page at a time.
    expect(system).toContain(`DEBTS: ${DEBTS} active debts`);
    expect(system).toMatch(/RED FLAGS \(the 3 most severe of \d+/);
    expect(estimateTokens(system)).toBeLessThanOrEqual(CHAT_COMPACT_SYSTEM_PROMPT_MAX_TOKENS);
    const data = system.slice(system.indexOf('=== SNAPSHOT'), system.indexOf('=== END SNAPSHOT'));
    expect(estimateTokens(data)).toBeLessThanOrEqual(COMPACT_CONTEXT_MAX_TOKENS);
  }, 60_000);

  it(`a debt report's prompt stays under ${FACT_PROMPT_MAX_TOKENS} tokens`, async () => {
    const res = await request(api.url, 'POST', '/reports', { token, body: { type: 'debt' } });
    expect(res.status).toBe(202);
    await eventually(
      () => request(api.url, 'GET', `/reports/${res.body.id}`, { token }),
      (r) => r.body.status === 'completed' || r.body.status === 'failed',
      60_000,
      200,
    );
    const [report] = requestsFor('debt_optimisation_report');
    expect(JSON.stringify(report.chat!.messages)).toContain('and 1988 more debts, totalling');
    expect(estimatePromptTokens(report.chat!.messages)).toBeLessThanOrEqual(FACT_PROMPT_MAX_TOKENS);
  }, 90_000);

  it(`alert screening words at most 10 flags in one call, under ${FACT_PROMPT_MAX_TOKENS} tokens`, async () => {
    const queue: Queue = testQueue(config, QUEUES.alerts);
    try {
      const today = localDateKey(new Date(), 'UTC');
      const id = jobIds.alertScreen(hoarder._id.toHexString(), today);
      await queue.add(DAILY_JOB_NAMES.screen, { userId: hoarder._id.toHexString(), dateKey: today }, { jobId: id });
      const job = await eventually(
        () => queue.getJob(id),
        (j) => j?.finishedOn !== undefined,
        60_000,
        200,
      );
      expect(job!.returnvalue).toEqual({ status: 'screened', flags: expect.any(Number), created: 10 });
      expect(job!.returnvalue.flags).toBeGreaterThan(DEBTS);
      const [wording] = requestsFor('alert_wording');
      const keys = (wording.chat!.response_format as any).json_schema.schema.properties.alerts.items.properties.key
        .enum;
      expect(keys).toHaveLength(10);
      expect(estimatePromptTokens(wording.chat!.messages)).toBeLessThanOrEqual(FACT_PROMPT_MAX_TOKENS);
      expect(await db.collection('alerts').countDocuments({ userId: hoarder._id })).toBe(10);
    } finally {
      await queue.close();
    }
  }, 90_000);
});
