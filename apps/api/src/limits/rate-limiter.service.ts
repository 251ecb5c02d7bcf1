import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { APP_CONFIG, AppConfig } from '@app/config';
import { REDIS_CLIENT } from '@app/queue';
import { tryConsume } from './redis-limiter.factory';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  /** Requests the user may make right now. */
  remaining: number;
  /** Milliseconds until more are allowed (the Retry-After of a refusal). */
  resetMs: number;
}

/**
 * KEYS[1]: the window's counter, KEYS[2]: the pace's. ARGV: the window's limit and length (ms), the pace's limit
 * and length (ms). Counts the request in both only when both have room, so a refused request spends nothing, and
 * both counts move in one step however many instances' requests reach Redis interleaved. Returns
 * {allowed 0|1, window count, window ms left, pace count, pace ms left}.
 */
const PACED_SCRIPT = `
local function take(key, limit, ms)
  local n = tonumber(redis.call('GET', key) or '0')
  local ttl = redis.call('PTTL', key)
  -- A counter left without an expiry would refuse forever.
  if ttl == -1 then redis.call('PEXPIRE', key, ms) end
  if ttl < 0 then ttl = ms end
  return n, ttl, n < limit
end
local w, wttl, wroom = take(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]))
local p, pttl, proom = take(KEYS[2], tonumber(ARGV[3]), tonumber(ARGV[4]))
if not (wroom and proom) then return {0, w, wttl, p, pttl} end
local function count(key, ms)
  local n = redis.call('INCR', key)
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then
    redis.call('PEXPIRE', key, ms)
    ttl = ms
  end
  return n, ttl
end
w, wttl = count(KEYS[1], tonumber(ARGV[2]))
p, pttl = count(KEYS[2], tonumber(ARGV[4]))
return {1, w, wttl, p, pttl}
`;

/** Defined on the shared client (sent by SHA); the name is ours alone. */
const PACED = 'pacedRateLimit';

type PacedCommand = {
  [PACED](
    windowKey: string,
    paceKey: string,
    limit: number,
    windowMs: number,
    paceLimit: number,
    paceMs: number,
  ): Promise<[number, number, number, number, number]>;
};

interface Counter {
  limit: number;
  count: number;
  msLeft: number;
}

/** What a limit allows in Redis outage: the same two counters, in this process only. */
interface InsuranceLimiter {
  window: RateLimiterMemory;
  pace: RateLimiterMemory;
}

/**
 * Per-user limits of the model-backed routes, counted in Redis and shared by every api instance. One window alone
 * lets twice its limit through at its edge (all of it just before the window ends, all again just after), so each
 * request is also counted against a pace: half the limit (rounded up) per half window. A burst across any edge is
 * then at most about the limit, while a steady user still gets the whole limit per window. A refused request
 * spends nothing.
 *
 * Both counters are read and raised by one script of ours (one round trip, atomic): rate-limiter-flexible counts
 * one key per call, and two calls cost a second round trip before every chat turn or report, or, made at once,
 * under-admit a burst spread over instances (each counter refusing what the other admitted, both giving it back).
 * The keys are the ones rate-limiter-flexible used, holding the same counts. When Redis cannot be reached the
 * limit is counted in this process by rate-limiter-flexible's memory limiters, so an outage loosens a limit to
 * per-instance but never turns a throttled route into a 500.
 */
@Injectable()
export class RateLimiterService {
  private readonly insurance = new Map<string, InsuranceLimiter>();

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    if (!(PACED in redis)) redis.defineCommand(PACED, { numberOfKeys: 2, lua: PACED_SCRIPT });
  }

  async consume(scope: string, userId: string, limit: number, windowMs: number): Promise<RateDecision> {
    const paceLimit = Math.ceil(limit / 2);
    const paceMs = Math.ceil(windowMs / 2);
    let counted: { allowed: boolean; window: Counter; pace: Counter };
    try {
      const [allowed, w, wMs, p, pMs] = await (this.redis as unknown as PacedCommand)[PACED](
        this.key(scope, userId),
        this.key(`${scope}-pace`, userId),
        limit,
        windowMs,
        paceLimit,
        paceMs,
      );
      counted = {
        allowed: allowed === 1,
        window: { limit, count: w, msLeft: wMs },
        pace: { limit: paceLimit, count: p, msLeft: pMs },
      };
    } catch {
      return this.consumeInProcess(scope, userId, { limit, windowMs, paceLimit, paceMs });
    }
    return decide(limit, counted.allowed, [counted.window, counted.pace]);
  }

  /** The keys rate-limiter-flexible used (`<QUEUE_PREFIX>:rl:<scope>:<key>`), so a rolling deploy keeps its counts. */
  private key(scope: string, userId: string): string {
    return `${this.config.queue.prefix}:rl:${scope}:${userId}`;
  }

  private async consumeInProcess(
    scope: string,
    userId: string,
    { limit, windowMs, paceLimit, paceMs }: { limit: number; windowMs: number; paceLimit: number; paceMs: number },
  ): Promise<RateDecision> {
    const id = `${scope}:${limit}:${windowMs}`;
    let limiter = this.insurance.get(id);
    if (!limiter) {
      const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
      limiter = {
        window: new RateLimiterMemory({ points: limit, duration: seconds(windowMs) }),
        pace: new RateLimiterMemory({ points: paceLimit, duration: seconds(paceMs) }),
      };
      this.insurance.set(id, limiter);
    }
    const paced = await tryConsume(limiter.pace, userId);
    const pace = { limit: paceLimit, count: paced.res.consumedPoints, msLeft: paced.res.msBeforeNext };
    if (!paced.allowed) return decide(limit, false, [pace]);
    const windowed = await tryConsume(limiter.window, userId);
    const window = { limit, count: windowed.res.consumedPoints, msLeft: windowed.res.msBeforeNext };
    if (!windowed.allowed) {
      await limiter.pace.reward(userId, 1);
      return decide(limit, false, [window]);
    }
    return decide(limit, true, [window, pace]);
  }
}

/**
 * An admitted request may make as many more as the tighter counter has room for, and more come when that one
 * restarts. A refused one waits until every full counter has restarted: sooner, it would be refused again.
 */
function decide(limit: number, allowed: boolean, counters: Counter[]): RateDecision {
  if (!allowed) {
    const full = counters.filter((c) => c.count >= c.limit);
    return { allowed, limit, remaining: 0, resetMs: Math.max(0, ...full.map((c) => c.msLeft)) };
  }
  const tightest = counters.reduce((a, b) => (b.limit - b.count < a.limit - a.count ? b : a));
  return {
    allowed,
    limit,
    remaining: Math.max(0, tightest.limit - tightest.count),
    resetMs: tightest.msLeft,
  };
}
