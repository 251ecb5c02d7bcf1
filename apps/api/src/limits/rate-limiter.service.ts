import { Injectable } from '@nestjs/common';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { LimiterDecision, RedisLimiterFactory, tryConsume } from './redis-limiter.factory';

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
    // Both counters in one round trip: this decision is on the path of every chat message and report request.
    const [paced, counted] = await Promise.allSettled([tryConsume(pace, userId), tryConsume(window, userId)]);
    if (paced.status === 'rejected' || counted.status === 'rejected') {
      await Promise.all([giveBack(pace, userId, paced), giveBack(window, userId, counted)]);
      throw paced.status === 'rejected' ? paced.reason : (counted as PromiseRejectedResult).reason;
    }
    if (!paced.value.allowed || !counted.value.allowed) {
      // A refused request spends nothing: the counter that let it through takes its point back.
      await Promise.all([giveBack(pace, userId, paced), giveBack(window, userId, counted)]);
      const refusals = [paced.value, counted.value].filter((d) => !d.allowed);
      return { allowed: false, limit, remaining: 0, resetMs: Math.max(...refusals.map((d) => d.res.msBeforeNext)) };
    }
    const paceBinds = paced.value.res.remainingPoints < counted.value.res.remainingPoints;
    return {
      allowed: true,
      limit,
      remaining: Math.min(paced.value.res.remainingPoints, counted.value.res.remainingPoints),
      resetMs: paceBinds ? paced.value.res.msBeforeNext : counted.value.res.msBeforeNext,
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

/** The point a counter took for a request that is refused after all (best effort: it expires with its window). */
async function giveBack(
  limiter: RateLimiterRedis,
  userId: string,
  decision: PromiseSettledResult<LimiterDecision>,
): Promise<void> {
  if (decision.status === 'fulfilled' && decision.value.allowed) await limiter.reward(userId, 1).catch(() => undefined);
}
