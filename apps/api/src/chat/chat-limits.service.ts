import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { RateDecision, RateLimiterService } from '../limits/rate-limiter.service';
import { TooManyRequestsException } from '../limits/too-many-requests.exception';

/**
 * What a chat message must pass before its turn starts, on every transport: the per-user message rate (all api
 * instances). The day's spending caps are the turn's own first step: it reserves the model call's tokens alongside
 * its other reads (ChatService), and a user whose cap is spent is refused there, before anything is stored.
 */
@Injectable()
export class ChatLimitsService {
  constructor(
    private readonly limiter: RateLimiterService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Counts the message; throws 429 `rate_limited`. */
  async admit(userId: string): Promise<RateDecision> {
    const { rateLimit, rateWindowMs } = this.config.chat;
    const decision = await this.limiter.consume('chat', userId, rateLimit, rateWindowMs);
    if (!decision.allowed) {
      throw new TooManyRequestsException(
        decision.resetMs,
        'rate_limited',
        `Too many messages; try again in ${Math.ceil(decision.resetMs / 1000)} s`,
      );
    }
    return decision;
  }
}
