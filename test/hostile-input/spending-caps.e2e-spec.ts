import { getQueueToken } from '@nestjs/bullmq';
import { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Db, ObjectId } from 'mongodb';
import { io, Socket } from 'socket.io-client';
import { AppConfig } from '@app/config';
import { estimatePromptTokens, localDay, microUsd, reservedUsage, totalTokens } from '@app/llm';
import { ALL_QUEUES, jobIds, QUEUES } from '@app/queue';
import type { ChatRequest, RecordedRequest } from '../../tools/fake-openai';
import { eventually, JsonResponse, request } from '../support/http';
import { seedDebt, seedExpense, seedIncome } from '../support/money-records';
import { connectDb, Infra, RunningApi, startApi, startInfra, startWorker, testConfig } from '../support/stack';
import { signMainBackendToken } from '../support/tokens';
import { seedUser, SeedUser } from '../support/users';

const TIME_ZONE = 'Asia/Dhaka';
const CHAT_CAP_TOKENS = 10_000;
const REPORTS_CAP_USD = 0.002;
const OVERALL_CAP_TOKENS = 60_000;

const schemaNameOf = (req: ChatRequest): string | undefined => {
  const format = req.response_format;
  return format?.type === 'json_schema' ? format.json_schema.name : undefined;
};
const isTitle = (req: ChatRequest) => schemaNameOf(req) === 'conversation_title';
const isChat = (r: RecordedRequest) => !!r.chat && r.chat.stream === true;
const isReport = (req: ChatRequest) => /_optimisation_report$/.test(schemaNameOf(req) ?? '');
const isParse = (req: ChatRequest) => schemaNameOf(req) === 'parsed_expense';

/**
 * Per-user daily spending caps, in a zone six hours ahead of UTC. Before, the chat budget was checked before a
 * turn and charged after, so parallel turns all passed the check: 20 turns at a nearly spent budget all ran. Now
 * every model call (api and worker) reserves its estimated prompt plus its longest answer in Redis before it is
 * made, atomically, and settles at what it was charged after.
 */
