export type ModelPrices = Record<string, { input: number; output: number }>;

/**
 * OpenAI's list prices (USD per 1M tokens, standard tier) for the common chat models, so money caps and cost
 * estimates work without configuration. OPENAI_PRICES overrides or extends it: prices change, and other servers'
 * models are not here. A model missing from both cannot be priced, so money caps cannot count it.
 */
export const BUILT_IN_MODEL_PRICES: ModelPrices = {
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-5': { input: 1.25, output: 10 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gpt-5-nano': { input: 0.05, output: 0.4 },
  'o3-mini': { input: 1.1, output: 4.4 },
  'o4-mini': { input: 1.1, output: 4.4 },
  'gpt-4-turbo': { input: 10, output: 30 },
  'gpt-3.5-turbo': { input: 0.5, output: 1.5 },
};
