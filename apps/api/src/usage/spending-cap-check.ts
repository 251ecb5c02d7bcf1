import { Injectable } from '@nestjs/common';
import type { SpendingCapFeature } from '@app/config';
import { SpendingCapError, SpendingCaps } from '@app/llm';
import { TooManyRequestsException } from '../limits/too-many-requests.exception';

/** A spent cap as HTTP: 429 `spending_cap_reached`, naming the cap, with Retry-After at the next local midnight. */
export function spendingCapRefusal(err: SpendingCapError): TooManyRequestsException {
  return new TooManyRequestsException(err.retryAfterMs, err.code, err.message, {
    cap: err.scope,
    unit: err.unit,
    resetsAt: err.resetsAt.toISOString(),
  });
}

/**
 * For routes that start model work: refuse up front when the cap the work would spend from is already spent, so no
 * record is written and no job queued for nothing. The reservation each model call makes is what enforces the cap.
 */
@Injectable()
export class SpendingCapCheck {
  constructor(private readonly caps: SpendingCaps) {}

  async assertAvailable(userId: string, feature: SpendingCapFeature): Promise<void> {
    try {
      await this.caps.assertAvailable(userId, feature);
    } catch (err) {
      throw err instanceof SpendingCapError ? spendingCapRefusal(err) : err;
    }
  }
}
