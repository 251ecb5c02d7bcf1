import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import Redis, { ChainableCommander } from 'ioredis';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AppLogger } from '@app/logging';
import { REDIS_CLIENT } from '@app/queue';

/** How a reply ended: the ChatTurnView of `message:done`, or the payload of `message:error`. */
export type ReplyEnd = { type: 'done'; view: unknown } | { type: 'error'; error: unknown };

export type ReplyEvent =
  | { type: 'delta'; seq: number; delta: string }
  /** A tool call's progress (`message:tool`); seq is the last delta's before it, so a resume after it skips it. */
  | { type: 'tool'; seq: number; tool: unknown }
  | ReplyEnd
  /** The stream expired before done/error: its writer died mid-reply. The stored message says how it ended. */
  | { type: 'lost' };

/** The reply a follow is of; the owner is checked, not returned. */
export interface ReplyMeta {
  messageId: string;
  conversationId: string;
  clientMessageId: string;
}

export interface ReplyFollow {
  meta: ReplyMeta;
  /**
   * Some deltas after afterSeq were trimmed (more than CHAT_STREAM_MAX_EVENTS were written): the events resume at a
   * later seq, so the client should take the text from the stored message (or from the done event's view).
   */
  truncated: boolean;
  /**
   * The deltas with seq > afterSeq, then the live rest; ends after done, error or lost, when the signal aborts, or on
   * shutdown. Nothing is registered with the follower loop until it is iterated.
   */
  events: AsyncIterable<ReplyEvent>;
}

/** The script command defined on the shared client; the name is ours alone. */
const APPEND = 'replyStreamAppend';

/**
 * KEYS: the stream, its meta hash. ARGV: MAXLEN, TTL (ms), then '1' and the owner's userId, conversationId and
 * clientMessageId when this call opens the stream (else '0' and three empty strings), then (type, seq, data)
 * triples in order. Opening writes the meta hash and the marker entry that tells a replay from the very start
 * apart from one whose head was trimmed. Otherwise it appends only to a stream that was opened, so a write after
 * expiry cannot leave a key that never expires; every write pushes the expiry back, so a reply longer than the TTL
 * stays followable.
 */
const APPEND_SCRIPT = `
if ARGV[3] == '1' then
  redis.call('HSET', KEYS[2], 'userId', ARGV[4], 'conversationId', ARGV[5], 'clientMessageId', ARGV[6])
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'type', 'open')
elseif redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
for i = 7, #ARGV, 3 do
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'type', ARGV[i], 'seq', ARGV[i + 1], 'data', ARGV[i + 2])
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1
`;

type AppendCommander = {
  [APPEND](stream: string, meta: string, maxLen: number, ttlMs: number, ...rest: string[]): unknown;
};

/** How long one XREAD waits: also the longest a new follower waits to be picked up by a running loop. */
const BLOCK_MS = 100;
/** Entries read per stream per loop turn; a writer adds a few per turn, so this only bounds a catch-up. */
const READ_COUNT = 500;
/** How often followed streams are checked for having expired without done/error. */
const SWEEP_MS = 1000;
const RETRY_MS = 500;
const WARN_EVERY_MS = 10_000;

/** A reply's writes not yet sent: its opening (owner and ids), then (type, seq, data) triples. */
interface PendingWrites {
  open: [userId: string, conversationId: string, clientMessageId: string] | null;
  triples: string[];
}

interface Entry {
  id: string;
  /** Undefined for the entry open() writes. */
  event?: ReplyEvent;
}

/** Stream ids are "<ms>-<n>"; both parts can outgrow what a string comparison orders. */
function compareIds(a: string, b: string): number {
  const [am, an] = a.split('-').map(Number);
  const [bm, bn] = b.split('-').map(Number);
  return am - bm || an - bn;
}

function decode(id: string, fields: string[]): Entry {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]] = fields[i + 1];
  switch (f.type) {
    case 'delta':
      return { id, event: { type: 'delta', seq: Number(f.seq), delta: f.data ?? '' } };
    case 'tool':
      return { id, event: { type: 'tool', seq: Number(f.seq), tool: JSON.parse(f.data) } };
    case 'done':
      return { id, event: { type: 'done', view: JSON.parse(f.data) } };
    case 'error':
      return { id, event: { type: 'error', error: JSON.parse(f.data) } };
    default:
      return { id };
  }
}

const isEnd = (e: ReplyEvent) => e.type !== 'delta' && e.type !== 'tool';
const isOrdered = (e: ReplyEvent): e is Extract<ReplyEvent, { seq: number }> => e.type === 'delta' || e.type === 'tool';

/** One live reader of one stream: the loop pushes to it, its iterator pulls. */
class Follower {
  private readonly queue: ReplyEvent[] = [];
  private wake: (() => void) | null = null;
  private ended = false;

