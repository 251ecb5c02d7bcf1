import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@app/config';
import { REDIS_CLIENT } from '@app/queue';

/** The ids a turn chose for its message before storing it: what a resend of the same message is told. */
export interface TurnClaim {
  conversationId: string;
  userMessageId: string;
  messageId: string;
  /** Epoch ms the turn started: a claim whose turn never stored anything ages out (its instance died). */
  at: number;
}

/** As long as a client could plausibly resend a message; older resends fall back to MongoDB's unique index. */
const CLAIM_TTL_S = 24 * 3600;

/**
 * Who answers a clientMessageId, decided by one Redis SET NX across every api instance and transport, before
 * anything is written: the first delivery claims it and answers; a concurrent or later delivery reads the claim and
 * joins that answer instead of calling the model again. MongoDB's unique index on (user, clientMessageId) still
 * backs it up once a claim has expired.
 */
@Injectable()
export class TurnClaims {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Null when this turn now owns the message; otherwise the claim that does. */
  async claim(userId: string, clientMessageId: string, claim: TurnClaim): Promise<TurnClaim | null> {
    const key = this.key(userId, clientMessageId);
    const [[setErr, set], [getErr, held]] = (await this.redis
      .multi()
      .set(key, JSON.stringify(claim), 'EX', CLAIM_TTL_S, 'NX')
      .get(key)
      .exec()) as [[Error | null, 'OK' | null], [Error | null, string | null]];
    if (setErr || getErr) throw setErr ?? getErr;
    if (set === 'OK' || !held) return null;
    return JSON.parse(held) as TurnClaim;
  }

  /** Takes over a claim whose turn died before storing anything, or replaces this turn's own. */
  async replace(userId: string, clientMessageId: string, claim: TurnClaim): Promise<void> {
    await this.redis.set(this.key(userId, clientMessageId), JSON.stringify(claim), 'EX', CLAIM_TTL_S);
  }

  /** A turn refused before it stored anything leaves no claim: the same message may be sent again. */
  async release(userId: string, clientMessageId: string): Promise<void> {
    await this.redis.del(this.key(userId, clientMessageId));
  }

  private key(userId: string, clientMessageId: string): string {
    return `${this.config.queue.prefix}:chat:claim:${userId}:${clientMessageId}`;
  }
}
