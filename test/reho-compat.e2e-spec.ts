import { INestApplicationContext } from '@nestjs/common';
import { Db, ObjectId } from 'mongodb';
import Redis from 'ioredis';
import WebSocket from 'ws';
import { AppConfig, loadConfig } from '@app/config';
import { lastUserText, matchers, type ChatRequest, type ScriptedReply } from '../tools/fake-openai';
import { eventually, request } from './support/http';
import { connectDb, Infra, RunningApi, startApi, startInfra, startWorker, testEnv } from './support/stack';
import { signMainBackendToken } from './support/tokens';
import { seedUser, SeedUser } from './support/users';

/**
 * The Reho AI service's ten endpoints (kaisarfardin6620/Reho-AI-Service), driven as its clients drive them: the
 * chat WebSocket with the token in the query and plain-text frames, its conversation routes, the synchronous
 * optimisation reports, and the shared routes' Reho fields. Two api instances, the worker, real Redis and MongoDB,
 * the fake model.
 */

const TITLE_MARKER = 'Name this conversation';
const titleFor = (userText: string) => (req: ChatRequest) =>
  matchers.systemIncludes(TITLE_MARKER)(req) && matchers.lastUserIncludes(userText)(req);
const isTitle = (req: ChatRequest) => matchers.systemIncludes(TITLE_MARKER)(req);
const chatFor = (userText: string) => (req: ChatRequest) => !isTitle(req) && matchers.lastUserIncludes(userText)(req);

const REPORT_SCHEMA = {
  expenses: 'expenses_optimisation_report',
  budget: 'budget_optimisation_report',
  debt: 'debt_optimisation_report',
};
type Kind = keyof typeof REPORT_SCHEMA;
const forReport = (kind: Kind) => (req: ChatRequest) =>
  req.response_format?.type === 'json_schema' && req.response_format.json_schema.name === REPORT_SCHEMA[kind];
function reportAnswer(kind: Kind, extra: Partial<ScriptedReply> = {}): ScriptedReply {
  return {
    match: forReport(kind),
    json: {
      summary: 'Your plan is on track; the loan costs you the most.',
      insights: [
        { title: 'Pay the loan first', detail: 'Put any spare money on the loan.', impact: 'high', figureKeys: [] },
        { title: 'Keep the minimums', detail: 'Never miss a minimum payment.', impact: 'medium', figureKeys: [] },
      ],
    },
    ...extra,
  } as ScriptedReply;
}

