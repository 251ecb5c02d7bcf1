import { Injectable } from '@nestjs/common';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { RedisLimiterFactory, tryConsume } from './redis-limiter.factory';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  /** Requests the user may make right now. */
  remaining: number;
  /** Milliseconds until more are allowed (the Retry-After of a refusal). */
  resetMs: number;
}

interface PacedLimiter {
  window: RateLimiterRedis;
  pace: RateLimiterRedis;
}

/**
 * Per-user limits of the model-backed routes, on rate-limiter-flexible counters in Redis shared by every api
 * instance. One window alone lets twice its limit through at its edge (all of it just before the window ends,
 * all again just after), so each request is also counted against a pace: half the limit (rounded up) per half
 * window. A burst across any edge is then at most about the limit, while a steady user still gets the whole
 * limit per window. A refused request spends nothing.
 */
@Injectable()
export class RateLimiterService {
  private readonly limiters = new Map<string, PacedLimiter>();

  constructor(private readonly factory: RedisLimiterFactory) {}

  async consume(scope: string, userId: string, limit: number, windowMs: number): Promise<RateDecision> {
    const { window, pace } = this.limiterFor(scope, limit, windowMs);
    const paced = await tryConsume(pace, userId);
    if (!paced.allowed) return { allowed: false, limit, remaining: 0, resetMs: paced.res.msBeforeNext };
    const counted = await tryConsume(window, userId);
    if (!counted.allowed) {
      await pace.reward(userId, 1).catch(() => undefined);
      return { allowed: false, limit, remaining: 0, resetMs: counted.res.msBeforeNext };
    }
    const paceBinds = paced.res.remainingPoints < counted.res.remainingPoints;
    return {
      allowed: true,
      limit,
      remaining: Math.min(paced.res.remainingPoints, counted.res.remainingPoints),
      resetMs: paceBinds ? paced.res.msBeforeNext : counted.res.msBeforeNext,
    };
  }

  private limiterFor(scope: string, limit: number, windowMs: number): PacedLimiter {
    const id = `${scope}:${limit}:${windowMs}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      limiter = {
        window: this.factory.create({ scope, points: limit, windowMs }),
        pace: this.factory.create({ scope: `${scope}-pace`, points: Math.ceil(limit / 2), windowMs: windowMs / 2 }),
      };
      this.limiters.set(id, limiter);
    }
    return limiter;
  }
}
