import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { AppConfig, SpendingCapFeature } from '@app/config';
import { localDateKey, startOfLocalDay } from '@app/finance';
import { estimatePromptTokens } from './token-estimate';

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

/** The tasks that call the model. */
export type LlmFeature = 'chat' | 'titles' | 'report' | 'suggestions' | 'expense-parse' | 'alerts';

/**
 * Which of the user's caps a task spends from. Titles are part of chatting. Alert wording is null: admins screen
 * users for red flags, so it is the operator's spend, not the user's (bounded by one screening a day).
 */
export const CAP_FEATURE_OF: Record<LlmFeature, SpendingCapFeature | null> = {
  chat: 'chat',
  titles: 'chat',
  report: 'reports',
  suggestions: 'suggestions',
  'expense-parse': 'parsing',
  alerts: null,
};

/**
 * The estimate counts about four characters a token, but prompts full of figures and JSON tokenise denser, so the
 * input is reserved with half as much again. Admission does not depend on the size of a reservation (a call is let
 * through while anything is left), so a generous one only holds allowance back while its call runs.
 */
export const INPUT_RESERVE_FACTOR = 1.5;

/** What a call holds against the caps until it settles: its estimated prompt plus the longest answer allowed. */
export function reservedUsage(messages: ChatCompletionMessageParam[], maxOutputTokens: number): TokenUsage {
  return {
    inputTokens: Math.ceil(estimatePromptTokens(messages) * INPUT_RESERVE_FACTOR),
    outputTokens: maxOutputTokens,
  };
}

export function totalTokens(u: TokenUsage): number {
  return u.inputTokens + u.outputTokens;
}

/**
 * Cost in whole micro-dollars, rounded up, so counters stay integers in Redis (a price per 1M tokens is a price in
 * micro-dollars per token). null when the model has no price.
 */
export function microUsd(prices: AppConfig['llm']['prices'], model: string, usage: TokenUsage): number | null {
  const price = prices[model];
  if (!price) return null;
  // The small allowance keeps float noise (0.15 * 1000 = 150.00000000000003) from adding a micro-dollar.
  return Math.max(0, Math.ceil(usage.inputTokens * price.input + usage.outputTokens * price.output - 1e-9));
}

/** How a failed call ended, as far as we can tell. */
export interface FailedCall {
  /** The server's own count (e.g. an answer that failed its schema). */
  reported: TokenUsage | null;
  /** Estimated from what we sent and received, when the answer had started (or the user stopped the call). */
  streamed: TokenUsage | null;
  /** HTTP status of the server's refusal, when it refused. */
  status: number | null;
  reserved: TokenUsage;
}

/**
 * What a failed call is charged against the caps (and written to ai_usage): the server's own count when it gave
 * one; what we estimate was read and written when the answer had started; nothing when the server refused with an
 * error status before answering (providers do not bill refusals, and an outage must not eat users' allowance
 * through retries); otherwise (a timeout or a lost connection) the whole reservation, since the server may have
 * done all the work.
 */
export function chargeForFailure(call: FailedCall): TokenUsage {
  if (call.reported) return call.reported;
  if (call.streamed) return call.streamed;
  if (call.status !== null) return { inputTokens: 0, outputTokens: 0 };
  return call.reserved;
}

/** The local calendar day (TIME_ZONE) caps count in, and the instant it ends (DST-safe). */
export function localDay(now: Date, timeZone: string): { dayKey: string; endsAt: Date } {
  const dayKey = localDateKey(now, timeZone);
  const [y, m, d] = dayKey.split('-').map(Number);
  // Noon UTC of the next calendar day lands on the next local day in every zone (offsets are within ±14 h).
  const next = new Date(Date.UTC(y, m - 1, d + 1, 12));
  const endsAt = startOfLocalDay(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), timeZone);
  return { dayKey, endsAt };
}
