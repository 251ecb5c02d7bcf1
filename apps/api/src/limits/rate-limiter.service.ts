import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@app/config';
import { REDIS_CLIENT } from '@app/queue';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Milliseconds until the current window ends and the count resets. */
  resetMs: number;
}

/**
 * Fixed-window counter in Redis, so every api instance shares one count per user and scope.
 * INCR and PEXPIRE run in one MULTI: a crash between them cannot leave a key without expiry.
 */
@Injectable()
export class RateLimiterService {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async consume(
    scope: string,
    userId: string,
    limit: number,
    windowMs: number,
    now = Date.now(),
  ): Promise<RateDecision> {
    const window = Math.floor(now / windowMs);
    const key = `${this.config.queue.prefix}:rl:${scope}:${userId}:${window}`;
    const results = await this.redis
      .multi()
      .incr(key)
      .pexpire(key, windowMs * 2)
      .exec();
    const count = Number(results?.[0]?.[1] ?? 0);
    return {
      allowed: count <= limit,
      limit,
      remaining: Math.max(0, limit - count),
      resetMs: (window + 1) * windowMs - now,
    };
  }
}