/** A Reho client's WebSocket: every JSON frame it received, in order, and how it closed. */
class RehoClient {
  readonly frames: any[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.frames.push(JSON.parse(String(data))));
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
    );
  }

  static async open(base: string, query: Record<string, string | undefined>): Promise<RehoClient> {
    const params = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined));
    const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/chat/ws?${params}`);
    const client = new RehoClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  of(type: string): any[] {
    return this.frames.filter((f) => f.type === type);
  }

  waitFor(pred: (f: any) => boolean, timeoutMs = 10_000): Promise<any> {
    return eventually(
      async () => this.frames.find(pred),
      (f) => f !== undefined,
      timeoutMs,
      10,
    );
  }

  /** Sends one frame and returns what answered it, up to and including its `status: done`. */
  async ask(frame: string | Buffer): Promise<any[]> {
    const from = this.frames.length;
    this.ws.send(frame);
    const end = await eventually(
      async () => this.frames.findIndex((f, i) => i >= from && f.type === 'status'),
      (i) => i >= 0,
      10_000,
      10,
    );
    return this.frames.slice(from, end + 1);
  }
}

const streamed = (frames: any[]) =>
  frames
    .filter((f) => f.type === 'stream')
    .map((f) => f.data)
    .join('');

describe('Reho client compatibility: the replaced service’s ten endpoints', () => {
  let infra: Infra;
  let config: AppConfig;
  let api: RunningApi;
  /** A second instance of the same deployment, which waits only 300 ms for a report. */
  let api2: RunningApi;
  let worker: INestApplicationContext;
  let db: Db;
  let closeDb: () => Promise<void>;
  let redis: Redis;
  const clients: RehoClient[] = [];
  const now = new Date();
  const stamp = { isDeleted: false, createdAt: now, updatedAt: now };

  const tokenFor = (u: SeedUser, expiresIn: `${number}s` | `${number}h` = '1h') =>
    signMainBackendToken({ id: u._id.toHexString(), email: u.email, role: u.role }, { expiresIn });
  const as = (u: SeedUser, method: string, path: string, body?: unknown, on: RunningApi = api) =>
    request(on.url, method, path, { token: tokenFor(u), body });
  async function open(u: SeedUser | null, on: RunningApi = api, query: Record<string, string | undefined> = {}) {
    const client = await RehoClient.open(on.url, { token: u ? tokenFor(u) : undefined, ...query });
    clients.push(client);
    return client;
  }
  const chatRequests = (text: string) => infra.model.requests.filter((r) => r.chat && chatFor(text)(r.chat));

  async function seedFinances(userId: ObjectId): Promise<void> {
    await db.collection('incomes').insertOne({
      name: 'Salary',
      amount: 2400,
      receiveDate: new Date(now.getTime() - 86_400_000),
      frequency: 'monthly',
      userId,
      ...stamp,
    });
    await db.collection('expenses').insertMany([
      {
        name: 'Rent',
        amount: 900,
        endDate: new Date(now.getTime() - 3_600_000),
        frequency: 'monthly',
        userId,
        ...stamp,
      },
      {
        name: 'Netflix',
        amount: 10.99,
        endDate: new Date(now.getTime() - 7_200_000),
        frequency: 'monthly',
        userId,
        ...stamp,
      },
    ]);
    await db.collection('debts').insertOne({
      name: 'Bank loan',
      amount: 1000,
      monthlyPayment: 100,
      AdHocPayment: 0,
      capitalRepayment: 0,
      interestRepayment: 0,
      userInterestRate: 12,
      payDueDate: new Date(now.getTime() + 7 * 86_400_000),
      completionRatio: 0,
      userId,
      ...stamp,
    });
  }

  beforeAll(async () => {
    infra = await startInfra();
    const env = testEnv(infra, {
      LOG_LEVEL: 'warn',
      // Blocked accounts lose their connections within this.
      USER_CACHE_TTL_MS: '200',
      // Four messages per half minute per user: the suites below stay under it except where they test it.
      CHAT_RATE_LIMIT: '8',
      JOB_ATTEMPTS: '2',
      REPORT_SYNC_WAIT_MS: '15000',
    });
    config = loadConfig(env);
    ({ db, close: closeDb } = await connectDb(config));
    api = await startApi(config);
    api2 = await startApi(loadConfig({ ...env, REPORT_SYNC_WAIT_MS: '300' }));
    worker = await startWorker(config);
    redis = new Redis(config.redis.url);
  });

  afterAll(async () => {
    for (const c of clients) c.ws.terminate();
    redis?.disconnect();
    await worker?.close();
    await api2?.close();
    await api?.close();
    await closeDb?.();
    await infra?.stop();
  });

  afterEach(() => infra.model.reset());

  describe('WebSocket /chat/ws', () => {
    let alice: SeedUser;
    let conversationId: string;

    beforeAll(async () => {
      alice = await seedUser(db, { name: 'Alice' });
    });

    it('streams a new conversation’s reply: conversation_id first, stream frames in order, status done, then its title on every instance', async () => {
      const reply = 'Your spending is calm this month and rent is the largest part of it.';
      infra.model.enqueue(
        // Chunks apart in time, as a model streams them: chunks that arrive together leave as one frame.
        { match: chatFor('Plan my month'), content: reply, chunkSize: 7, chunkDelayMs: 5 },
        // Late, so that a second client can join the conversation on the other instance first.
        { match: titleFor('Plan my month'), json: { title: 'Planning the month ahead' }, delayMs: 1500 },
      );
      const first = await open(alice, api);
      const answer = await first.ask('Plan my month');

      expect(answer[0]).toEqual({ type: 'conversation_id', data: expect.stringMatching(/^[0-9a-f]{24}$/) });
      conversationId = answer[0].data;
      expect(answer.slice(1, -1).every((f) => f.type === 'stream')).toBe(true);
      expect(answer.length).toBeGreaterThan(3);
      expect(streamed(answer)).toBe(reply);
      expect(answer.at(-1)).toEqual({ type: 'status', data: 'done' });

      // The same conversation continued from the other api instance, and a client of another conversation there.
      const joined = await open(alice, api2, { conversation_id: conversationId });
      const elsewhere = await open(alice, api2);
      const title = { type: 'title', data: 'Planning the month ahead' };
      await first.waitFor((f) => f.type === 'title');
      await joined.waitFor((f) => f.type === 'title');
      expect(first.of('title')).toEqual([title]);
      expect(joined.of('title')).toEqual([title]);
      expect(elsewhere.frames).toEqual([]);

      infra.model.enqueue({ match: chatFor('And next month'), content: 'Next month looks much the same.' });
      const followUp = await joined.ask('And next month?');
      expect(followUp.map((f) => f.type)).not.toContain('conversation_id');
      expect(streamed(followUp)).toBe('Next month looks much the same.');
      // One conversation: the model saw the first exchange, whichever instance held the client.
      const [sent] = chatRequests('And next month');
      expect(JSON.stringify(sent.chat!.messages)).toContain(reply);
      const stored = await db
        .collection('messages')
        .find({ conversationId: new ObjectId(conversationId) })
        .toArray();
      expect(stored.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    });

    it('answers a resend once, across instances: followed while it is written, then the stored reply, one model call', async () => {
      const bob = await seedUser(db, { name: 'Bob' });
      const reply = 'Answered exactly once, while you waited for it.';
      infra.model.enqueue({ match: chatFor('Dedupe me'), content: reply, chunkSize: 5, chunkDelayMs: 40 });
      const frame = JSON.stringify({ message: 'Dedupe me', clientMessageId: `reho-dup-${Date.now()}` });
      const first = await open(bob, api);
      const second = await open(bob, api2);
      const original = first.ask(frame);
      await first.waitFor((f) => f.type === 'stream');
      // Sent again on the other instance while the reply is being written: it follows that reply.
      const followed = await second.ask(frame);
      expect(followed[0]).toEqual({ type: 'conversation_id', data: (await original)[0].data });
      expect(streamed(followed)).toBe(reply);
      expect(streamed(await original)).toBe(reply);
      // Sent again once it is stored: the stored reply, whole.
      const resent = await (await open(bob, api2)).ask(frame);
      expect(resent.map((f) => f.type)).toEqual(['conversation_id', 'stream', 'status']);
      expect(streamed(resent)).toBe(reply);
      expect(chatRequests('Dedupe me')).toHaveLength(1);
    });

    it('refuses a handshake as Reho did: { error: "Authentication failed: ..." }, then close 1008', async () => {
      const blocked = await seedUser(db, { status: 'blocked' });
      const deleted = await seedUser(db, { isDeleted: true });
      const cases: [Record<string, string | undefined>, number, string][] = [
        [{}, 401, 'token_missing'],
        [{ token: 'not-a-jwt' }, 401, 'token_invalid'],
        [
          { token: signMainBackendToken({ id: alice._id.toHexString() }, { secret: 'wrong-secret-wrong-secret' }) },
          401,
          'token_invalid',
        ],
        [{ token: signMainBackendToken({ id: alice._id.toHexString() }, { expiresIn: '-10s' }) }, 401, 'token_expired'],
        [{ token: tokenFor(blocked) }, 403, 'user_blocked'],
        [{ token: tokenFor(deleted) }, 401, 'user_not_found'],
      ];
      for (const [query, status, code] of cases) {
        const client = await RehoClient.open(api.url, query);
        clients.push(client);
        expect(await client.closed).toEqual({ code: 1008, reason: code });
        expect(client.frames).toEqual([{ error: expect.stringMatching(/^Authentication failed: /), status, code }]);
      }
    });

    it('closes an open connection when the account is blocked, or the token expires, saying why', async () => {
      const carol = await seedUser(db);
      const client = await open(carol, api2);
      await db.collection('users').updateOne({ _id: carol._id }, { $set: { status: 'blocked' } });
      expect(await client.closed).toEqual({ code: 1008, reason: 'user_blocked' });
      expect(client.frames).toEqual([
        { error: 'Authentication failed: User account is blocked', status: 403, code: 'user_blocked' },
      ]);

      const dan = await seedUser(db);
      const brief = await RehoClient.open(api.url, { token: tokenFor(dan, '2s') });
      clients.push(brief);
      expect(await brief.closed).toEqual({ code: 1008, reason: 'token_expired' });
      expect(brief.frames).toEqual([
        { error: 'Authentication failed: Token has expired', status: 401, code: 'token_expired' },
      ]);
    });

    it('refuses frames it cannot answer with an error frame and goes on; a frame over the hard ceiling closes with 1009', async () => {
      const erin = await seedUser(db);
      const client = await open(erin, api);
      const tooLong = await client.ask('x'.repeat(config.chat.maxMessageChars + 1));
      expect(tooLong).toEqual([
        expect.objectContaining({ type: 'error', status: 400, code: 'message_too_long', data: expect.any(String) }),
        { type: 'status', data: 'done' },
      ]);
      const binary = await client.ask(Buffer.from([1, 2, 3]));
      expect(binary[0]).toMatchObject({ type: 'error', code: 'unsupported_frame' });
      const control = await client.ask('tab\u0007bell');
      expect(control[0]).toMatchObject({ type: 'error', code: 'validation_failed' });
      // Blank frames are skipped without an answer, as Reho skipped them; the connection still answers after them.
      client.ws.send('   ');
      infra.model.enqueue({ match: chatFor('Still there'), content: 'Still here.' });
      expect(streamed(await client.ask('Still there?'))).toBe('Still here.');
      expect(chatRequests('x'.repeat(50))).toHaveLength(0);

      client.ws.send('y'.repeat(300 * 1024));
      expect((await client.closed).code).toBe(1009);
      expect((await request(api.url, 'GET', '/health')).status).toBe(200);
    });

    it('holds a flood to the chat rate limit and a bounded backlog, each refusal an error frame, never a crash', async () => {
      const dave = await seedUser(db);
      const client = await open(dave, api);
      // Answered once first, so the handshake is over and the flood meets a connection that is answering.
      expect(streamed(await client.ask('flood-warm-up'))).not.toBe('');
      // The next answer is slow, so every other frame arrives while it is being written.
      infra.model.enqueue({ match: chatFor('flood-0'), content: 'First answer.', delayMs: 1000 });
      for (let i = 0; i < 12; i++) client.ws.send(`flood-${i}`);
      await eventually(
        async () => client.of('status').length,
        (n) => n === 10,
        15_000,
        20,
      );
      const errors = client.of('error');
      // One being answered, eight waiting, the other three refused on arrival; of the nine, the pace of
      // CHAT_RATE_LIMIT (four a half window, the warm-up one of them) lets three through.
      expect(errors.filter((e) => e.code === 'too_many_waiting')).toHaveLength(3);
      const limited = errors.filter((e) => e.code === 'rate_limited');
      expect(limited).toHaveLength(6);
      for (const e of limited) expect(e).toMatchObject({ status: 429, retryAfterMs: expect.any(Number) });
      expect(
        infra.model.requests.filter((r) => r.chat && !isTitle(r.chat) && lastUserText(r.chat).startsWith('flood-')),
      ).toHaveLength(4);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(client.of('status')).toHaveLength(10);
      expect(client.ws.readyState).toBe(WebSocket.OPEN);
    });
  });

  describe('GET, PATCH and DELETE /chat/conversations[/{id}]', () => {
    let frank: SeedUser;
    let grace: SeedUser;
    let frankConversation: string;
    let graceConversation: string;

    beforeAll(async () => {
      frank = await seedUser(db);
      grace = await seedUser(db);
      infra.model.enqueue({ match: titleFor('Groceries question'), json: { title: 'Groceries this month' } });
      const frankSocket = await open(frank, api);
      frankConversation = (await frankSocket.ask('Groceries question'))[0].data;
      await frankSocket.waitFor((f) => f.type === 'title');
      graceConversation = (await (await open(grace, api2)).ask('Holiday savings'))[0].data;
    });

    it('lists the caller’s conversations as [{ conversation_id, title, createdAt }]', async () => {
      const res = await as(frank, 'GET', '/chat/conversations');
      expect(res.status).toBe(200);
      expect(res.body).toEqual([
        {
          conversation_id: frankConversation,
          title: 'Groceries this month',
          createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          lastMessageAt: expect.any(String),
        },
      ]);
      expect((await request(api.url, 'GET', '/chat/conversations')).status).toBe(401);
    });

    it('renames with { message }, over the same data as /conversations; another user’s id is a 404', async () => {
      const renamed = await as(frank, 'PATCH', `/chat/conversations/${frankConversation}`, { title: 'Food budget' });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ message: 'Conversation renamed successfully' });
      expect((await as(frank, 'GET', `/conversations/${frankConversation}`)).body.title).toBe('Food budget');

      for (const id of [graceConversation, new ObjectId().toHexString(), 'a-reho-uuid']) {
        const refused = await as(frank, 'PATCH', `/chat/conversations/${id}`, { title: 'Mine now' });
        expect(refused.status).toBe(404);
        expect(refused.body).toMatchObject({
          code: 'not_found',
          detail: 'Conversation not found or you do not have permission to rename it.',
        });
      }
      expect((await as(grace, 'GET', `/conversations/${graceConversation}`)).body.title).not.toBe('Mine now');
      const invalid = await as(frank, 'PATCH', `/chat/conversations/${frankConversation}`, { title: '' });
      expect(invalid.status).toBe(400);
      expect(invalid.body).toMatchObject({ code: 'validation_failed', detail: expect.any(String) });
    });

    it('deletes with 204 and no body; the conversation is gone for the chat too', async () => {
      expect((await as(frank, 'DELETE', `/chat/conversations/${graceConversation}`)).status).toBe(404);
      const res = await fetch(`${api.url}/chat/conversations/${frankConversation}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${tokenFor(frank)}` },
      });
      expect(res.status).toBe(204);
      expect(await res.text()).toBe('');
      expect((await as(frank, 'GET', `/conversations/${frankConversation}`)).status).toBe(404);
      expect(await db.collection('messages').countDocuments({ conversationId: new ObjectId(frankConversation) })).toBe(
        0,
      );
      expect(await redis.exists(`${config.queue.prefix}:chat:conversation:${frankConversation}`)).toBe(0);
      // A client still holding the deleted id starts a new conversation, and is told its id.
      const again = await (await open(frank, api2, { conversation_id: frankConversation })).ask('Groceries again');
      expect(again[0]).toMatchObject({ type: 'conversation_id' });
      expect(again[0].data).not.toBe(frankConversation);
      expect((await as(frank, 'GET', '/chat/conversations')).body.map((c: any) => c.conversation_id)).toEqual([
        again[0].data,
      ]);
    });
  });

  describe('POST /feedback/optimize-expenses, -budget and -debt', () => {
    it('answers synchronously with { summary, insights: [{ insight, suggestion, category }] } from the stored report', async () => {
      const hana = await seedUser(db);
      await seedFinances(hana._id);
      infra.model.enqueue(reportAnswer('debt', { delayMs: 400 }));
      const res = await as(hana, 'POST', '/feedback/optimize-debt');
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-limit')).toBe(String(config.reports.rateLimit));
      expect(res.body).toMatchObject({
        summary: 'Your plan is on track; the loan costs you the most.',
        insights: [
          { insight: 'Pay the loan first', suggestion: 'Put any spare money on the loan.', category: 'Debt' },
          { insight: 'Keep the minimums', suggestion: 'Never miss a minimum payment.', category: 'Debt' },
        ],
        cached: false,
      });
      const stored = await as(hana, 'GET', `/reports/${res.body.reportId}`);
      expect(stored.body).toMatchObject({ type: 'debt', status: 'completed', summary: res.body.summary });
      expect(stored.body.insights.map((i: any) => [i.title, i.detail])).toEqual(
        res.body.insights.map((i: any) => [i.insight, i.suggestion]),
      );
    });

    it('answers 202 with the report id once REPORT_SYNC_WAIT_MS has passed; the report is kept and answered later', async () => {
      const ivan = await seedUser(db);
      await seedFinances(ivan._id);
      infra.model.enqueue(reportAnswer('expenses', { delayMs: 1500 }));
      const res = await as(ivan, 'POST', '/feedback/optimize-expenses', undefined, api2);
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ type: 'expenses', cached: false, insights: [], summary: expect.any(String) });
      expect(res.headers.get('location')).toBe(`/reports/${res.body.id}`);
      expect(res.body.location).toBe(`/reports/${res.body.id}`);
      const done = await eventually(
        () => as(ivan, 'GET', `/reports/${res.body.id}`),
        (r) => r.body.status === 'completed',
      );
      expect(done.body.summary).toBe('Your plan is on track; the loan costs you the most.');
      // Asked again on unchanged data: the stored report, at once.
      const again = await as(ivan, 'POST', '/feedback/optimize-expenses', undefined, api2);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ reportId: res.body.id, cached: true, summary: done.body.summary });
      expect(again.body.insights[0]).toEqual(expect.objectContaining({ insight: 'Pay the loan first' }));
    });

    it('answers a failed report with an error body and 502; no token is a 401', async () => {
      const jack = await seedUser(db);
      await seedFinances(jack._id);
      infra.model.enqueue(
        ...[1, 2].map(() => ({ match: forReport('budget'), error: { status: 500, message: 'boom' } }) as ScriptedReply),
      );
      const res = await as(jack, 'POST', '/feedback/optimize-budget');
      expect(res.status).toBe(502);
      expect(res.body).toMatchObject({
        statusCode: 502,
        code: 'report_failed',
        message: 'Model server error (500)',
        detail: 'Model server error (500)',
        details: { reportId: expect.stringMatching(/^[0-9a-f]{24}$/) },
      });
      const anonymous = await request(api.url, 'POST', '/feedback/optimize-budget');
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.detail).toEqual(expect.any(String));
    });
  });

  describe('the shared routes carry Reho’s fields beside ours', () => {
    it('GET /suggestions: { suggestions: [{ text, category, createdAt }] } in Reho’s four categories', async () => {
      const kim = await seedUser(db);
      await seedFinances(kim._id);
      expect((await as(kim, 'POST', '/suggestions/refresh')).status).toBe(202);
      const res = await eventually(
        () => as(kim, 'GET', '/suggestions'),
        (r) => r.status === 200,
        20_000,
        100,
      );
      expect(res.body.tips).toHaveLength(3);
      expect(res.body.suggestions).toHaveLength(3);
      res.body.suggestions.forEach((s: any, i: number) => {
        expect(['Spending', 'Budgeting', 'Savings', 'Debt']).toContain(s.category);
        expect(s.text).toContain(res.body.tips[i].detail);
        expect(s.createdAt).toBe(res.body.completedAt);
      });
    });

    it('GET /admin/alerts: { alerts: [{ userId, userEmail, alertMessage, category, createdAt }] } for the page', async () => {
      const admin = await seedUser(db, { role: 'ADMIN' });
      const liam = await seedUser(db, { email: 'liam@example.com' });
      const gone = await seedUser(db, { isDeleted: true });
      const alert = (userId: ObjectId, code: string, message: string, createdAt: Date) => ({
        userId,
        code,
        flagKey: code,
        severity: 'high',
        category: 'budget',
        subject: null,
        figures: {},
        threshold: { name: 'limit', value: 100 },
        currency: 'GBP',
        title: 'Budget overrun',
        message,
        status: 'open',
        stillFiring: true,
        detectedOn: createdAt.toISOString().slice(0, 10),
        lastScreenedAt: createdAt,
        acknowledgedBy: null,
        acknowledgedAt: null,
        resolvedBy: null,
        resolvedAt: null,
        note: null,
        createdAt,
        updatedAt: createdAt,
      });
      await db
        .collection('alerts')
        .insertMany([
          alert(liam._id, 'budget_overrun', 'Groceries is over its budget.', new Date(now.getTime() - 2000)),
          alert(gone._id, 'budget_overrun', 'Dining is over its budget.', new Date(now.getTime() - 1000)),
        ]);
      const res = await as(admin, 'GET', '/admin/alerts');
      expect(res.status).toBe(200);
      expect(res.body.items.map((a: any) => a.message)).toEqual([
        'Dining is over its budget.',
        'Groceries is over its budget.',
      ]);
      expect(res.body.alerts).toEqual([
        {
          userId: gone._id.toHexString(),
          userEmail: null,
          alertMessage: 'Dining is over its budget.',
          category: 'Budget',
          createdAt: new Date(now.getTime() - 1000).toISOString(),
        },
        {
          userId: liam._id.toHexString(),
          userEmail: 'liam@example.com',
          alertMessage: 'Groceries is over its budget.',
          category: 'Budget',
          createdAt: new Date(now.getTime() - 2000).toISOString(),
        },
      ]);
      expect((await as(liam, 'GET', '/admin/alerts')).status).toBe(403);
    });

    it('GET /health: { status, message }', async () => {
      const res = await request(api2.url, 'GET', '/health');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok', message: 'AI service is healthy' });
    });
  });
});
