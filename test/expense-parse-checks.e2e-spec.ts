import { Db } from 'mongodb';
import { INestApplicationContext } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { addDaysToDateKey, localDateKey } from '@app/finance';
import { matchers } from '../tools/fake-openai';
import { eventually, request } from './support/http';
import { connectDb, Infra, RunningApi, startApi, startInfra, startWorker, testConfig } from './support/stack';
import { signMainBackendToken } from './support/tokens';
import { seedUser, SeedUser } from './support/users';

const modelAnswer = (overrides: Record<string, unknown>) => ({
  amount: 45.5,
  currency: 'USD',
  category: 'Groceries',
  description: 'Groceries at Walmart',
  date: '2020-01-01',
  unparseableReason: null,
  ...overrides,
});

/** With a model, its reading of the amount and the day is checked against the note's plain reading. */
describe('expense parsing checks the model against the text', () => {
  let infra: Infra;
  let config: AppConfig;
  let api: RunningApi;
  let worker: INestApplicationContext;
  let db: Db;
  let closeDb: () => Promise<void>;
  let user: SeedUser;
  const token = () => signMainBackendToken({ id: user._id.toHexString() });

  beforeAll(async () => {
    infra = await startInfra();
    config = testConfig(infra, { TIME_ZONE: 'Europe/London' });
    ({ db, close: closeDb } = await connectDb(config));
    user = await seedUser(db);
    api = await startApi(config);
    worker = await startWorker(config);
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await closeDb?.();
    await infra?.stop();
  });

  async function parse(text: string): Promise<any> {
    const accepted = await request(api.url, 'POST', '/expenses/parse', { token: token(), body: { text } });
    expect(accepted.status).toBe(202);
    const done = await eventually(
      () => request(api.url, 'GET', `/expenses/parse/${accepted.body.id}`, { token: token() }),
      (r) => r.body.status !== 'processing',
    );
    return done.body;
  }

  it('stores the amount the note writes, not a misread one, and says so', async () => {
    infra.model.enqueue({ match: matchers.lastUserIncludes('Walmart'), json: modelAnswer({ amount: 54.5 }) });
    const body = await parse('Bought groceries at Walmart for $45.50');
    expect(body).toMatchObject({
      status: 'completed',
      result: {
        amount: 45.5,
        currency: 'USD',
        source: 'model',
        checks: { amount: 'differs', date: 'unchecked' },
        warnings: ['Amount: the model read 54.50 USD; the text says 45.50 USD, which is kept.'],
      },
    });
  });

  it('stores the day the note names, read in TIME_ZONE, when the model reads another', async () => {
    const before = addDaysToDateKey(localDateKey(new Date(), 'Europe/London'), -1);
    infra.model.enqueue({
      match: matchers.lastUserIncludes('cinema'),
      json: modelAnswer({ amount: 12.5, currency: 'GBP', category: 'Entertainment', date: '2020-01-01' }),
    });
    const body = await parse('Paid 12.50 for two cinema tickets yesterday');
    const after = addDaysToDateKey(localDateKey(new Date(), 'Europe/London'), -1);
    expect([before, after]).toContain(body.result.date);
    expect(body.result).toMatchObject({
      amount: 12.5,
      checks: { amount: 'agrees', date: 'differs' },
      warnings: [`Date: the model read 2020-01-01; "yesterday" is ${body.result.date}, which is kept.`],
    });
  });

  it('keeps an answer the text agrees with, without warnings, and accounts the model call', async () => {
    const yesterday = addDaysToDateKey(localDateKey(new Date(), 'Europe/London'), -1);
    infra.model.enqueue({
      match: matchers.lastUserIncludes('taxi'),
      json: modelAnswer({ amount: 20, currency: 'GBP', category: 'Transport', description: 'Taxi', date: yesterday }),
    });
    const body = await parse('£20 taxi yesterday');
    expect(body.result).toEqual({
      amount: 20,
      currency: 'GBP',
      category: 'Transport',
      description: 'Taxi',
      date: yesterday,
      source: 'model',
      checks: { amount: 'agrees', date: 'agrees' },
      warnings: [],
    });
    expect(await db.collection('ai_usage').countDocuments({ userId: user._id, feature: 'expense-parse' })).toBe(3);
  });
});
