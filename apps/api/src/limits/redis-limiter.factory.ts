import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { APP_CONFIG, AppConfig } from '@app/config';
import { REDIS_CLIENT } from '@app/queue';

export interface LimiterOptions {
  /** Names the counter in Redis (`<QUEUE_PREFIX>:rl:<scope>:<key>`); one scope per limit. */
  scope: string;
  /** Points a key may consume per window. */
  points: number;
  /** Window length; rate-limiter-flexible counts in whole seconds, so this is rounded up to one. */
  windowMs: number;
}

/** A consumed point, or the refusal with how long until the key may try again. */
export type LimiterDecision = { allowed: true; res: RateLimiterRes } | { allowed: false; res: RateLimiterRes };

/**
 * rate-limiter-flexible limiters on the api's Redis client, so every api instance shares one count per key.
 * The client fails fast when Redis is down (it has no offline queue); the limiter then counts in this process
 * (its insurance limiter) rather than failing the request, so an outage loosens a limit to per-instance but
 * never turns a throttled route into a 500.
 */
@Injectable()
export class RedisLimiterFactory {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  create({ scope, points, windowMs }: LimiterOptions): RateLimiterRedis {
    const keyPrefix = `${this.config.queue.prefix}:rl:${scope}`;
    const duration = Math.max(1, Math.ceil(windowMs / 1000));
    return new RateLimiterRedis({
      storeClient: this.redis,
      keyPrefix,
      points,
      duration,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
    });
  }
}

/** Consumes points for a key; a refusal is a decision, not an error (store errors still throw). */
export async function tryConsume(limiter: RateLimiterAbstract, key: string, points = 1): Promise<LimiterDecision> {
  try {
    return { allowed: true, res: await limiter.consume(key, points) };
  } catch (err) {
    if (err instanceof RateLimiterRes) return { allowed: false, res: err };
    throw err;
  }
}