describe('hostile input: spending caps', () => {
  let infra: Infra;
  let config: AppConfig;
  let api: RunningApi;
  let worker: INestApplicationContext;
  let db: Db;
  let closeDb: () => Promise<void>;
  let admin: SeedUser;
  const sockets: Socket[] = [];

  const tokenFor = (u: SeedUser) => signMainBackendToken({ id: u._id.toHexString(), role: u.role });
  const as = (u: SeedUser, method: string, path: string, body?: unknown) =>
    request(api.url, method, path, { token: tokenFor(u), body });
  const usageOf = async (u: SeedUser) => (await as(u, 'GET', '/usage')).body;
  const queue = (name: string) => api.app.get<Queue>(getQueueToken(name), { strict: false });

  /** A refusal for a spent cap: 429, the cap named, Retry-After at the next midnight in TIME_ZONE. */
  function expectCapRefusal(res: JsonResponse, cap: string, unit: 'usd' | 'tokens') {
    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({ code: 'spending_cap_reached', details: { cap, unit } });
    const midnight = localDay(new Date(), TIME_ZONE).endsAt;
    expect(res.body.details.resetsAt).toBe(midnight.toISOString());
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(Math.abs(retryAfter * 1000 - (midnight.getTime() - Date.now()))).toBeLessThan(5_000);
  }

  /** What a user owns in our collections and the queues: a refused request must leave all of it as it was. */
  async function footprint(u: SeedUser): Promise<string> {
    const mine = { userId: u._id };
    const collections = await Promise.all(
      ['conversations', 'messages', 'reports', 'suggestions', 'expense_parses', 'ai_usage'].map(async (c) => [
        c,
        await db.collection(c).find(mine).sort({ _id: 1 }).toArray(),
      ]),
    );
    const queues = await Promise.all(ALL_QUEUES.map(async (q) => [q, await queue(q).getJobCounts()]));
    return JSON.stringify({ collections, queues });
  }

  beforeAll(async () => {
    infra = await startInfra();
    config = testConfig(infra, {
      TIME_ZONE,
      AI_DAILY_CAP_USD: '0',
      AI_DAILY_CAP_TOKENS: String(OVERALL_CAP_TOKENS),
      AI_DAILY_FEATURE_CAPS: JSON.stringify({
        chat: { usd: 0, tokens: CHAT_CAP_TOKENS },
        reports: { usd: REPORTS_CAP_USD, tokens: 0 },
        parsing: { usd: 0, tokens: 50_000 },
        suggestions: { usd: 0, tokens: 0 },
      }),
      CHAT_RATE_LIMIT: '1000',
      REPORTS_RATE_LIMIT: '1000',
      EXPENSE_PARSE_RATE_LIMIT: '1000',
      REPORT_CACHE_WINDOW_MS: '0',
      JOB_ATTEMPTS: '2',
    });
    ({ db, close: closeDb } = await connectDb(config));
    admin = await seedUser(db, { role: 'ADMIN' });
    api = await startApi(config);
    worker = await startWorker(config);
  });

  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await worker?.close();
    await api?.close();
    await closeDb?.();
    await infra?.stop();
  });

  beforeEach(() => infra.model.reset());

  describe('chat', () => {
    let alice: SeedUser;
    let conversationId: string;

    beforeAll(async () => {
      alice = await seedUser(db, { name: 'Alice' });
      await seedIncome(db, alice._id, 2500);
      await seedExpense(db, alice._id, 40);
    });

    it('charges the turn and its title to the chat cap', async () => {
      infra.model.enqueue(
        {
          match: (req) => !isTitle(req),
          content: 'Here you go.',
          usage: { prompt_tokens: 9_700, completion_tokens: 10 },
        },
        {
          match: isTitle,
          json: { title: 'Spending this month overview' },
          usage: { prompt_tokens: 50, completion_tokens: 10 },
        },
      );
      const first = await as(alice, 'POST', '/chat/messages', { text: 'How is my spending?' });
      expect(first.status).toBe(200);
      conversationId = first.body.conversationId;
      await eventually(
        () => db.collection('conversations').findOne({ _id: new ObjectId(conversationId) }),
        (c) => c?.title === 'Spending this month overview',
      );
      const usage = await usageOf(alice);
      expect(usage.features.chat.tokens).toEqual({ used: 9_770, limit: CHAT_CAP_TOKENS, remaining: 230 });
      expect(usage.overall.tokens.used).toBe(9_770);
    });

    it('gives back what a turn reserved when it is refused before its model call', async () => {
      const before = await usageOf(alice);
      const calls = infra.model.requests.length;
      // The turn's reservation is made alongside its other reads, before the unknown conversation is found out.
      const refused = await as(alice, 'POST', '/chat/messages', {
        conversationId: new ObjectId().toHexString(),
        text: 'Where did this conversation go?',
      });
      expect(refused.status).toBe(404);
      expect(infra.model.requests.length).toBe(calls);
      expect((await usageOf(alice)).features.chat).toEqual(before.features.chat);
    });

    it('lets 20 parallel turns at a nearly spent cap overshoot it by at most one turn’s reservation', async () => {
      // The model writes the longest answer it may, and reports the prompt as we count it.
      infra.model.setResponder((req) => ({
        content: 'A long answer. '.repeat(40),
        usage: { prompt_tokens: estimatePromptTokens(req.messages), completion_tokens: req.max_tokens ?? 0 },
      }));
      const messagesBefore = await db.collection('messages').countDocuments({ userId: alice._id });
      const usageRowsBefore = await db.collection('ai_usage').countDocuments({ userId: alice._id });

      const turns = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          as(alice, 'POST', '/chat/messages', { conversationId, text: `Parallel question ${i}` }),
        ),
      );

      const answered = turns.filter((t) => t.status === 200);
      const refused = turns.filter((t) => t.status !== 200);
      refused.forEach((t) => expectCapRefusal(t, 'chat', 'tokens'));
      const calls = infra.model.requests.filter(isChat);
      const used = (await usageOf(alice)).features.chat.tokens.used;
      const overshoot = used - CHAT_CAP_TOKENS;
      const reservation = totalTokens(reservedUsage(calls[0].chat!.messages, calls[0].chat!.max_tokens!));
      console.log(
        `20 parallel chat turns at ${CHAT_CAP_TOKENS - 230}/${CHAT_CAP_TOKENS} tokens: ${answered.length} answered, ` +
          `${refused.length} refused (429 spending_cap_reached); overshoot ${overshoot} tokens, ` +
          `one turn's reservation ${reservation} tokens`,
      );
      expect(answered).toHaveLength(1);
      expect(calls).toHaveLength(1);
      expect(overshoot).toBeGreaterThan(0);
      expect(overshoot).toBeLessThanOrEqual(reservation);
      // The refused turns left nothing: only the answered turn's two messages and one usage row are new.
      expect(await db.collection('messages').countDocuments({ userId: alice._id })).toBe(messagesBefore + 2);
      expect(await db.collection('ai_usage').countDocuments({ userId: alice._id })).toBe(usageRowsBefore + 1);
      expect(await db.collection('conversations').findOne({ _id: new ObjectId(conversationId) })).toMatchObject({
        messageCount: 4,
      });
    });

    it('refuses every transport once the cap is spent, without storing or calling anything', async () => {
      const before = await footprint(alice);
      expectCapRefusal(await as(alice, 'POST', '/chat/messages', { text: 'One more?' }), 'chat', 'tokens');
      expectCapRefusal(await as(alice, 'POST', '/chat/messages/stream', { text: 'One more?' }), 'chat', 'tokens');

      const socket = io(`${api.url}/chat`, {
        auth: { token: tokenFor(alice) },
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      sockets.push(socket);
      const errors: any[] = [];
      socket.on('message:error', (e) => errors.push(e));
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const ack = await socket.timeout(8000).emitWithAck('message:send', { text: 'Hi', clientMessageId: 'cap-1' });
      const midnight = localDay(new Date(), TIME_ZONE).endsAt.getTime();
      expect(ack).toMatchObject({ ok: false, error: { status: 429, code: 'spending_cap_reached' } });
      expect(Math.abs(ack.error.retryAfterMs - (midnight - Date.now()))).toBeLessThan(5_000);
      const told = await eventually(
        async () => errors.find((e) => e.clientMessageId === 'cap-1'),
        (e) => e !== undefined,
      );
      expect(told).toMatchObject({ status: 429, code: 'spending_cap_reached', retryAfterMs: expect.any(Number) });

      expect(infra.model.requests).toHaveLength(0);
      expect(await footprint(alice)).toBe(before);
    });
  });

  it('lets parallel reports overshoot the money cap by at most one report’s reservation, failing the rest at once', async () => {
    const carol = await seedUser(db, { name: 'Carol' });
    await seedIncome(db, carol._id, 3000);
    await seedExpense(db, carol._id, 120);
    await seedDebt(db, carol._id, { amount: 1200, monthlyPayment: 100 });
    const answerJson = {
      summary: 'Here is where your money goes.',
      insights: [{ title: 'Review spending', detail: 'Go through last month.', impact: 'medium', figureKeys: [] }],
    };
    // $0.00156 of the $0.002 cap: 10,000 prompt tokens at $0.15/1M and 100 answer tokens at $0.60/1M.
    infra.model.enqueue({
      match: isReport,
      json: answerJson,
      usage: { prompt_tokens: 10_000, completion_tokens: 100 },
    });
    const first = await as(carol, 'POST', '/reports', { type: 'debt' });
    expect(first.status).toBe(202);
    await eventually(
      () => as(carol, 'GET', `/reports/${first.body.id}`),
      (r) => r.body.status === 'completed',
    );
    expect((await usageOf(carol)).features.reports.usd).toEqual({
      used: 0.00156,
      limit: REPORTS_CAP_USD,
      remaining: 0.00044,
    });

    for (let i = 0; i < 3; i++)
      infra.model.enqueue({
        match: isReport,
        json: answerJson,
        usage: { prompt_tokens: 2_000, completion_tokens: 1_000 },
      });
    const posted = await Promise.all([
      as(carol, 'POST', '/reports', { type: 'expenses' }),
      as(carol, 'POST', '/reports', { type: 'budget' }),
      as(carol, 'POST', '/feedback/optimize-debt'),
    ]);
    expect(posted.map((p) => p.status)).toEqual([202, 202, 202]);
    const ids = posted.map((p) => p.body.id as string);
    const finished = await Promise.all(
      ids.map((id) =>
        eventually(
          () => as(carol, 'GET', `/reports/${id}`),
          (r) => r.body.status === 'completed' || r.body.status === 'failed',
        ),
      ),
    );
    const completed = finished.filter((r) => r.body.status === 'completed');
    const failed = finished.filter((r) => r.body.status === 'failed');
    expect(completed).toHaveLength(1);
    expect(failed.map((r) => r.body.error)).toEqual([
      "Today's report allowance is used up; it renews at midnight",
      "Today's report allowance is used up; it renews at midnight",
    ]);
    // Failed at once: the cap is not retried.
    for (const r of failed)
      expect((await queue(QUEUES.reports).getJob(jobIds.report(r.body.id)))?.attemptsMade).toBe(1);

    const calls = infra.model.requests.filter((r) => r.chat && isReport(r.chat));
    expect(calls).toHaveLength(2);
    const reserved = reservedUsage(calls[1].chat!.messages, calls[1].chat!.max_tokens!);
    const reservationUsd = microUsd(config.llm.prices, config.llm.defaultModel, reserved)! / 1e6;
    const used = (await usageOf(carol)).features.reports.usd.used;
    const overshoot = used - REPORTS_CAP_USD;
    console.log(
      `3 parallel reports at $0.00156/$${REPORTS_CAP_USD}: ${completed.length} completed, ${failed.length} failed ` +
        `(spending cap); overshoot $${overshoot.toFixed(6)}, one report's reservation $${reservationUsd.toFixed(6)}`,
    );
    expect(overshoot).toBeGreaterThan(0);
    expect(overshoot).toBeLessThanOrEqual(reservationUsd);

    // Now the cap is spent: refused at the door, with no report stored and no job queued.
    const before = await footprint(carol);
    expectCapRefusal(await as(carol, 'POST', '/reports', { type: 'expenses' }), 'reports', 'usd');
    expectCapRefusal(await as(carol, 'POST', '/feedback/optimize-budget'), 'reports', 'usd');
    expect(await footprint(carol)).toBe(before);
  });

  it('charges failed calls: what the server counted, nothing for a refusal with an error status', async () => {
    const dave = await seedUser(db);
    // An answer that breaks the schema, on both attempts: the server counted its tokens, so they are charged.
    infra.model.enqueue(
      { match: isParse, json: { nonsense: true }, usage: { prompt_tokens: 700, completion_tokens: 30 } },
      { match: isParse, json: { nonsense: true }, usage: { prompt_tokens: 700, completion_tokens: 30 } },
    );
    const parse = await as(dave, 'POST', '/expenses/parse', { text: 'Coffee £3.20' });
    expect(parse.status).toBe(202);
    await eventually(
      () => as(dave, 'GET', `/expenses/parse/${parse.body.id}`),
      (r) => r.body.status === 'failed',
    );
    expect((await usageOf(dave)).features.parsing.tokens.used).toBe(2 * 730);
    // A refusal (HTTP 500) before any answer costs nothing.
    infra.model.enqueue(
      { match: isParse, error: { status: 500, message: 'boom' } },
      { match: isParse, error: { status: 500, message: 'boom' } },
    );
    const refused = await as(dave, 'POST', '/expenses/parse', { text: 'Tea £2' });
    await eventually(
      () => as(dave, 'GET', `/expenses/parse/${refused.body.id}`),
      (r) => r.body.status === 'failed',
    );
    expect((await usageOf(dave)).features.parsing.tokens.used).toBe(2 * 730);
    const rows = await db.collection('ai_usage').find({ userId: dave._id }).sort({ _id: 1 }).toArray();
    expect(rows.map((r) => [r.success, r.inputTokens + r.outputTokens])).toEqual([
      [false, 730],
      [false, 730],
      [false, 0],
      [false, 0],
    ]);
  });

  it('refuses every model-backed route up front once the overall cap is spent, writing and queuing nothing', async () => {
    const erin = await seedUser(db);
    await seedIncome(db, erin._id, 1000);
    infra.model.enqueue({
      match: (req) => !isTitle(req),
      content: 'That was expensive.',
      usage: { prompt_tokens: OVERALL_CAP_TOKENS, completion_tokens: 5 },
    });
    const turn = await as(erin, 'POST', '/chat/messages', { text: 'Spend it all' });
    expect(turn.status).toBe(200);
    // Its title is a chat call too: refused by the spent cap, so the conversation is named by its first words.
    const named = await eventually(
      () => db.collection('conversations').findOne({ _id: new ObjectId(turn.body.conversationId) }),
      (c) => !!c?.title,
    );
    expect(named!.title).toBe('Spend it all');
    expect(infra.model.requests.filter((r) => r.chat && isTitle(r.chat))).toHaveLength(0);

    infra.model.reset();
    const before = await footprint(erin);
    expectCapRefusal(await as(erin, 'POST', '/reports', { type: 'budget' }), 'overall', 'tokens');
    expectCapRefusal(await as(erin, 'POST', '/feedback/optimize-expenses'), 'overall', 'tokens');
    expectCapRefusal(await as(erin, 'POST', '/suggestions/refresh'), 'overall', 'tokens');
    expectCapRefusal(await as(erin, 'POST', '/expenses/parse', { text: 'Lunch £8' }), 'overall', 'tokens');
    expectCapRefusal(await as(erin, 'POST', '/chat/messages', { text: 'And now?' }), 'chat', 'tokens');
    expect(infra.model.requests).toHaveLength(0);
    expect(await footprint(erin)).toBe(before);
  });

  describe('GET /usage and the admin view', () => {
    let frank: SeedUser;
    let grace: SeedUser;

    beforeAll(async () => {
      frank = await seedUser(db);
      grace = await seedUser(db);
      infra.model.enqueue(
        { match: (req) => !isTitle(req), content: 'Fine.', usage: { prompt_tokens: 300, completion_tokens: 20 } },
        { match: isTitle, json: { title: 'A short money chat' }, usage: { prompt_tokens: 40, completion_tokens: 8 } },
      );
      const turn = await as(frank, 'POST', '/chat/messages', { text: 'Quick question' });
      await eventually(
        () => db.collection('conversations').findOne({ _id: new ObjectId(turn.body.conversationId) }),
        (c) => c?.title === 'A short money chat',
      );
    });

    it('shows the caller their own use today and what is left, per feature and overall', async () => {
      const res = await as(frank, 'GET', '/usage');
      expect(res.status).toBe(200);
      // Whole micro-dollars per call, rounded up: the turn 45 + 12, the title 6 + 4.8 -> 11.
      const chatUsd = (57 + 11) / 1e6;
      expect(res.body).toEqual({
        day: localDay(new Date(), TIME_ZONE).dayKey,
        timeZone: TIME_ZONE,
        resetsAt: localDay(new Date(), TIME_ZONE).endsAt.toISOString(),
        overall: {
          tokens: { used: 368, limit: OVERALL_CAP_TOKENS, remaining: OVERALL_CAP_TOKENS - 368 },
          usd: { used: chatUsd, limit: null, remaining: null },
        },
        features: {
          chat: {
            tokens: { used: 368, limit: CHAT_CAP_TOKENS, remaining: CHAT_CAP_TOKENS - 368 },
            usd: { used: chatUsd, limit: null, remaining: null },
          },
          reports: {
            tokens: { used: 0, limit: null, remaining: null },
            usd: { used: 0, limit: REPORTS_CAP_USD, remaining: REPORTS_CAP_USD },
          },
          parsing: {
            tokens: { used: 0, limit: 50_000, remaining: 50_000 },
            usd: { used: 0, limit: null, remaining: null },
          },
          suggestions: {
            tokens: { used: 0, limit: null, remaining: null },
            usd: { used: 0, limit: null, remaining: null },
          },
        },
      });
    });

    it("never shows another user's use", async () => {
      const own = await as(grace, 'GET', '/usage');
      expect(own.status).toBe(200);
      expect(own.body.overall.tokens.used).toBe(0);
      expect(own.body.features.chat.tokens.used).toBe(0);
      const asking = await as(grace, 'GET', `/usage?userId=${frank._id.toHexString()}`);
      expect(asking.status).toBe(400);
      expect(asking.body.code).toBe('validation_failed');
      expect(JSON.stringify(asking.body)).not.toContain('368');
      expect((await as(grace, 'GET', `/usage/${frank._id.toHexString()}`)).status).toBe(404);
      expect((await request(api.url, 'GET', '/usage')).status).toBe(401);
    });

    it('lets admins filter model usage by user, validating the id', async () => {
      const adminGet = (query: string) => as(admin, 'GET', `/admin/ai-usage${query}`);
      const franks = await adminGet(`?days=1&userId=${frank._id.toHexString()}`);
      expect(franks.status).toBe(200);
      expect(franks.body.userId).toBe(frank._id.toHexString());
      const byFeature = Object.fromEntries(
        franks.body.rows.map((r: any) => [r.feature, [r.calls, r.inputTokens, r.outputTokens]]),
      );
      expect(byFeature).toEqual({ chat: [1, 300, 20], titles: [1, 40, 8] });

      const graces = await adminGet(`?userId=${grace._id.toHexString()}`);
      expect(graces.status).toBe(200);
      expect(graces.body.rows).toEqual([]);
      const everyone = await adminGet('?days=1');
      expect(everyone.body.rows.reduce((n: number, r: any) => n + r.calls, 0)).toBeGreaterThan(2);

      for (const bad of ['nope', '123', '{"$ne":null}']) {
        const res = await adminGet(`?userId=${encodeURIComponent(bad)}`);
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('validation_failed');
      }
      expect((await as(frank, 'GET', `/admin/ai-usage?userId=${frank._id.toHexString()}`)).status).toBe(403);
    });
  });
});
