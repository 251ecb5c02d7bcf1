import type { SpendingCapFeature } from '@app/config';

export type CapScope = SpendingCapFeature | 'overall';
export type CapUnit = 'usd' | 'tokens';

const WHAT: Record<CapScope, string> = {
  overall: 'AI',
  chat: 'chat',
  reports: 'report',
  parsing: 'expense parsing',
  suggestions: 'suggestions',
};

/** A user's daily cap is spent: no model call is made until the user's next local midnight. */
export class SpendingCapError extends Error {
  readonly code = 'spending_cap_reached';
  /** Milliseconds until resetsAt: the Retry-After of the refusal. */
  readonly retryAfterMs: number;

  constructor(
    readonly scope: CapScope,
    readonly unit: CapUnit,
    /** When the cap renews: the next local midnight in TIME_ZONE. */
    readonly resetsAt: Date,
    now = new Date(),
  ) {
    super(`Today's ${WHAT[scope]} allowance is used up; it renews at midnight`);
    this.name = 'SpendingCapError';
    this.retryAfterMs = Math.max(1000, resetsAt.getTime() - now.getTime());
  }
}
