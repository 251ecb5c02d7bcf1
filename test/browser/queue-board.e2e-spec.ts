import { getQueueToken } from '@nestjs/bullmq';
import { ConnectionOptions, Queue, Worker } from 'bullmq';
import { Db } from 'mongodb';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { AppConfig } from '@app/config';
import { QUEUES, redisOptions } from '@app/queue';
import { eventually } from '../support/http';
import { connectDb, Infra, RunningApi, startApi, startInfra, testConfig } from '../support/stack';
import { signMainBackendToken } from '../support/tokens';
import { seedUser, SeedUser } from '../support/users';
import { describeInBrowser, launchChromium } from './support/chromium';

jest.setTimeout(120_000);

describeInBrowser('queue board in a browser', () => {
  let infra: Infra;
  let config: AppConfig;
  let api: RunningApi;
  let db: Db;
  let closeDb: () => Promise<void>;
  let admin: SeedUser;
  let user: SeedUser;
  let chromium: Browser;

  const tokenOf = (u: SeedUser) => signMainBackendToken({ id: u._id.toHexString(), email: u.email, role: u.role });
  /** A new browser profile: its own cookies, storage and saved logins. */
  async function browser(options: BrowserContextOptions = {}): Promise<Page> {
    return (await chromium.newContext(options)).newPage();
  }
  /** The board is a single-page app: its queue list appears once its own API calls have answered. */
  async function expectBoardWithQueues(page: Page): Promise<void> {
    for (const name of Object.values(QUEUES))
      await page.getByRole('link', { name, exact: true }).first().waitFor({ state: 'visible', timeout: 15_000 });
  }

  /**
   * The challenge is what makes a browser ask for a user and password. Nobody answers the prompt here, so
   * Chromium then gives up on the navigation; a person would type the pair, or cancel and see the 401 page.
   */
  async function expectLoginPrompt(page: Page): Promise<void> {
    const url = `${api.url}/admin/queues`;
    const challenge = page.waitForResponse((r) => r.url() === url);
    const navigation = await page.goto(url).then(
      () => null,
      (err: Error) => err,
    );
    const res = await challenge;
    expect(res.status()).toBe(401);
    expect(await res.headerValue('www-authenticate')).toMatch(/^Basic realm=/);
    expect(navigation?.message).toMatch(/ERR_INVALID_AUTH_CREDENTIALS/);
  }

  beforeAll(async () => {
    infra = await startInfra();
    config = testConfig(infra, { BULL_BOARD_USER: 'ops', BULL_BOARD_PASSWORD: 'a-long-ops-password' });
    ({ db, close: closeDb } = await connectDb(config));
    admin = await seedUser(db, { role: 'ADMIN' });
    user = await seedUser(db);
    api = await startApi(config);
    chromium = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await chromium?.close();
    await api?.close();
    await closeDb?.();
    await infra?.stop();
  });

  it('asks a browser for the basic-auth pair and renders the queues once given it', async () => {
    await expectLoginPrompt(await browser());

    const operator = await browser({ httpCredentials: { username: 'ops', password: 'a-long-ops-password' } });
    const board = await operator.goto(`${api.url}/admin/queues`);
    expect(board?.status()).toBe(200);
    await expectBoardWithQueues(operator);
  });

  it('lets an admin sign in with their JWT, then sign out', async () => {
    const page = await browser();
    await page.goto(`${api.url}/admin/queues/sign-in`);
    await page.getByLabel('Admin token (JWT)').fill(tokenOf(admin));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${api.url}/admin/queues`);
    await expectBoardWithQueues(page);

    const [cookie] = await page.context().cookies(api.url + '/admin/queues');
    expect(cookie).toMatchObject({
      name: 'fab_board_session',
      httpOnly: true,
      sameSite: 'Strict',
      path: '/admin/queues',
    });
    expect(await page.evaluate('document.cookie')).toBe(''); // no script on the page can read it
    expect(page.url()).not.toContain(tokenOf(admin).slice(0, 20));

    await page.goto(`${api.url}/admin/queues/sign-in`);
    await page.getByText(`Signed in as ${admin.email}`).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Admin token (JWT)').waitFor();
    expect(await page.context().cookies(api.url + '/admin/queues')).toEqual([]);
    await expectLoginPrompt(page);
  });

  it('shows an operator failed jobs with their reasons but no button that changes a queue; admins get retry', async () => {
    const titles = api.app.get<Queue>(getQueueToken(QUEUES.titles), { strict: false });
    const worker = new Worker(
      QUEUES.titles,
      async () => {
        throw new Error('the model was unavailable');
      },
      { connection: redisOptions(config.redis.url, 'worker') as ConnectionOptions, prefix: config.queue.prefix },
    );
    await titles.add('title', {}, { jobId: 'browser-failed-title', attempts: 1 });
    await eventually(
      () => titles.getJobState('browser-failed-title'),
      (state) => state === 'failed',
    );
    await worker.close();
    const failedTitles = `${api.url}/admin/queues/queue/${QUEUES.titles}?status=failed`;

    const operator = await browser({ httpCredentials: { username: 'ops', password: 'a-long-ops-password' } });
    await operator.goto(failedTitles);
    await operator.getByText('the model was unavailable').first().waitFor();
    for (const action of ['Retry all', 'Clean all', 'Pause', 'Add job'])
      expect(await operator.getByRole('button', { name: action, exact: true }).count()).toBe(0);

    // The board has no retry-only mode: an admin's board shows its write buttons, and the server refuses all but
    // retrying one failed job (test/hostile-input/board.e2e-spec.ts).
    const signedIn = await browser();
    await signedIn.goto(`${api.url}/admin/queues/sign-in`);
    await signedIn.getByLabel('Admin token (JWT)').fill(tokenOf(admin));
    await signedIn.getByRole('button', { name: 'Sign in' }).click();
    await signedIn.waitForURL(`${api.url}/admin/queues`);
    await signedIn.goto(failedTitles);
    await signedIn.getByRole('button', { name: 'Retry all', exact: true }).waitFor();
  });

  it("refuses a user's JWT on the sign-in page", async () => {
    const page = await browser();
    await page.goto(`${api.url}/admin/queues/sign-in`);
    await page.getByLabel('Admin token (JWT)').fill(tokenOf(user));
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/admin/queues/sign-in') && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    expect(answer.status()).toBe(403);
    await page.getByRole('alert').filter({ hasText: 'Administrator role required' }).waitFor();
    expect(await page.context().cookies(api.url + '/admin/queues')).toEqual([]);
    await expectLoginPrompt(page);
  });
});
