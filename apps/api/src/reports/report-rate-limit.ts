import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { APP_CONFIG, AppConfig } from '@app/config';
import { enforce, setRateLimitHeaders } from '../limits/rate-limit-headers';
import { RateLimiterService } from '../limits/rate-limiter.service';

/** POST /reports and its /feedback aliases share one count per user (REPORTS_RATE_LIMIT): each may start a model call. */
@Injectable()
export class ReportRateLimit {
  constructor(
    private readonly limiter: RateLimiterService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Sets the X-RateLimit-* headers; throws 429 with Retry-After when the user is over the limit. */
  async admit(userId: string, res: Response): Promise<void> {
    const { rateLimit, rateWindowMs } = this.config.reports;
    const decision = await this.limiter.consume('reports', userId, rateLimit, rateWindowMs);
    setRateLimitHeaders(res, decision);
    enforce(decision, 'report requests');
  }
}
