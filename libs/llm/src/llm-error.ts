import OpenAI from 'openai';

export type LlmErrorKind = 'rate_limited' | 'timeout' | 'unavailable' | 'invalid_output' | 'rejected' | 'aborted';

/** A model failure our callers can act on: retry (and when), or give up with a safe reason. */
export class LlmError extends Error {
  constructor(
    readonly kind: LlmErrorKind,
    message: string,
    readonly retryAfterMs: number | null = null,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'LlmError';
  }

  get retryable(): boolean {
    return (
      this.kind === 'rate_limited' ||
      this.kind === 'timeout' ||
      this.kind === 'unavailable' ||
      this.kind === 'invalid_output'
    );
  }
}

function retryAfterMs(headers: Headers | undefined): number | null {
  if (!headers || typeof headers.get !== 'function') return null;
  const ms = Number(headers.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const raw = headers.get('retry-after');
  if (!raw) return null;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : null;
}

/**
 * Maps the SDK's error classes to our kinds; messages never include request content. Given the request's
 * signal, an abort by a deadline (AbortSignal.timeout) is a retryable timeout rather than a cancellation.
 */
export function classifyLlmError(err: unknown, signal?: AbortSignal): LlmError {
  if (err instanceof LlmError) return err;
  if (err instanceof OpenAI.APIUserAbortError) {
    const deadline = signal?.aborted && (signal.reason as { name?: unknown } | undefined)?.name === 'TimeoutError';
    return deadline
      ? new LlmError('timeout', 'Model request timed out')
      : new LlmError('aborted', 'Model request was cancelled');
  }
  if (err instanceof OpenAI.APIConnectionTimeoutError) return new LlmError('timeout', 'Model request timed out');
  if (err instanceof OpenAI.APIConnectionError) return new LlmError('unavailable', 'Model server is unreachable');
  if (err instanceof OpenAI.APIError) {
    const status = err.status ?? null;
    if (status === 429)
      return new LlmError('rate_limited', 'Model rate limit reached', retryAfterMs(err.headers), status);
    if (status !== null && status >= 500)
      return new LlmError('unavailable', `Model server error (${status})`, retryAfterMs(err.headers), status);
    if (status === 408) return new LlmError('timeout', 'Model request timed out', null, status);
    return new LlmError('rejected', `Model server refused the request (${status ?? 'unknown'})`, null, status);
  }
  if (err instanceof SyntaxError) return new LlmError('invalid_output', 'Model answer was not valid JSON');
  return new LlmError('unavailable', 'Model request failed');
}
