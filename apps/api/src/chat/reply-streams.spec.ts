import { randomBytes } from 'node:crypto';
import { getEventListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import Redis from 'ioredis';
import { loadConfig } from '@app/config';
import { AppLogger } from '@app/logging';
import { testRedisUrl } from '../../../../test/support/redis';
import { ReplyEvent, ReplyFollow, ReplyStreams } from './reply-streams';

/** Reply streams against the real Redis the suites share; each "api instance" has its own client and loop. */
describe('ReplyStreams (Redis)', () => {
  let url: string;
  let stopRedis: () => Promise<void>;
  let admin: Redis;
  const made: { streams: ReplyStreams; client: Redis }[] = [];
  const logger = new AppLogger('api', 'error', { format: 'json', write: () => undefined });
  const prefix = `replyspec-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    const server = await testRedisUrl();
    url = server.url;
    stopRedis = server.stop;
    admin = new Redis(url);
  });
  afterEach(() => {
    for (const { streams, client } of made.splice(0)) {
      streams.onModuleDestroy();
      client.disconnect();
    }
  });
  afterAll(async () => {
    const keys = await admin.keys(`${prefix}:*`);
    if (keys.length) await admin.del(...keys);
    admin.disconnect();
    await stopRedis();
  });

  /** One api instance's ReplyStreams. */
  function instance(env: Record<string, string> = {}): ReplyStreams {
    const config = loadConfig({
      MONGODB_URI: 'mongodb://127.0.0.1:27017/unused',
      JWT_SECRET: 'a-long-enough-secret',
      OPENAI_API_KEY: 'sk-test',
      QUEUE_PREFIX: prefix,
      CHAT_STREAM_TTL_S: '30',
      ...env,
    });
    const client = new Redis(url);
    const streams = new ReplyStreams(client, config, logger);
    made.push({ streams, client });
    return streams;
  }

  const id = () => randomBytes(12).toString('hex');
  const meta = (userId: string) => ({ userId, conversationId: id(), clientMessageId: id() });
  const view = (text: string) => ({ messageId: 'm', text, status: 'complete' });

  async function collect(events: AsyncIterable<ReplyEvent>): Promise<ReplyEvent[]> {
    const out: ReplyEvent[] = [];
    for await (const e of events) out.push(e);
    return out;
  }
  const seqs = (events: ReplyEvent[]) => events.flatMap((e) => (e.type === 'delta' ? [e.seq] : []));
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
  async function until(check: () => boolean, ms = 2000): Promise<void> {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) throw new Error('condition not met in time');
      await sleep(10);
    }
  }

  it('replays what a client missed, then follows the live rest on another instance, nothing lost or repeated', async () => {
    const writer = instance();
    const other = instance();
    const user = id();
    const messageId = id();
    const m = meta(user);
    await writer.open(messageId, m);

    const total = 600;
    let written = 0;
    // The writer keeps appending, in bursts over many event-loop turns, while followers join.
    const writing = (async () => {
      while (written < total) {
        for (let i = 0; i < 7 && written < total; i++, written++) writer.delta(messageId, written, `t${written} `);
        await sleep(1);
      }
      await writer.finish(messageId, { type: 'done', view: view('all') });
    })();

    await until(() => written >= 150);
    const socketGone = new AbortController();
    const resumed = await other.follow(messageId, user, 57, socketGone.signal);
    const own = await writer.follow(messageId, user, -1);
    expect(resumed).not.toBeNull();
    expect(resumed!.meta).toEqual({ messageId, conversationId: m.conversationId, clientMessageId: m.clientMessageId });
    expect(resumed!.truncated).toBe(false);
    expect(own!.truncated).toBe(false);
    const following = [collect(resumed!.events), collect(own!.events)];
    // A second tab joins the same instance's loop later, so its replay ends past the first follower's position.
    await until(() => written >= 400);
    const tab = await other.follow(messageId, user, 199);
    following.push(collect(tab!.events));
    const [fromOther, fromSame, fromTab] = await Promise.all(following);
    await writing;

    expect(seqs(fromOther)).toEqual(range(58, total - 1));
    expect(seqs(fromSame)).toEqual(range(0, total - 1));
    expect(seqs(fromTab)).toEqual(range(200, total - 1));
    for (const got of [fromOther, fromSame, fromTab]) {
      expect(got[got.length - 1]).toEqual({ type: 'done', view: view('all') });
      expect(got.filter((e) => e.type !== 'delta')).toHaveLength(1);
    }
    expect(fromOther.find((e) => e.type === 'delta' && e.seq === 300)).toEqual({
      type: 'delta',
      seq: 300,
      delta: 't300 ',
    });
    expect(getEventListeners(socketGone.signal, 'abort')).toHaveLength(0);
    // Both loops stop once their followers have the end.
    await until(() => !writer.polling && !other.polling);
    expect(writer.following + other.following).toBe(0);
  });

  it('batches deltas for CHAT_STREAM_FLUSH_MS, and a resume past deltas not yet written skips them when they land', async () => {
    const writer = instance({ CHAT_STREAM_FLUSH_MS: '300' });
    const other = instance();
    const user = id();
    const messageId = id();
    await writer.open(messageId, meta(user));
    for (let seq = 0; seq < 4; seq++) writer.delta(messageId, seq, `d${seq}`);
    // The client had deltas 0-2 from its own connection; none is in Redis yet.
    const resumed = await other.follow(messageId, user, 2);
    expect(await admin.xlen(`${prefix}:reply:${messageId}`)).toBe(1);
    const following = collect(resumed!.events);
    await sleep(400);
    expect(await admin.xlen(`${prefix}:reply:${messageId}`)).toBe(5);
    await writer.finish(messageId, { type: 'done', view: view('d0d1d2d3') });
    expect(await following).toEqual([
      { type: 'delta', seq: 3, delta: 'd3' },
      { type: 'done', view: view('d0d1d2d3') },
    ]);
  });

  it('catches up a follower that joins the loop behind the read in flight, without a gap', async () => {
    const writer = instance();
    const reader = instance();
    const user = id();
    const messageId = id();
    await writer.open(messageId, meta(user));
    const write = (from: number, to: number) =>
      range(from, to).forEach((seq) => writer.delta(messageId, seq, `${seq}`));

    write(0, 4);
    const first = (await reader.follow(messageId, user, -1))!;
    const got: ReplyEvent[] = [];
    const firstDone = (async () => {
      for await (const e of first.events) got.push(e);
    })();
    await until(() => got.length === 5);
    // Its replay ends at seq 4; it joins the loop only when iterated, after the loop has read on to seq 9.
    const late = (await reader.follow(messageId, user, -1))!;
    write(5, 9);
    await until(() => got.length === 10);
    const lateEvents = collect(late.events);
    await sleep(20);
    write(10, 10);
    await writer.finish(messageId, { type: 'done', view: view('0-10') });

    await firstDone;
    expect(seqs(got)).toEqual(range(0, 10));
    expect(seqs(await lateEvents)).toEqual(range(0, 10));
  });

  it('answers null for another user, an unknown message and an expired stream, alike', async () => {
    const streams = instance();
    const owner = id();
    const messageId = id();
    await streams.open(messageId, meta(owner));
    streams.delta(messageId, 0, 'secret figures');

    expect(await streams.follow(messageId, id(), -1)).toBeNull();
    expect(await streams.follow(id(), owner, -1)).toBeNull();
    expect(await streams.follow(`${messageId}:meta`, owner, -1)).toBeNull();
    expect(await streams.follow(messageId, owner, -1)).not.toBeNull();

    await admin.pexpire(`${prefix}:reply:${messageId}`, 1);
    await admin.pexpire(`${prefix}:reply:${messageId}:meta`, 1);
    await sleep(20);
    expect(await streams.follow(messageId, owner, -1)).toBeNull();
  });

  it('expires both keys, pushes the expiry back on every write and on finish, and never revives an expired stream', async () => {
    const streams = instance({ CHAT_STREAM_TTL_S: '30' });
    const user = id();
    const messageId = id();
    const key = `${prefix}:reply:${messageId}`;
    await streams.open(messageId, meta(user));
    for (const k of [key, `${key}:meta`]) {
      expect(await admin.pttl(k)).toBeGreaterThan(25_000);
      expect(await admin.pttl(k)).toBeLessThanOrEqual(30_000);
    }

    await admin.pexpire(key, 5_000);
    await admin.pexpire(`${key}:meta`, 5_000);
    streams.delta(messageId, 0, 'a');
    await sleep(50);
    expect(await admin.pttl(key)).toBeGreaterThan(25_000);

    await admin.pexpire(key, 5_000);
    await admin.pexpire(`${key}:meta`, 5_000);
    await streams.finish(messageId, { type: 'error', error: { code: 'model_busy' } });
    expect(await admin.pttl(key)).toBeGreaterThan(25_000);
    expect(await admin.pttl(`${key}:meta`)).toBeGreaterThan(25_000);
    const late = await streams.follow(messageId, user, 0);
    expect(await collect(late!.events)).toEqual([{ type: 'error', error: { code: 'model_busy' } }]);
    // The outcome was in the replay: no live reading was needed.
    expect(streams.polling).toBe(false);

    // A writer that outlives its stream (or never opened one) leaves no key behind.
    const gone = id();
    streams.delta(gone, 0, 'x');
    await streams.finish(gone, { type: 'done', view: view('x') });
    expect(await admin.exists(`${prefix}:reply:${gone}`, `${prefix}:reply:${gone}:meta`)).toBe(0);
  });

  it('says when the deltas a client asks for were trimmed by the cap', async () => {
    const streams = instance({ CHAT_STREAM_MAX_EVENTS: '100' });
    const user = id();
    const messageId = id();
    await streams.open(messageId, meta(user));
    for (let seq = 0; seq < 1000; seq++) {
      streams.delta(messageId, seq, 'x');
      if (seq % 50 === 49) await sleep(1);
    }
    await streams.finish(messageId, { type: 'done', view: view('x'.repeat(1000)) });
    // Trimming is approximate (whole macro nodes), but the stream stays near the cap.
    expect(await admin.xlen(`${prefix}:reply:${messageId}`)).toBeLessThan(300);

    const fromStart = (await streams.follow(messageId, user, -1))!;
    expect(fromStart.truncated).toBe(true);
    const kept = seqs(await collect(fromStart.events));
    expect(kept[0]).toBeGreaterThan(0);
    expect(kept).toEqual(range(kept[0], 999));

    const recent = (await streams.follow(messageId, user, 990))!;
    expect(recent.truncated).toBe(false);
    expect(seqs(await collect(recent.events))).toEqual(range(991, 999));

    const short = id();
    await streams.open(short, meta(user));
    streams.delta(short, 0, 'a');
    await streams.finish(short, { type: 'done', view: view('a') });
    const whole = (await streams.follow(short, user, -1))!;
    expect(whole.truncated).toBe(false);
    expect(await collect(whole.events)).toEqual([
      { type: 'delta', seq: 0, delta: 'a' },
      { type: 'done', view: view('a') },
    ]);
  });

  it('ends the iterator on abort, leaves no listener behind, and stops the loop when nobody follows', async () => {
    const writer = instance();
    const reader = instance();
    const user = id();
    const messageId = id();
    await writer.open(messageId, meta(user));
    writer.delta(messageId, 0, 'a');

    const aborted = new AbortController();
    const follow = (await reader.follow(messageId, user, -1, aborted.signal))!;
    const got: ReplyEvent[] = [];
    const done = (async () => {
      for await (const e of follow.events) got.push(e);
    })();
    await until(() => got.length === 1 && reader.polling);
    writer.delta(messageId, 1, 'b');
    await until(() => got.length === 2);
    expect(reader.following).toBe(1);

    aborted.abort();
    await done;
    expect(seqs(got)).toEqual([0, 1]);
    expect(reader.following).toBe(0);
    expect(getEventListeners(aborted.signal, 'abort')).toHaveLength(0);
    await until(() => !reader.polling, 1000);

    // A later write reaches nobody, and a new follower starts the loop again.
    writer.delta(messageId, 2, 'c');
    const again = (await reader.follow(messageId, user, 1))!;
    const rest = collect(again.events);
    await until(() => reader.polling);
    await writer.finish(messageId, { type: 'done', view: view('abc') });
    expect(await rest).toEqual([
      { type: 'delta', seq: 2, delta: 'c' },
      { type: 'done', view: view('abc') },
    ]);
  });

  it('tells a follower when the stream expires before its end (the writing instance died)', async () => {
    const streams = instance();
    const user = id();
    const messageId = id();
    await streams.open(messageId, meta(user));
    streams.delta(messageId, 0, 'a');
    const follow = (await streams.follow(messageId, user, -1))!;
    const got: ReplyEvent[] = [];
    const done = (async () => {
      for await (const e of follow.events) got.push(e);
    })();
    await until(() => got.length === 1);
    await admin.del(`${prefix}:reply:${messageId}`, `${prefix}:reply:${messageId}:meta`);
    await done;
    expect(got).toEqual([{ type: 'delta', seq: 0, delta: 'a' }, { type: 'lost' }]);
    await until(() => !streams.polling, 1000);
  });

  it('serves 50 followers of 10 replies from one loop and one blocking connection', async () => {
    const writer = instance();
    const reader = instance();
    const user = id();
    const replies = Array.from({ length: 10 }, () => id());
    for (const r of replies) await writer.open(r, meta(user));
    const before = await followerConnections();

    const follows: Promise<ReplyEvent[]>[] = [];
    const join = async (i: number) => {
      const f = (await reader.follow(replies[i % 10], user, -1))!;
      follows.push(collect(f.events));
    };
    for (let i = 0; i < 30; i++) await join(i);
    await until(() => reader.following === 30);
    expect((await followerConnections()) - before).toBe(1);

    // The other 20 join while the replies are being written: their replays end ahead of the loop's position.
    for (let seq = 0; seq < 40; seq++) {
      for (const r of replies) writer.delta(r, seq, `${r}:${seq}`);
      await sleep(1);
      if (seq >= 10 && seq < 30) await join(20 + seq);
    }
    expect((await followerConnections()) - before).toBe(1);
    await Promise.all(replies.map((r) => writer.finish(r, { type: 'done', view: view(r) })));
    const results = await Promise.all(follows);
    results.forEach((events, i) => {
      const r = replies[i % 10];
      expect(seqs(events)).toEqual(range(0, 39));
      expect(events.every((e) => e.type !== 'delta' || e.delta === `${r}:${e.seq}`)).toBe(true);
      expect(events[events.length - 1]).toEqual({ type: 'done', view: view(r) });
    });
    await until(() => !reader.polling);
  });

  it('ends every follower on shutdown', async () => {
    const streams = instance();
    const user = id();
    const messageId = id();
    await streams.open(messageId, meta(user));
    const follow: ReplyFollow = (await streams.follow(messageId, user, -1))!;
    const events = collect(follow.events);
    await until(() => streams.polling);
    streams.onModuleDestroy();
    expect(await events).toEqual([]);
    await until(() => !streams.polling, 1000);
  });

  /** Connections named by ReplyStreams' follower loop, across every instance on this Redis. */
  async function followerConnections(): Promise<number> {
    const list = (await admin.client('LIST')) as string;
    return list.split('\n').filter((line) => / name=reply-followers /.test(line)).length;
  }
});
