import { INestApplicationContext } from '@nestjs/common';
import { Db } from 'mongodb';
import type { Browser, Page } from 'playwright-core';
import { AppConfig } from '@app/config';
import { SUGGESTION_CATEGORIES } from '@app/database';
import { demoResponder, matchers, type ChatRequest, type Reply } from '../../tools/fake-openai';
import { seedDebt, seedExpense, seedIncome } from '../support/money-records';
import { connectDb, Infra, RunningApi, startApi, startInfra, startWorker, testConfig } from '../support/stack';
import { signMainBackendToken } from '../support/tokens';
import { seedUser, SeedUser } from '../support/users';
import { describeInBrowser, launchChromium } from './support/chromium';

jest.setTimeout(120_000);

const schemaName = (req: ChatRequest) => (req.response_format as any)?.json_schema?.name as string | undefined;

/** Three valid tips citing figures the request offered, as the model would answer. */
function tipsFromSchema(req: ChatRequest): Reply {
  const keys: string[] = (req.response_format as any).json_schema.schema.properties.tips.items.properties.figureKeys
    .items.enum;
  return {
    json: {
      tips: [0, 1, 2].map((i) => ({
        title: `Playground tip ${i + 1}`,
        detail: 'Look at this figure this week and act on it.',
        category: SUGGESTION_CATEGORIES[i],
        figureKeys: [keys[i % keys.length]],
      })),
    },
  };
}

const LONG_REPLY = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');

