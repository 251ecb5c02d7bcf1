import { ConfigError, loadConfig, loadConfigOrExit } from './index';

const minimal = {
  MONGODB_URI: 'mongodb://127.0.0.1:27017/finance',
  JWT_SECRET: 'a-long-enough-secret',
  OPENAI_API_KEY: 'sk-test',
};

describe('loadConfig', () => {
  it('fills documented defaults around the three required settings', () => {
    const c = loadConfig(minimal);
    expect(c.http.port).toBe(3000);
    expect(c.redis.url).toBe('redis://127.0.0.1:6379');
    // The zone goes with the currency and locale: a UK app's months end at midnight in London, not UTC.
    expect(c.locale).toEqual({ timeZone: 'Europe/London', currency: 'GBP', locale: 'en-GB' });
    expect(c.http.corsOrigins).toEqual(['*']);
    expect(c.llm.offlineDemo).toBe(false);
    expect(c.expenses.categories).toContain('Groceries');
  });

  it.each([
    [{ MONGODB_URI: undefined }, 'MONGODB_URI is required'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET must be at least 8 characters'],
    [{ PORT: 'eighty' }, 'PORT must be an integer, got "eighty"'],
    [{ PORT: '70000' }, 'PORT must be <= 65535'],
    [{ MONGODB_URI: 'postgres://x' }, 'MONGODB_URI must use one of mongodb, mongodb+srv'],
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL must be a URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of error, warn, info, debug, got "loud"'],
    [{ TIME_ZONE: 'Mars/Olympus' }, 'TIME_ZONE must be an IANA time zone'],
    [{ OPENAI_TASK_MODELS: '{"chat": 5}' }, 'OPENAI_TASK_MODELS must be a JSON object'],
    [{ OPENAI_PRICES: '{oops' }, 'OPENAI_PRICES must be valid JSON'],
    [{ CURRENCY: 'pounds' }, 'CURRENCY must be a 3-letter ISO code'],
    [{ LLM_OFFLINE_DEMO: 'maybe' }, 'LLM_OFFLINE_DEMO must be true or false'],
  ])('names the variable in one clear message: %j', (override, message) => {
    expect(() => loadConfig({ ...minimal, ...override })).toThrow(ConfigError);
    expect(() => loadConfig({ ...minimal, ...override })).toThrow(message);
  });

  it('does not echo secret values in its messages', () => {
    try {
      loadConfig({ ...minimal, JWT_SECRET: 'tiny' });
    } catch (err) {
      expect((err as Error).message).not.toContain('tiny');
    }
  });

  it('parses per-task models and the price table', () => {
    const c = loadConfig({
      ...minimal,
      OPENAI_TASK_MODELS: '{"chat":"gpt-4o"}',
      OPENAI_PRICES: '{"gpt-4o":{"input":2.5,"output":10}}',
    });
    expect(c.llm.taskModels).toEqual({ chat: 'gpt-4o' });
    expect(c.llm.prices['gpt-4o']).toEqual({ input: 2.5, output: 10 });
  });

  it('stops a starting process with exactly one line on stderr', () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation(((code: number) => {
      throw new Error(`exit ${code}`);
    }) as never);
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(() => loadConfigOrExit({ JWT_SECRET: 'whatever-long' })).toThrow('exit 1');
      expect(write).toHaveBeenCalledTimes(1);
      expect(String(write.mock.calls[0][0])).toMatch(/^Invalid configuration: MONGODB_URI is required \(.*\)\n$/);
    } finally {
      exit.mockRestore();
      write.mockRestore();
    }
  });
});
