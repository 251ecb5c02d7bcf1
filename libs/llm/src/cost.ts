import { AppConfig } from '@app/config';

/** USD estimate from the configured price table (per 1M tokens); null when the model is not priced. */
export function estimateCostUsd(
  prices: AppConfig['llm']['prices'],
  model: string,
  inputTokens: number,
  outputTokens: number,
): number | null {
  const price = prices[model];
  if (!price) return null;
  const usd = (inputTokens * price.input + outputTokens * price.output) / 1_000_000;
  return Math.round(usd * 1e8) / 1e8;
}
