import { LlmError } from '@app/llm';
import { retryAfterAwareBackoff } from './backoff';

const job = (delay: number) => ({ opts: { backoff: { type: 'retry-after-aware', delay } } }) as any;

describe('retryAfterAwareBackoff', () => {
  it('doubles the job delay each attempt', () => {
    expect([1, 2, 3, 4].map((n) => retryAfterAwareBackoff(n, undefined, new Error('x'), job(100)))).toEqual([
      100, 200, 400, 800,
    ]);
  });

  it("never retries sooner than the model's Retry-After", () => {
    const limited = new LlmError('rate_limited', 'slow down', 5000, 429);
    expect(retryAfterAwareBackoff(1, undefined, limited, job(100))).toBe(5000);
    expect(retryAfterAwareBackoff(8, undefined, limited, job(100))).toBe(12_800);
  });

  it('caps the delay at ten minutes', () => {
    expect(retryAfterAwareBackoff(30, undefined, undefined, job(1000))).toBe(600_000);
  });
});
