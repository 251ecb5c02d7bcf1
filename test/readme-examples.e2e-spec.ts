import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Db } from 'mongodb';
import { io, Socket } from 'socket.io-client';
import { INestApplicationContext } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { localDateKey } from '@app/finance';
import { ALL_QUEUES, DAILY_JOB_NAMES, jobIds, QUEUES } from '@app/queue';
import { ensureDemoData } from '../tools/dev-stack/demo-data';
import { DEMO_LABEL } from '../tools/fake-openai';
import { testQueue } from './support/daily-queues';
import { eventually, request } from './support/http';
import { bashBlocks, CurlCall, curlCalls, documentedStatuses } from './support/readme-calls';
import { connectDb, Infra, RunningApi, startApi, startInfra, startWorker, testConfig } from './support/stack';
import { signMainBackendToken } from './support/tokens';

const README = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
/** Answers of work still in progress: the README says to poll these. */
const IN_PROGRESS = new Set(['processing', 'queued', 'running', 'pending']);

interface Answer {
  call: CurlCall;
  method: string;
  path: string;
  status: number;
  body: any;
  /** Server-Sent Events of a streamed answer, in order. */
  events: Array<{ event: string; data: any }>;
}

function sseEvents(text: string): Answer['events'] {
  return text
    .split(/\n\n+/)
    .filter((chunk) => chunk.trim())
    .map((chunk) => {
      const event = /^event: ?(.*)$/m.exec(chunk)?.[1] ?? 'message';
      const data = [...chunk.matchAll(/^data: ?(.*)$/gm)].map((m) => m[1]).join('\n');
      return { event, data: data ? JSON.parse(data) : null };
    });
}

/**
 * Every example call of the README, verbatim, against the offline stack `npm start` runs without an API key: api
 * and worker with LLM_OFFLINE_DEMO=true, the fake model with its demo responder, and the launcher's demo data.
 * Only the tokens, the ids (<id>) and the host and port are filled in.
 */
