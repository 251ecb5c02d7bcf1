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
 * KEYS[1]: the claim. ARGV: the new claim and its TTL (s). Claims it when free (nil), else returns the claim held.
 * One script rather than MULTI SET NX / GET / EXEC: every turn claims, and Redis before 7.0 refuses SET NX GET.
 */
const CLAIM_SCRIPT = `
if redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2], 'NX') then return nil end
return redis.call('GET', KEYS[1])
`;

/** Defined on the shared client (sent by SHA); the name is ours alone. */
const CLAIM = 'chatTurnClaim';

type ClaimCommand = { [CLAIM](key: string, claim: string, ttlS: number): Promise<string | null> };

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
  ) {
    if (!(CLAIM in redis)) redis.defineCommand(CLAIM, { numberOfKeys: 1, lua: CLAIM_SCRIPT });
  }

  /** Null when this turn now owns the message; otherwise the claim that does. */
  async claim(userId: string, clientMessageId: string, claim: TurnClaim): Promise<TurnClaim | null> {
    const held = await (this.redis as unknown as ClaimCommand)[CLAIM](
      this.key(userId, clientMessageId),
      JSON.stringify(claim),
      CLAIM_TTL_S,
    );
    return held ? (JSON.parse(held) as TurnClaim) : null;
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
