import { ConfigError, loadConfig } from './index';

const minimal = {
  MONGODB_URI: 'mongodb://127.0.0.1:27017/finance',
  JWT_SECRET: 'a-long-enough-secret',
  OPENAI_API_KEY: 'sk-test',
};
const production = { ...minimal, NODE_ENV: 'production', JWT_SECRET: 'k'.repeat(32) };

function refusal(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('loadConfig accepted the configuration');
}

describe('spending caps configuration', () => {
  it('caps every user by default, overall and per feature, in money and tokens', () => {
    const { caps } = loadConfig(minimal);
    expect(caps.overall).toEqual({ usd: 1, tokens: 500_000 });
    expect(caps.features).toEqual({
      chat: { usd: 0.5, tokens: 200_000 },
      reports: { usd: 0.25, tokens: 100_000 },
      parsing: { usd: 0.1, tokens: 50_000 },
      suggestions: { usd: 0.1, tokens: 50_000 },
    });
  });

  it('keeps the defaults of the features and units a setting leaves out', () => {
    const { caps } = loadConfig({ ...minimal, AI_DAILY_FEATURE_CAPS: '{"chat":{"tokens":1000},"reports":{"usd":0}}' });
    expect(caps.features.chat).toEqual({ usd: 0.5, tokens: 1000 });
    expect(caps.features.reports).toEqual({ usd: 0, tokens: 100_000 });
    expect(caps.features.parsing).toEqual({ usd: 0.1, tokens: 50_000 });
  });

  it.each([
    ['[1]', 'must be a JSON object'],
    ['{"alerts":{"usd":1}}', 'unknown feature "alerts"'],
    ['{"chat":{"euros":1}}', 'unknown unit "euros"'],
    ['{"chat":{"tokens":1.5}}', '"chat.tokens" must be an integer >= 0'],
    ['{"chat":{"usd":-1}}', '"chat.usd" must be a number >= 0'],
    ['{"chat":5}', '"chat" must be an object'],
  ])('refuses AI_DAILY_FEATURE_CAPS=%s', (value, message) => {
    const err = refusal({ ...minimal, AI_DAILY_FEATURE_CAPS: value });
    expect(err.variable).toBe('AI_DAILY_FEATURE_CAPS');
    expect(err.message).toContain(message);
  });

  it('refuses the old chat token budget instead of silently ignoring it', () => {
    const err = refusal({ ...minimal, CHAT_DAILY_TOKEN_BUDGET: '200000' });
    expect(err.variable).toBe('CHAT_DAILY_TOKEN_BUDGET');
    expect(err.message).toContain('AI_DAILY_FEATURE_CAPS');
  });

  it('prices common OpenAI models out of the box, OPENAI_PRICES over them', () => {
    const { llm } = loadConfig({
      ...minimal,
      OPENAI_PRICES: '{"gpt-4o":{"input":2,"output":9},"local":{"input":0,"output":0}}',
    });
    expect(llm.prices['gpt-4o-mini']).toEqual({ input: 0.15, output: 0.6 });
    expect(llm.prices['gpt-4o']).toEqual({ input: 2, output: 9 });
    expect(llm.prices.local).toEqual({ input: 0, output: 0 });
  });

  it('refuses, in production, a money cap over a model that has no price', () => {
    const err = refusal({ ...production, OPENAI_TASK_MODELS: '{"chat":"llama3:70b"}' });
    expect(err.variable).toBe('OPENAI_PRICES');
    expect(err.message).toContain('"llama3:70b"');
    // Priced, or no money cap at all: accepted.
    expect(() =>
      loadConfig({ ...production, OPENAI_MODEL: 'llama3:70b', OPENAI_PRICES: '{"llama3:70b":{"input":0,"output":0}}' }),
    ).not.toThrow();
    expect(() =>
      loadConfig({
        ...production,
        OPENAI_MODEL: 'llama3:70b',
        AI_DAILY_CAP_USD: '0',
        AI_DAILY_FEATURE_CAPS: '{"chat":{"usd":0},"reports":{"usd":0},"parsing":{"usd":0},"suggestions":{"usd":0}}',
      }),
    ).not.toThrow();
    // Outside production the token caps still hold and the model is simply not counted in money.
    expect(() => loadConfig({ ...minimal, OPENAI_MODEL: 'llama3:70b' })).not.toThrow();
  });
});