describeInBrowser('development playground in a browser', () => {
  let infra: Infra;
  let config: AppConfig;
  let api: RunningApi;
  let worker: INestApplicationContext;
  let db: Db;
  let closeDb: () => Promise<void>;
  let alice: SeedUser;
  let browser: Browser;
  let page: Page;

  const tokenOf = (u: SeedUser) => signMainBackendToken({ id: u._id.toHexString(), email: u.email, role: u.role });
  const lastReply = () => page.locator('#messages li.assistant').last();

  beforeAll(async () => {
    infra = await startInfra();
    config = testConfig(infra);
    ({ db, close: closeDb } = await connectDb(config));
    alice = await seedUser(db, { name: 'Alice' });
    await seedIncome(db, alice._id, 2400);
    await seedExpense(db, alice._id, 86.4, { name: 'Groceries at Tesco' });
    await seedExpense(db, alice._id, 42, { name: 'Cinema and dinner' });
    await seedDebt(db, alice._id, { name: 'Credit card', amount: 1200, monthlyPayment: 150 });
    api = await startApi(config);
    worker = await startWorker(config);
    browser = await launchChromium();
    page = await browser.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await api?.close();
    await closeDb?.();
    await infra?.stop();
  });

  beforeEach(() => {
    infra.model.reset();
    // Anything not scripted below (e.g. a daily job) gets the offline demo answer, as on `npm start`.
    infra.model.setResponder((req, http) =>
      schemaName(req) === 'daily_tips' ? tipsFromSchema(req) : demoResponder(req, http),
    );
  });

  it('signs in with a pasted user token, kept for the tab across a reload', async () => {
    const loaded = await page.goto(`${api.url}/playground`);
    expect(loaded?.status()).toBe(200);
    await page.getByLabel(/User token/).fill(tokenOf(alice));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#who').filter({ hasText: alice._id.toHexString() }).waitFor();
    await page.locator('#status-chat.ok').waitFor();
    await page.reload();
    await page
      .locator('#who')
      .filter({ hasText: `${alice._id.toHexString()} (USER)` })
      .waitFor();
    await page.locator('#status-notify.ok').waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(1);
  });

  it('sends a chat message and shows the reply streamed in pieces, then its title', async () => {
    const reply = 'You earned £2,400.00 and spent £128.40 so far this month.';
    infra.model.enqueue({
      match: matchers.lastUserIncludes('How am I doing'),
      content: reply,
      // Chunks apart in time, as a model streams them: chunks that arrive together leave as one delta.
      chunkSize: 5,
      chunkDelayMs: 5,
      usage: { prompt_tokens: 321, completion_tokens: 17 },
    });
    infra.model.enqueue({ match: matchers.systemIncludes('Name this conversation'), json: { title: 'Month so far' } });

    await page.getByLabel('Message', { exact: true }).fill('How am I doing this month?');
    await page.getByRole('button', { name: 'Send' }).click();
    await lastReply().and(page.locator('[data-status="complete"]')).waitFor();
    expect(await lastReply().locator('.bubble').textContent()).toBe(reply);
    await lastReply().locator('.meta').filter({ hasText: '321 tokens in, 17 out' }).waitFor();
    // Each delta reached the page: the log counts them on one line.
    const deltas = await page.locator('#events .name', { hasText: /^message:delta ×\d+/ }).textContent();
    expect(Number(/×(\d+)/.exec(deltas!)![1])).toBeGreaterThan(1);
    await page.locator('#conversation-title').filter({ hasText: 'Month so far' }).waitFor();
    expect(await page.locator('#conversation-id').textContent()).toMatch(/^[0-9a-f]{24}$/);
    for (const name of ['message:send', 'ack message:send', 'message:done', 'conversation:title'])
      await page
        .locator('#events .name', { hasText: new RegExp(`^${name}$`) })
        .first()
        .waitFor();
  });

  it('stops a reply mid-stream and keeps what was written', async () => {
    infra.model.enqueue({
      match: matchers.lastUserIncludes('Tell me everything'),
      content: LONG_REPLY,
      chunkSize: 10,
      chunkDelayMs: 100,
    });
    await page.getByLabel('Message', { exact: true }).fill('Tell me everything about my budget');
    await page.getByRole('button', { name: 'Send' }).click();
    await lastReply().and(page.locator('[data-status="streaming"]')).waitFor();
    await page.locator('#messages li.assistant .bubble').last().filter({ hasText: 'word0' }).waitFor();
    await page.getByRole('button', { name: 'Stop' }).click();
    await lastReply().and(page.locator('[data-status="stopped"]')).waitFor();
    const kept = (await lastReply().locator('.bubble').textContent())!;
    expect(kept.length).toBeGreaterThan(0);
    expect(LONG_REPLY.startsWith(kept)).toBe(true);
    expect(kept.length).toBeLessThan(LONG_REPLY.length);
    await page.locator('#events .name', { hasText: /^ack message:stop$/ }).waitFor();
    expect(await page.getByRole('button', { name: 'Send' }).isEnabled()).toBe(true);
  });

  it('requests a report and follows its progress to the result', async () => {
    infra.model.enqueue({
      match: (req) => schemaName(req) === 'debt_optimisation_report',
      json: {
        summary: 'Your card is the only debt; keep paying it down.',
        insights: [
          { title: 'Pay the card first', detail: 'It charges the most interest.', impact: 'high', figureKeys: [] },
        ],
      },
    });
    await page.getByLabel('Type').selectOption('debt');
    await page.getByRole('button', { name: 'Request report' }).click();
    await page.locator('#report[data-status="completed"]').waitFor({ timeout: 30_000 });
    await page
      .locator('#report-result .summary', { hasText: 'Your card is the only debt; keep paying it down.' })
      .waitFor();
    await page.locator('.insight strong', { hasText: 'Pay the card first' }).waitFor();
    expect(await page.evaluate("document.getElementById('report-progress').value")).toBe(100);
    for (const name of ['POST /reports', 'report:progress', 'report:done'])
      await page.locator('#events .name', { hasText: name }).first().waitFor();
  });

  it("shows today's tips after a refresh, with the figures each rests on", async () => {
    await page.getByRole('button', { name: "Load today's tips" }).click();
    await page.locator('#tips-status', { hasText: 'No tips yet today' }).waitFor();
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator('#tips li.tip').nth(2).waitFor({ timeout: 30_000 });
    expect(await page.locator('#tips li.tip strong').allTextContents()).toEqual([
      'Playground tip 1',
      'Playground tip 2',
      'Playground tip 3',
    ]);
    expect(await page.locator('#tips li.tip .figures li').count()).toBeGreaterThanOrEqual(3);
    await page.locator('#events .name', { hasText: 'suggestions:ready' }).first().waitFor();
    await page.screenshot({ path: '/tmp/playground.png', fullPage: true });
  });
});
