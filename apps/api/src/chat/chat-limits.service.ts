import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@app/config';
import { localDateKey, startOfLocalDay } from '@app/finance';
import { REDIS_CLIENT } from '@app/queue';
import { RateDecision, RateLimiterService } from '../limits/rate-limiter.service';
import { TooManyRequestsException } from '../limits/too-many-requests.exception';
import type { TurnResult } from './chat.service';

/** Milliseconds until the next local midnight in the zone, when a daily budget starts afresh (DST-safe). */
export function msUntilLocalMidnight(now: Date, timeZone: string): number {
  // Noon UTC of the next calendar day lands on the next local day in every zone (offsets are within ±14 h).
  const [y, m, d] = localDateKey(now, timeZone).split('-').map(Number);
  const [ny, nm, nd] = new Date(Date.UTC(y, m - 1, d + 1, 12)).toISOString().slice(0, 10).split('-').map(Number);
  return Math.max(1000, startOfLocalDay(ny, nm, nd, timeZone).getTime() - now.getTime());
}

/** Both chat limits, shared across api instances through Redis: messages per window and tokens per day. */
@Injectable()
export class ChatLimitsService {
  constructor(
    private readonly limiter: RateLimiterService,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Counts the message; throws 429 when the rate or the day's token budget is exhausted. */
  async admit(userId: string): Promise<RateDecision> {
    const { rateLimit, rateWindowMs, dailyTokenBudget } = this.config.chat;
    const decision = await this.limiter.consume('chat', userId, rateLimit, rateWindowMs);
    if (!decision.allowed) {
      throw new TooManyRequestsException(
        decision.resetMs,
        'rate_limited',
        `Too many messages; try again in ${Math.ceil(decision.resetMs / 1000)} s`,
      );
    }
    if (dailyTokenBudget > 0) {
      const used = Number((await this.redis.get(this.budgetKey(userId))) ?? 0);
      if (used >= dailyTokenBudget) {
        const wait = msUntilLocalMidnight(new Date(), this.config.locale.timeZone);
        throw new TooManyRequestsException(
          wait,
          'token_budget_exhausted',
          "Today's chat allowance is used up; it renews at midnight",
        );
      }
    }
    return decision;
  }

  /** Counts a finished turn's tokens against the day's budget; a replayed reply costs nothing. */
  async spendTurn(userId: string, turn: Pick<TurnResult, 'duplicate' | 'usage'>): Promise<void> {
    if (!turn.duplicate) await this.spend(userId, turn.usage.inputTokens + turn.usage.outputTokens);
  }

  private async spend(userId: string, tokens: number): Promise<void> {
    if (this.config.chat.dailyTokenBudget <= 0 || tokens <= 0) return;
    const key = this.budgetKey(userId);
    await this.redis
      .multi()
      .incrby(key, tokens)
      .expire(key, 2 * 24 * 3600)
      .exec();
  }

  private budgetKey(userId: string): string {
    return `${this.config.queue.prefix}:tokens:chat:${userId}:${localDateKey(new Date(), this.config.locale.timeZone)}`;
  }
}
