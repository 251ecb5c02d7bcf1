import type { Response } from 'express';
import { RateDecision } from './rate-limiter.service';
import { TooManyRequestsException } from './too-many-requests.exception';

export function setRateLimitHeaders(res: Response, d: RateDecision): void {
  res.setHeader('X-RateLimit-Limit', String(d.limit));
  res.setHeader('X-RateLimit-Remaining', String(d.remaining));
  res.setHeader('X-RateLimit-Reset', String(Math.ceil(d.resetMs / 1000)));
}

/** Throws the 429 a refused decision means; the filter adds Retry-After from it. */
export function enforce(d: RateDecision, what = 'requests'): void {
  if (!d.allowed)
    throw new TooManyRequestsException(
      d.resetMs,
      'rate_limited',
      `Too many ${what}; try again in ${Math.ceil(d.resetMs / 1000)} s`,
    );
}
