import { Db, ObjectId } from 'mongodb';
import { io, Socket } from 'socket.io-client';
import { AppConfig } from '@app/config';
import { matchers } from '../tools/fake-openai';
import { ChatRecorder } from './support/chat-recorder';
import { eventually, request } from './support/http';
import { connectDb, Infra, RunningApi, startApi, startInfra, testConfig } from './support/stack';
import { signMainBackendToken } from './support/tokens';
import { seedUser, SeedUser } from './support/users';

const METRICS_TOKEN = 'scrape-token-for-the-hot-path-suite';
const REPLY = 'You have spent less than you earned this month, and rent is your largest cost so far by a wide margin.';

/** A round-trip histogram's bucket `le` and count, read from the api's Prometheus text. */
async function roundTrips(api: RunningApi): Promise<{ atMostOne: number; count: number }> {
  const res = await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  const text = await res.text();
  const value = (re: RegExp) => Number(re.exec(text)?.[1] ?? 0);
  return {
    atMostOne: value(/^chat_mongo_round_trips_before_model_bucket\{le="1"[^}]*\} (\d+)/m),
    count: value(/^chat_mongo_round_trips_before_model_count(?:\{[^}]*\})? (\d+)/m),
  };
}

describe('chat hot path: cached snapshot and history, writes beside the model call, resumable replies', () => {
  let infra: Infra;
  let config: AppConfig;
  let api: RunningApi;
  let api2: RunningApi;
  let db: Db;
  let closeDb: () => Promise<void>;
  let alice: SeedUser;
  let bob: SeedUser;
  const sockets: Socket[] = [];
  let n = 0;
  const cmid = () => `hp-${Date.now()}-${n++}`;
  const tokenFor = (u: SeedUser) => signMainBackendToken({ id: u._id.toHexString(), email: u.email, role: u.role });

  async function connect(u: SeedUser, on: RunningApi = api): Promise<ChatRecorder> {
    const socket = io(`${on.url}/chat`, {
      auth: { token: tokenFor(u) },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    sockets.push(socket);
    const rec = new ChatRecorder(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return rec;
  }

  const requestsFor = (text: string) =>
    infra.model.requests.filter((r) => r.chat && matchers.lastUserIncludes(text)(r.chat));

  beforeAll(async () => {
    infra = await startInfra();
    config = testConfig(infra, { METRICS_TOKEN, CHAT_RATE_LIMIT: '200', LOG_LEVEL: 'warn' });
    ({ db, close: closeDb } = await connectDb(config));
    alice = await seedUser(db, { name: 'Alice' });
    bob = await seedUser(db, { name: 'Bob' });
    const at = new Date(Date.now() - 60_000);
    await db.collection('incomes').insertOne({
      name: 'Salary',
      amount: 2850,
      receiveDate: at,
      frequency: 'on-off',
      userId: alice._id,
      isDeleted: false,
      createdAt: at,
      updatedAt: at,
    });
    api = await startApi(config);
    api2 = await startApi(config);
  });

  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await api2?.close();
    await api?.close();
    await closeDb?.();
    await infra?.stop();
  });

  afterEach(() => infra.model.reset());

  it('a warm turn waits on at most one MongoDB round trip, and both messages are stored when message:done arrives', async () => {
    const rec = await connect(alice);
    const first = await rec.emit('message:send', { text: 'Warm the caches up', clientMessageId: cmid() });
    expect(first).toMatchObject({ ok: true, created: true });
    await rec.waitFor('message:done', (d) => d.clientMessageId === first.clientMessageId);

    const before = await roundTrips(api);
    infra.model.enqueue({ content: REPLY, chunkSize: 12 });
    const ack = await rec.emit('message:send', {
      conversationId: first.conversationId,
      text: 'How am I doing this month?',
      clientMessageId: cmid(),
    });
    expect(ack).toMatchObject({ ok: true, created: false, duplicate: false });
    expect(ack.messageId).toMatch(/^[0-9a-f]{24}$/);
    await rec.waitFor('message:done', (d) => d.clientMessageId === ack.clientMessageId);
    // Read the instant done arrives: the writes that ran beside the model call were awaited before it.
    const user = await db.collection('messages').findOne({ clientMessageId: ack.clientMessageId });
    const reply = await db.collection('messages').findOne({ replyTo: user?._id });
    const stored = [user, reply];
    expect(stored[0]).toMatchObject({ role: 'user', content: 'How am I doing this month?', status: 'complete' });
    expect(String(stored[1]?._id)).toBe(ack.messageId);
    expect(stored[1]).toMatchObject({ role: 'assistant', status: 'complete', content: REPLY });
    const after = await roundTrips(api);
    expect(after.count - before.count).toBe(1);
    expect(after.atMostOne - before.atMostOne).toBe(1);

    // The history the next turn sends the model came from the cache, and holds this exchange in order.
    infra.model.enqueue({ content: 'Third answer.' });
    const third = await rec.emit('message:send', {
      conversationId: first.conversationId,
      text: 'And the third question?',
      clientMessageId: cmid(),
    });
    await rec.waitFor('message:done', (d) => d.clientMessageId === third.clientMessageId);
    const sent = requestsFor('And the third question?')[0]
      .chat!.messages.slice(1)
      .map((m) => m.content);
    expect(sent.slice(-3)).toEqual(['How am I doing this month?', REPLY, 'And the third question?']);
  });

  it('shows a change made in the main backend between two turns in the second', async () => {
    const rec = await connect(alice);
    const first = await rec.emit('message:send', { text: 'What did I spend?', clientMessageId: cmid() });
    await rec.waitFor('message:done', (d) => d.clientMessageId === first.clientMessageId);
    const systemOf = (text: string) => String(requestsFor(text)[0].chat!.messages[0].content);
    expect(systemOf('What did I spend?')).not.toContain('Boat repair');

    const at = new Date(Date.now() - 1000);
    await db.collection('expenses').insertOne({
      name: 'Boat repair',
      amount: 777.77,
      endDate: at,
      frequency: 'on-off',
      userId: alice._id,
      isDeleted: false,
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    const before = await roundTrips(api);
    const second = await rec.emit('message:send', {
      conversationId: first.conversationId,
      text: 'And now?',
      clientMessageId: cmid(),
    });
    await rec.waitFor('message:done', (d) => d.clientMessageId === second.clientMessageId);
    expect(systemOf('And now?')).toMatch(/777\.77/);
    // The freshness check found the change and the snapshot was computed again: the counter saw those reads too.
    const after = await roundTrips(api);
    expect(after.count - before.count).toBe(1);
    expect(after.atMostOne - before.atMostOne).toBe(0);
  });

  it('answers concurrent deliveries of one clientMessageId once, across instances and transports', async () => {
    const a = await connect(alice, api);
    const b = await connect(alice, api2);
    const id = cmid();
    const text = 'Only answer me once please';
    infra.model.enqueue({ content: REPLY, delayMs: 300, match: matchers.lastUserIncludes(text) });
    const [ackA, ackB, http] = await Promise.all([
      a.emit('message:send', { text, clientMessageId: id }),
      b.emit('message:send', { text, clientMessageId: id }),
      request(api2.url, 'POST', '/chat/messages', { token: tokenFor(alice), body: { text, clientMessageId: id } }),
    ]);
    const answers = [ackA, ackB, http.body];
    // One delivery answers; the others are told it is the same message, with the same ids to follow.
    expect(answers.filter((x) => x.duplicate === false)).toHaveLength(1);
    const owner = answers.find((x) => x.duplicate === false);
    for (const other of answers) {
      expect(other.conversationId).toBe(owner.conversationId);
      expect(other.messageId ?? other.message?.id).toBe(owner.messageId ?? owner.message?.id);
    }
    const question = await db.collection('messages').findOne({ clientMessageId: id });
    await eventually(
      () => db.collection('messages').findOne({ replyTo: question?._id, status: 'complete' }),
      (m) => m?.content === REPLY,
    );
    expect(requestsFor(text)).toHaveLength(1);
    expect(await db.collection('messages').countDocuments({ clientMessageId: id })).toBe(1);

    // A resend after the answer replays it.
    const again = await request(api.url, 'POST', '/chat/messages', {
      token: tokenFor(alice),
      body: { text, clientMessageId: id },
    });
    expect(again.body).toMatchObject({ duplicate: true, status: 'complete', text: REPLY });
    expect(requestsFor(text)).toHaveLength(1);
  });

  it('resumes a reply after a disconnect on the other api instance, with nothing lost or repeated', async () => {
    const text = 'Tell me a long story about my budget';
    infra.model.enqueue({ content: REPLY, chunkSize: 4, chunkDelayMs: 40, match: matchers.lastUserIncludes(text) });
    const first = await connect(alice, api);
    const ack = await first.emit('message:send', { text, clientMessageId: cmid() });
    await eventually(
      async () => first.deltasOf(ack.messageId).length,
      (k) => k >= 3,
      8000,
      5,
    );
    first.socket.disconnect();
    const had = first.deltasOf(ack.messageId);
    const lastSeq = had[had.length - 1].seq;

    const second = await connect(alice, api2);
    const resumed = await second.emit('message:resume', { messageId: ack.messageId, afterSeq: lastSeq });
    expect(resumed).toMatchObject({ ok: true, messageId: ack.messageId, conversationId: ack.conversationId });
    const done = await second.waitFor('message:done', (d) => d.messageId === ack.messageId);
    const rest = second.deltasOf(ack.messageId);
    const seqs = [...had, ...rest].map((d) => d.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i));
    expect([...had, ...rest].map((d) => d.delta).join('')).toBe(REPLY);
    expect(done).toMatchObject({ status: 'complete', text: REPLY });
    // The reply outlived its socket: finished and stored, not stopped.
    const stored = await db.collection('messages').findOne({ _id: new ObjectId(ack.messageId as string) });
    expect(stored).toMatchObject({ status: 'complete', content: REPLY });
  });

  it('lets a second tab follow a reply in progress from its start, and refuses another user', async () => {
    const text = 'Second tab story';
    infra.model.enqueue({ content: REPLY, chunkSize: 4, chunkDelayMs: 30, match: matchers.lastUserIncludes(text) });
    const tab1 = await connect(alice, api);
    const ack = await tab1.emit('message:send', { text, clientMessageId: cmid() });
    await tab1.waitFor('message:delta', (d) => d.messageId === ack.messageId);

    const mallory = await connect(bob, api2);
    const refused = await mallory.emit('message:resume', { messageId: ack.messageId, afterSeq: -1 });
    expect(refused).toMatchObject({ ok: false, error: { status: 404, code: 'not_found' } });

    const tab2 = await connect(alice, api2);
    expect(await tab2.emit('message:resume', { messageId: ack.messageId })).toMatchObject({ ok: true });
    await tab2.waitFor('message:done', (d) => d.messageId === ack.messageId);
    expect(
      tab2
        .deltasOf(ack.messageId)
        .map((d) => d.delta)
        .join(''),
    ).toBe(REPLY);
    expect(mallory.of('message:delta')).toHaveLength(0);

    const bad = await tab2.emit('message:resume', { messageId: 'not-an-id', afterSeq: -7 });
    expect(bad).toMatchObject({ ok: false, error: { status: 400 } });
  });

  it('resumes an SSE reply from Last-Event-ID instead of answering the message again', async () => {
    const text = 'SSE story please';
    infra.model.enqueue({ content: REPLY, chunkSize: 4, chunkDelayMs: 40, match: matchers.lastUserIncludes(text) });
    const body = { text, clientMessageId: cmid() };
    const headers = { authorization: `Bearer ${tokenFor(alice)}`, 'content-type': 'application/json' };
    const aborted = new AbortController();
    const res = await fetch(`${api.url}/chat/messages/stream`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal: aborted.signal,
    });
    const reader = res.body!.getReader();
    let raw = '';
    while ((raw.match(/event: delta/g) ?? []).length < 3) {
      const { value } = await reader.read();
      raw += new TextDecoder().decode(value);
    }
    aborted.abort();
    const events = parseSse(raw).filter((e) => e.event === 'delta');
    const lastId = events[events.length - 1].id!;
    expect(lastId).toMatch(/^[0-9a-f]{24}:\d+$/);

    const resumed = await fetch(`${api2.url}/chat/messages/stream`, {
      method: 'POST',
      headers: { ...headers, 'last-event-id': lastId },
      body: JSON.stringify(body),
    });
    const rest = parseSse(await resumed.text());
    const all = [...events, ...rest.filter((e) => e.event === 'delta')].map((e) => JSON.parse(e.data));
    expect(all.map((d) => d.seq)).toEqual(all.map((_, i) => i));
    expect(all.map((d) => d.delta).join('')).toBe(REPLY);
    expect(JSON.parse(rest.find((e) => e.event === 'done')!.data)).toMatchObject({ status: 'complete', text: REPLY });
    expect(requestsFor(text)).toHaveLength(1);

    // EventSource's way: GET the reply's stream; another user's reply is a plain 404.
    const [messageId] = lastId.split(':');
    const replay = await fetch(`${api.url}/chat/messages/${messageId}/stream?afterSeq=-1`, { headers });
    expect(parseSse(await replay.text()).filter((e) => e.event === 'delta')).toHaveLength(all.length);
    const other = await request(api.url, 'GET', `/chat/messages/${messageId}/stream`, { token: tokenFor(bob) });
    expect(other.status).toBe(404);
    expect(other.body).toMatchObject({ code: 'not_found' });
  });

  it('sends the chunks a read brings together as one delta, and chunks that come apart as their own', async () => {
    const rec = await connect(alice);
    const ask = async (text: string, reply: { chunkDelayMs: number }) => {
      infra.model.enqueue({ match: matchers.lastUserIncludes(text), content: REPLY, chunkSize: 12, ...reply });
      const ack = await rec.emit('message:send', { text, clientMessageId: cmid() });
      await rec.waitFor('message:done', (d) => d.clientMessageId === ack.clientMessageId);
      const deltas = rec.deltasOf(ack.messageId);
      expect(deltas.map((d) => d.delta).join('')).toBe(REPLY);
      expect(deltas.map((d) => d.seq)).toEqual(deltas.map((_, i) => i));
      return deltas.length;
    };
    const chunks = Math.ceil(REPLY.length / 12);
    // The fake model writes every chunk in the same instant: they are read together and leave merged.
    expect(await ask('Together please', { chunkDelayMs: 0 })).toBeLessThan(chunks);
    // 50 ms apart, as a model streams: read apart, they leave apart.
    expect(await ask('Apart please', { chunkDelayMs: 50 })).toBeGreaterThan(1);
  });
});

function parseSse(raw: string): { id?: string; event?: string; data: string }[] {
  return raw
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const e: { id?: string; event?: string; data: string } = { data: '' };
      for (const line of block.split('\n')) {
        const [field, ...rest] = line.split(': ');
        const value = rest.join(': ');
        if (field === 'id') e.id = value;
        else if (field === 'event') e.event = value;
        else if (field === 'data') e.data += value;
      }
      return e;
    });
}
