import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ConversationsRepository, MessagesRepository, toObjectId } from '@app/database';
import { REDIS_CLIENT } from '@app/queue';

export interface HistoryEntry {
  role: 'user' | 'assistant';
  content: string;
}

export interface CachedConversation {
  /** A title exists or has been asked for: the turn does not ask again. */
  titled: boolean;
  /** Newest first, as windowHistory wants it; only messages with content worth resending. */
  history: HistoryEntry[];
}

/** As many messages as a prompt's history window could ever hold; the window trims by tokens. */
export const HISTORY_LIMIT = 60;
/** Idle conversations fall out of Redis; the next turn reads them from MongoDB once. */
const TTL_S = 24 * 3600;

/** Script commands defined on the shared client (sent by SHA, not as text on every call); the names are ours alone. */
const APPEND = 'conversationHistoryAppend';
const MARK_TITLED = 'conversationMarkTitled';

type ScriptCommands = {
  [APPEND](key: string, recentKey: string, limit: number, ttlS: number, ...entries: string[]): Promise<unknown>;
  [MARK_TITLED](key: string): Promise<unknown>;
};

/** Appends ARGV[3..] to the history only while the entry exists, keeps the newest ARGV[1], refreshes both TTLs. */
const APPEND_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for i = 3, #ARGV do redis.call('RPUSH', KEYS[2], ARGV[i]) end
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[1]), -1)
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return 1`;

/** Only an entry that exists: a lone field would read as a conversation with no owner. */
const MARK_TITLED_SCRIPT = `if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'titled', '1') end return 0`;

/**
 * What a chat turn needs of its conversation before the model call (that it is the caller's, whether it is
 * titled, its recent messages), kept in Redis so a warm turn reads it in one Redis round trip, on any api
 * instance, instead of two MongoDB queries. MongoDB stays the record: a miss rebuilds the entry from it, a delete
 * drops it, and appends skip an entry that is not there, so a cold entry is never half-built by an append.
 * Two turns racing in one conversation while its entry is cold can leave the rebuilt history one exchange short
 * until it expires: only the model's view of older messages, never the stored conversation.
 */
@Injectable()
export class ConversationCache {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly conversations: ConversationsRepository,
    private readonly messages: MessagesRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    if (!(APPEND in redis)) {
      redis.defineCommand(APPEND, { numberOfKeys: 2, lua: APPEND_SCRIPT });
      redis.defineCommand(MARK_TITLED, { numberOfKeys: 1, lua: MARK_TITLED_SCRIPT });
    }
  }

  private get scripts(): ScriptCommands {
    return this.redis as unknown as ScriptCommands;
  }

  /** The caller's conversation, or null when it does not exist or is someone else's (the caller answers 404). */
  async get(conversationId: string, userId: string): Promise<CachedConversation | null> {
    const [meta, list] = await this.read(conversationId);
    if (meta.userId) return meta.userId === userId ? { titled: meta.titled === '1', history: parse(list) } : null;
    const found = await this.conversations.findForUser(conversationId, userId);
    if (!found) return null;
    const recent = await this.messages.recent(toObjectId(conversationId), HISTORY_LIMIT);
    const entry: CachedConversation = {
      titled: Boolean(found.title),
      history: recent.map((m) => ({ role: m.role, content: m.content })),
    };
    await this.store(conversationId, userId, entry);
    return entry;
  }

  /** A conversation this turn is creating: known before its MongoDB write lands. */
  async created(conversationId: string, userId: string): Promise<void> {
    await this.store(conversationId, userId, { titled: false, history: [] });
  }

  /** After a turn: its messages join the history the next turn reads (oldest first, as they happened). */
  async append(conversationId: string, entries: HistoryEntry[]): Promise<void> {
    if (!entries.length) return;
    const key = this.key(conversationId);
    await this.scripts[APPEND](key, `${key}:recent`, HISTORY_LIMIT, TTL_S, ...entries.map((e) => JSON.stringify(e)));
  }

  async markTitled(conversationId: string): Promise<void> {
    await this.scripts[MARK_TITLED](this.key(conversationId));
  }

  async forget(conversationId: string): Promise<void> {
    const key = this.key(conversationId);
    await this.redis.del(key, `${key}:recent`);
  }

  /**
   * Both keys in one round trip: issued together, the client's auto-pipelining sends them back to back, with
   * whatever else this turn reads. Not a transaction (a MULTI costs two more commands and a pipeline object per
   * turn): a write landing between the two reads is the same race a cold entry already has (see the class).
   */
  private async read(conversationId: string): Promise<[{ userId?: string; titled?: string }, string[]]> {
    const key = this.key(conversationId);
    return Promise.all([this.redis.hgetall(key), this.redis.lrange(`${key}:recent`, 0, -1)]);
  }

  private async store(conversationId: string, userId: string, entry: CachedConversation): Promise<void> {
    const key = this.key(conversationId);
    const tx = this.redis
      .multi()
      .del(`${key}:recent`)
      .hset(key, { userId, titled: entry.titled ? '1' : '0' });
    // Stored oldest first, so appends keep the order.
    const oldestFirst = [...entry.history].reverse().map((e) => JSON.stringify(e));
    if (oldestFirst.length) tx.rpush(`${key}:recent`, ...oldestFirst).expire(`${key}:recent`, TTL_S);
    await tx.expire(key, TTL_S).exec();
  }

  private key(conversationId: string): string {
    return `${this.config.queue.prefix}:chat:conversation:${conversationId}`;
  }
}

function parse(oldestFirst: string[]): HistoryEntry[] {
  return oldestFirst.map((s) => JSON.parse(s) as HistoryEntry).reverse();
}