describe('README examples against the offline stack', () => {
  let infra: Infra;
  let config: AppConfig;
  let api: RunningApi;
  let worker: INestApplicationContext;
  let db: Db;
  let closeDb: () => Promise<void>;
  let userToken: string;
  let adminToken: string;
  let userId: string;
  const queues: Queue[] = [];
  const sockets: Socket[] = [];

  /** The id an example's `<id>` stands for: the latest one the README's earlier calls answered for that route. */
  const ids = new Map<string, string>();
  function remember(path: string, body: any): void {
    if (!body || typeof body !== 'object') return;
    if (typeof body.id === 'string') ids.set(path, body.id);
    if (typeof body.conversationId === 'string') ids.set('/conversations', body.conversationId);
    if (Array.isArray(body.items) && typeof body.items[0]?.id === 'string') ids.set(path, body.items[0].id);
  }
  function withIds(rawPath: string): string {
    return rawPath.replace(/\/<id>/, (_m, at: number) => {
      const collection = rawPath.slice(0, at);
      const id = ids.get(collection);
      if (!id) throw new Error(`no earlier answer gave an id for ${collection}/<id>`);
      return `/${id}`;
    });
  }

  async function send(call: CurlCall): Promise<Answer> {
    const url = new URL(`http://${call.url.replace(/^https?:\/\//, '')}`);
    if (url.host !== 'localhost:3000') throw new Error(`README example calls ${url.host}, expected localhost:3000`);
    const pathAndQuery = withIds(decodeURIComponent(url.pathname)) + url.search;
    const res = await fetch(api.url + pathAndQuery, { method: call.method, headers: call.headers, body: call.body });
    const text = await res.text();
    const stream = (res.headers.get('content-type') ?? '').startsWith('text/event-stream');
    const events = stream ? sseEvents(text) : [];
    let body: any = text;
    if (!stream && text) body = JSON.parse(text);
    const path = pathAndQuery.split('?')[0];
    for (const e of events) remember(path, e.data);
    remember(path, body);
    return { call, method: call.method, path, status: res.status, body, events };
  }

  /** A GET of work in progress is polled until it settles, as the README says ("202, then poll"). */
  async function run(call: CurlCall): Promise<Answer> {
    const first = await send(call);
    if (call.method !== 'GET') return first;
    const documented = documentedStatuses(README, call.method, first.path) ?? [];
    // "404 not_found until there is one" (GET /suggestions) is also an answer to wait out.
    const waiting = (a: Answer) => IN_PROGRESS.has(a.body?.status) || (a.status === 404 && documented.includes(404));
    if (!waiting(first)) return first;
    return eventually(
      () => send(call),
      (a) => !waiting(a),
      20_000,
      100,
    );
  }

  beforeAll(async () => {
    infra = await startInfra();
    config = testConfig(infra, { LLM_OFFLINE_DEMO: 'true', LOG_LEVEL: 'warn' });
    ({ db, close: closeDb } = await connectDb(config));
    const { users } = await ensureDemoData(db);
    userId = users.user.id;
    userToken = signMainBackendToken({ id: users.user.id, email: users.user.email, role: 'USER' });
    adminToken = signMainBackendToken({ id: users.admin.id, email: users.admin.email, role: 'ADMIN' });
    api = await startApi(config);
    worker = await startWorker(config);
    queues.push(...ALL_QUEUES.map((name) => testQueue(config, name)));
  });

  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await Promise.all(queues.map((q) => q.close()));
    await worker?.close();
    await api?.close();
    await closeDb?.();
    await infra?.stop();
  });

  /** The daily red-flag screening (ALERTS_CRON) run by hand, as it will have run by the morning. */
  async function screenForAlerts(): Promise<void> {
    const today = localDateKey(new Date(), config.locale.timeZone);
    const alerts = queues[ALL_QUEUES.indexOf(QUEUES.alerts)];
    await alerts.add(DAILY_JOB_NAMES.fanOut, { dateKey: today }, { jobId: `readme-screening-${today}` });
    await eventually(
      () => alerts.getJob(jobIds.alertScreen(userId, today)),
      (job) => job?.finishedOn !== undefined,
      20_000,
    );
  }

  it('runs every example call of the README and gets the answers it promises', async () => {
    await screenForAlerts();
    const blocks = [
      ...bashBlocks(README, '## The two commands'),
      ...bashBlocks(README, '## HTTP endpoints', { after: 'Examples' }),
    ];
    const { calls, skipped } = curlCalls(blocks, { TOKEN: userToken, T: userToken, A: adminToken });
    expect(calls.length).toBeGreaterThanOrEqual(20);
    // `open <page>` lines are for a browser (the board, the playground): the browser tests open them.
    expect(skipped.length).toBeGreaterThan(0);
    for (const command of skipped) expect(command).toMatch(/^open http:\/\/localhost:3000\/\S+$/);

    const answers: Answer[] = [];
    for (const call of calls) {
      const answer = await run(call);
      answers.push(answer);
      const documented = documentedStatuses(README, answer.method, answer.path);
      if (!documented) throw new Error(`${call.source}: ${answer.method} ${answer.path} is not in the endpoint table`);
      if (!documented.includes(answer.status)) {
        const got = JSON.stringify(answer.body ?? answer.events).slice(0, 400);
        throw new Error(`${call.source}: answered ${answer.status} (README: ${documented.join(' or ')}): ${got}`);
      }
    }
    const answersTo = (method: string, pattern: RegExp) =>
      answers.filter((a) => a.method === method && pattern.test(a.path));
    const today = localDateKey(new Date(), config.locale.timeZone);

    // The README's first example, twice (both sections): read offline, without a model.
    const parses = answersTo('GET', /^\/expenses\/parse\/[0-9a-f]{24}$/);
    expect(parses).toHaveLength(2);
    for (const parse of parses) {
      expect(parse.body).toMatchObject({
        status: 'completed',
        text: 'Bought groceries at Walmart for $45.50',
        result: {
          amount: 45.5,
          currency: 'USD',
          category: 'Groceries',
          date: today,
          description: 'Groceries at Walmart',
          source: 'text-parser',
        },
        error: null,
      });
    }
    expect(answersTo('GET', /^\/expenses\/categories$/)[0].body.categories).toEqual(config.expenses.categories);
    // No model call was made for them, so ai_usage (which counts model calls) has none.
    expect(await db.collection('ai_usage').countDocuments({ feature: { $in: ['expense-parse', 'titles'] } })).toBe(0);

    // Chat, whole and streamed: labelled demo answers, stored complete.
    const [chat] = answersTo('POST', /^\/chat\/messages$/);
    expect(chat.body.message).toMatchObject({ status: 'complete', content: expect.stringContaining(DEMO_LABEL) });
    const [stream] = answersTo('POST', /^\/chat\/messages\/stream$/);
    expect(stream.events.map((e) => e.event)).toEqual(expect.arrayContaining(['accepted', 'delta', 'done']));
    expect(stream.events.map((e) => e.event)).not.toContain('error');
    expect(stream.events.at(-1)).toMatchObject({ event: 'done', data: { message: { status: 'complete' } } });
    expect(answersTo('PATCH', /^\/conversations\//)[0].body).toMatchObject({ title: 'Budget review' });
    expect(answersTo('GET', /^\/conversations\/[0-9a-f]{24}\/messages$/)[0].body.items.length).toBeGreaterThan(0);

    // The debt report completes, with our figures and the demo model's labelled words quoting them.
    const [report] = answersTo('GET', /^\/reports\/[0-9a-f]{24}$/);
    expect(report.body).toMatchObject({
      type: 'debt',
      status: 'completed',
      summary: expect.stringContaining(DEMO_LABEL),
    });
    expect(report.body.insights.length).toBeGreaterThan(0);
    for (const insight of report.body.insights) {
      expect(insight.detail).toContain(DEMO_LABEL);
      expect(insight.figures.length).toBeGreaterThan(0);
    }

    // Today's tips: three different ones from the refresh, each resting on a figure of the user's.
    const [tips] = answersTo('GET', /^\/suggestions$/);
    expect(tips.body).toMatchObject({ status: 'completed', source: 'refresh' });
    expect(tips.body.tips).toHaveLength(3);
    expect(new Set(tips.body.tips.map((t: any) => t.title)).size).toBe(3);
    for (const tip of tips.body.tips) {
      expect(tip.detail).toContain(DEMO_LABEL);
      expect(tip.figures.length).toBeGreaterThan(0);
    }

    // Admins: the screening's alert for the blown "Going out" budget, acknowledged.
    const [alerts] = answersTo('GET', /^\/admin\/alerts$/);
    expect(alerts.body.items[0]).toMatchObject({
      code: 'budget_overrun',
      severity: 'high',
      message: expect.stringContaining(DEMO_LABEL),
    });
    expect(answersTo('PATCH', /^\/admin\/alerts\//)[0].body).toMatchObject({ status: 'acknowledged' });

    // The board then shows no failed job: titles fell back to the first words and completed.
    const titles = queues[ALL_QUEUES.indexOf(QUEUES.titles)];
    await eventually(
      () => titles.getJobCounts('active', 'waiting', 'delayed', 'completed'),
      (c) => c.active + c.waiting + c.delayed === 0 && c.completed >= 2,
      20_000,
    );
    for (const queue of queues)
      expect({ queue: queue.name, failed: await queue.getFailedCount() }).toEqual({
        queue: queue.name,
        failed: 0,
      });
    const [title] = await titles.getCompleted();
    expect(title.returnvalue).toMatchObject({ source: 'fallback', reason: 'offline_demo' });
  });

  it('completes every report type offline', async () => {
    for (const type of ['expenses', 'budget', 'debt']) {
      const created = await request(api.url, 'POST', '/reports', { token: userToken, body: { type } });
      expect([200, 202]).toContain(created.status);
      const done = await eventually(
        () => request(api.url, 'GET', `/reports/${created.body.id}`, { token: userToken }),
        (r) => !IN_PROGRESS.has(r.body.status),
        20_000,
      );
      expect({ type, status: done.body.status, error: done.body.error }).toEqual({
        type,
        status: 'completed',
        error: null,
      });
    }
  });

  it('chats over Socket.IO offline: a labelled streamed reply, then a title from the first words', async () => {
    const socket = io(`${api.url}/chat`, {
      auth: { token: userToken },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    sockets.push(socket);
    const events: Array<{ name: string; data: any }> = [];
    socket.onAny((name, data) => events.push({ name, data }));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const ack = await socket.timeout(8000).emitWithAck('message:send', {
      text: 'Can I afford a holiday in August?',
      clientMessageId: 'readme-socket-1',
    });
    expect(ack).toMatchObject({ ok: true, created: true });
    const done = await eventually(
      async () => events.find((e) => e.name === 'message:done'),
      (e) => e !== undefined,
    );
    expect(done!.data).toMatchObject({ status: 'complete', text: expect.stringContaining(DEMO_LABEL) });
    expect(events.filter((e) => e.name === 'message:delta').length).toBeGreaterThan(0);
    const title = await eventually(
      async () => events.find((e) => e.name === 'conversation:title'),
      (e) => e !== undefined,
    );
    expect(title!.data).toEqual({ conversationId: ack.conversationId, title: 'Can I afford a holiday in' });
  });
});
