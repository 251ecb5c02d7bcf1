import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { RateDecision, RateLimiterService } from '../limits/rate-limiter.service';
import { TooManyRequestsException } from '../limits/too-many-requests.exception';
import { SpendingCapCheck } from '../usage/spending-cap-check';

/**
 * What a chat turn must pass before anything is stored, on every transport: the per-user message rate (all api
 * instances) and the day's spending caps. The caps are enforced by the reservation the model call makes; checking
 * them here refuses a user whose cap is already spent before their message is stored.
 */
@Injectable()
export class ChatLimitsService {
  constructor(
    private readonly limiter: RateLimiterService,
    private readonly caps: SpendingCapCheck,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Counts the message; throws 429 `rate_limited` or `spending_cap_reached`. */
  async admit(userId: string): Promise<RateDecision> {
    const { rateLimit, rateWindowMs } = this.config.chat;
    // Both at once, one Redis round trip; the rate limit's answer comes first.
    const [decision, caps] = await Promise.allSettled([
      this.limiter.consume('chat', userId, rateLimit, rateWindowMs),
      this.caps.assertAvailable(userId, 'chat'),
    ]);
    if (decision.status === 'rejected') throw decision.reason;
    if (!decision.value.allowed) {
      throw new TooManyRequestsException(
        decision.value.resetMs,
        'rate_limited',
        `Too many messages; try again in ${Math.ceil(decision.value.resetMs / 1000)} s`,
      );
    }
    if (caps.status === 'rejected') throw caps.reason;
    return decision.value;
  }
}