  constructor(
    readonly key: string,
    /** The id of the last entry this follower has been given. */
    public cursor: string,
  ) {}

  push(event: ReplyEvent): void {
    this.queue.push(event);
    this.notify();
  }

  /** discard: an abort or shutdown drops what the consumer has not taken yet. */
  end(discard: boolean): void {
    this.ended = true;
    if (discard) this.queue.length = 0;
    this.notify();
  }

  async next(): Promise<ReplyEvent | undefined> {
    for (;;) {
      if (this.queue.length) return this.queue.shift();
      if (this.ended) return undefined;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

/**
 * The deltas of replies in progress, in Redis Streams (`<QUEUE_PREFIX>:reply:<messageId>`, its owner and ids in
 * `...:meta`), capped at about CHAT_STREAM_MAX_EVENTS entries and expiring CHAT_STREAM_TTL_S after the last write, so
 * a client that reconnects to any api instance, or a second tab, can replay what it missed and follow the rest.
 *
 * Writes go through the shared client without waiting, one script call per reply per flush, all replies' calls in
 * one pipeline: an opening leaves in the next event-loop turn (a client told the reply's id may follow it at once),
 * deltas and tool events within CHAT_STREAM_FLUSH_MS (so a busy instance sends a few pipelines a second, not one
 * per delta), an ending at once. Followers share ONE blocking connection per process: a loop XREADs every followed
 * stream at once while anyone follows, and stops when nobody does.
 */
@Injectable()
export class ReplyStreams implements OnModuleDestroy {
  private readonly prefix: string;
  private readonly maxEvents: number;
  private readonly ttlMs: number;
  private readonly flushMs: number;

  private pending = new Map<string, PendingWrites>();
  private flushNow: NodeJS.Immediate | null = null;
  private flushSoon: NodeJS.Timeout | null = null;
  /** Resolves when the flush that will carry what is pending now has been answered. */
  private nextFlush: Promise<void> | null = null;
  private resolveNextFlush: (() => void) | null = null;
  private lastWriteWarnAt = 0;

  /** stream key -> its live followers in this process. */
  private readonly live = new Map<string, Set<Follower>>();
  private reader: Redis | null = null;
  private looping = false;
  private closed = false;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly logger: AppLogger,
  ) {
    this.prefix = `${config.queue.prefix}:reply:`;
    this.maxEvents = config.chat.streamMaxEvents;
    this.ttlMs = config.chat.streamTtlS * 1000;
    this.flushMs = config.chat.streamFlushMs;
    if (!(APPEND in redis)) redis.defineCommand(APPEND, { numberOfKeys: 2, lua: APPEND_SCRIPT });
  }

  /** Live followers in this process (all streams). */
  get following(): number {
    let n = 0;
    for (const set of this.live.values()) n += set.size;
    return n;
  }

  /** Whether the follower loop is running (it runs only while someone follows). */
  get polling(): boolean {
    return this.looping;
  }

  /**
   * Starts a reply's stream; resolves once it is written. Never rejects: without Redis the reply still streams, only
   * not resumably (logged). Need not be awaited before the first delta: both leave in the same script call.
   */
  open(messageId: string, meta: { userId: string; conversationId: string; clientMessageId: string }): Promise<void> {
    this.writesOf(messageId).open = [meta.userId, meta.conversationId, meta.clientMessageId];
    return this.schedule(true);
  }

  /** Appends one delta; returns at once (sent within CHAT_STREAM_FLUSH_MS, with everything else pending). */
  delta(messageId: string, seq: number, delta: string): void {
    this.enqueue(messageId, 'delta', String(seq), delta);
  }

  /** Appends a tool call's progress after the delta `afterSeq` (-1: before any); returns at once, like delta. */
  tool(messageId: string, afterSeq: number, tool: unknown): void {
    this.enqueue(messageId, 'tool', String(afterSeq), JSON.stringify(tool));
  }

  /**
   * Appends how the reply ended (after any deltas still waiting to be sent) and restarts the expiry, so a late
   * follower still gets the outcome for CHAT_STREAM_TTL_S. Never rejects (logged).
   */
  async finish(messageId: string, end: ReplyEnd): Promise<void> {
    const data = JSON.stringify(end.type === 'done' ? end.view : end.error) ?? 'null';
    this.enqueue(messageId, end.type, '', data);
    await this.schedule(true);
  }

  /**
   * The reply's stream as `userId` may see it: null when it is unknown, expired or someone else's (answer 404
   * not_found, the same for all three). afterSeq is the last delta seq the client has (-1: none). Rejects when Redis
   * cannot be read.
   */
  async follow(messageId: string, userId: string, afterSeq: number, signal?: AbortSignal): Promise<ReplyFollow | null> {
    if (!Number.isInteger(afterSeq) || afterSeq < -1) throw new RangeError('afterSeq must be an integer >= -1');
    // Ids are ours (ObjectIds); anything else could name another key under the prefix, such as a meta hash.
    if (!/^[\w-]{1,64}$/.test(messageId)) return null;
    const key = this.streamKey(messageId);
    const results = await this.redis.pipeline().hgetall(this.metaKey(messageId)).xrange(key, '-', '+').exec();
    const failed = results?.find(([err]) => err)?.[0];
    if (!results || failed) throw failed ?? new Error('Redis pipeline was aborted');
    const stored = results[0][1] as Record<string, string>;
    const raw = results[1][1] as [string, string[]][];
    if (stored.userId !== userId || raw.length === 0) return null;

    const entries = raw.map(([id, fields]) => decode(id, fields));
    const fromStart = !entries[0].event;
    const firstDelta = entries.find((e) => e.event?.type === 'delta')?.event as { seq: number } | undefined;
    const truncated = !fromStart && !(firstDelta && firstDelta.seq <= afterSeq + 1);
    const replay = entries
      .map((e) => e.event)
      .filter((e): e is ReplyEvent => !!e && (!isOrdered(e) || e.seq > afterSeq));
    const ended = replay.some(isEnd);
    const cursor = entries[entries.length - 1].id;

    return {
      meta: {
        messageId,
        conversationId: stored.conversationId,
        clientMessageId: stored.clientMessageId,
      },
      truncated,
      events: this.events(key, replay, ended ? null : cursor, afterSeq, signal),
    };
  }

  onModuleDestroy(): void {
    this.closed = true;
    void this.flush();
    for (const set of this.live.values()) for (const f of set) f.end(true);
    this.live.clear();
    // Rejects the blocked XREAD, which ends the loop.
    this.reader?.disconnect();
    this.reader = null;
  }

  /**
   * liveFrom: the id to follow after once the replay is given, or null when the replay holds the end. The live
   * part is filtered by afterSeq too: the client may hold deltas its own connection got before they were written
   * here (writes are batched for up to CHAT_STREAM_FLUSH_MS).
   */
  private async *events(
    key: string,
    replay: ReplyEvent[],
    liveFrom: string | null,
    afterSeq: number,
    signal?: AbortSignal,
  ): AsyncGenerator<ReplyEvent> {
    for (const event of replay) {
      if (signal?.aborted) return;
      yield event;
    }
    if (liveFrom === null || signal?.aborted || this.closed) return;

    const follower = new Follower(key, liveFrom);
    const stop = () => this.unfollow(follower, true);
    signal?.addEventListener('abort', stop, { once: true });
    let set = this.live.get(key);
    if (!set) this.live.set(key, (set = new Set()));
    set.add(follower);
    this.startLoop();
    try {
      for (;;) {
        const event = await follower.next();
        if (!event) return;
        if (isOrdered(event) && event.seq <= afterSeq) continue;
        yield event;
        if (isEnd(event)) return;
      }
    } finally {
      signal?.removeEventListener('abort', stop);
      this.unfollow(follower, true);
    }
  }

  private unfollow(follower: Follower, discard: boolean): void {
    const set = this.live.get(follower.key);
    if (set?.delete(follower) && set.size === 0) this.live.delete(follower.key);
    follower.end(discard);
  }

  private startLoop(): void {
    if (this.looping || this.closed) return;
    this.looping = true;
    void this.loop();
  }

  private async loop(): Promise<void> {
    if (!this.reader) {
      // A connection of its own, since XREAD BLOCK holds it; the offline queue lets the first read wait for connect.
      this.reader = this.redis.duplicate({ enableOfflineQueue: true, connectionName: 'reply-followers' });
      // Failures are logged where the loop's commands fail; this keeps ioredis from printing each one as well.
      this.reader.on('error', () => undefined);
    }
    const reader = this.reader;
    let lastSweep = Date.now();
    let failing = false;
    try {
      while (this.live.size > 0 && !this.closed) {
        const keys = [...this.live.keys()];
        const ids = keys.map((k) => this.oldestCursor(k));
        const readFrom = new Map(keys.map((k, i) => [k, ids[i]]));
        try {
          const reply = await reader.xread('COUNT', READ_COUNT, 'BLOCK', BLOCK_MS, 'STREAMS', ...keys, ...ids);
          for (const [key, entries] of reply ?? []) this.dispatch(key, readFrom.get(key)!, entries);
          if (Date.now() - lastSweep >= SWEEP_MS) {
            lastSweep = Date.now();
            await this.sweepExpired(reader, keys);
          }
          failing = false;
        } catch (err) {
          if (this.closed) return;
          if (!failing) this.logger.event('warn', 'chat.reply_follow_failed', { error: err });
          failing = true;
          await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        }
      }
    } finally {
      this.looping = false;
    }
  }

  /** Every follower of a stream is at or past this id. */
  private oldestCursor(key: string): string {
    let oldest: string | null = null;
    for (const f of this.live.get(key) ?? []) if (!oldest || compareIds(f.cursor, oldest) < 0) oldest = f.cursor;
    return oldest ?? '$';
  }

  /** readFrom: the id this read started after; the entries are the ones right after it. */
  private dispatch(key: string, readFrom: string, raw: [string, string[]][]): void {
    const followers = this.live.get(key);
    if (!followers) return;
    const entries = raw.map(([id, fields]) => decode(id, fields));
    for (const f of followers) {
      // It joined during the read, with a replay that ends before the read's start: handing it these entries would
      // skip the ones in between. The next read starts at its cursor instead.
      if (compareIds(f.cursor, readFrom) < 0) continue;
      for (const e of entries) {
        // The read starts at the slowest follower of the stream: the others already have these.
        if (compareIds(e.id, f.cursor) <= 0) continue;
        f.cursor = e.id;
        if (!e.event) continue;
        f.push(e.event);
        if (isEnd(e.event)) {
          this.unfollow(f, false);
          break;
        }
      }
    }
  }

  /** A stream gone before done/error means its writer stopped (an instance died): nothing more will come. */
  private async sweepExpired(reader: Redis, keys: string[]): Promise<void> {
    const pipeline: ChainableCommander = reader.pipeline();
    for (const key of keys) pipeline.exists(key);
    const results = (await pipeline.exec()) ?? [];
    keys.forEach((key, i) => {
      const [err, exists] = results[i] ?? [];
      if (err || exists) return;
      for (const f of this.live.get(key) ?? []) {
        f.push({ type: 'lost' });
        this.unfollow(f, false);
      }
    });
  }

  private writesOf(messageId: string): PendingWrites {
    let writes = this.pending.get(messageId);
    if (!writes) this.pending.set(messageId, (writes = { open: null, triples: [] }));
    return writes;
  }

  private enqueue(messageId: string, type: string, seq: string, data: string): void {
    this.writesOf(messageId).triples.push(type, seq, data);
    void this.schedule(false);
  }

  /** When the pending writes leave: in the next event-loop turn (`now`), or within CHAT_STREAM_FLUSH_MS. */
  private schedule(now: boolean): Promise<void> {
    this.nextFlush ??= new Promise<void>((resolve) => {
      this.resolveNextFlush = resolve;
    });
    if (now || this.flushMs === 0) {
      if (this.flushSoon) clearTimeout(this.flushSoon);
      this.flushSoon = null;
      this.flushNow ??= setImmediate(() => void this.flush());
    } else if (!this.flushNow && !this.flushSoon) {
      this.flushSoon = setTimeout(() => void this.flush(), this.flushMs);
    }
    return this.nextFlush;
  }

  /** Sends everything pending as one pipeline; resolves once Redis has answered (never rejects). */
  private async flush(): Promise<void> {
    if (this.flushNow) clearImmediate(this.flushNow);
    if (this.flushSoon) clearTimeout(this.flushSoon);
    this.flushNow = null;
    this.flushSoon = null;
    const done = this.resolveNextFlush;
    this.nextFlush = null;
    this.resolveNextFlush = null;
    const batches = this.pending;
    this.pending = new Map();
    try {
      if (batches.size === 0) return;
      const pipeline = this.redis.pipeline();
      const append = pipeline as unknown as AppendCommander;
      for (const [messageId, { open, triples }] of batches) {
        const opening = open ? ['1', ...open] : ['0', '', '', ''];
        append[APPEND](
          this.streamKey(messageId),
          this.metaKey(messageId),
          this.maxEvents,
          this.ttlMs,
          ...opening,
          ...triples,
        );
      }
      const results = await pipeline.exec();
      const failed = results?.find(([err]) => err)?.[0];
      if (failed) throw failed;
    } catch (err) {
      this.writeFailed(err);
    } finally {
      done?.();
    }
  }

  /** A lost write only costs resumability; one warning per window, not one per delta. */
  private writeFailed(err: unknown): void {
    const now = Date.now();
    if (now - this.lastWriteWarnAt < WARN_EVERY_MS) return;
    this.lastWriteWarnAt = now;
    this.logger.event('warn', 'chat.reply_stream_write_failed', { error: err });
  }

  private streamKey(messageId: string): string {
    return this.prefix + messageId;
  }

  private metaKey(messageId: string): string {
    return `${this.prefix}${messageId}:meta`;
  }
}
