import { TEST_JWT_SECRET } from '../../../test/support/tokens';
import { ConfigError, DEV_JWT_SECRET, loadConfig, loadConfigOrExit, OFFLINE_DEMO_API_KEY } from './index';

const production = {
  NODE_ENV: 'production',
  MONGODB_URI: 'mongodb://db.internal:27017/finance',
  JWT_SECRET: 'k'.repeat(32),
  OPENAI_API_KEY: 'sk-live-key',
};

function refusal(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('loadConfig accepted the configuration');
}

describe('production refuses development settings', () => {
  it('accepts a production configuration with a 32-byte secret and a real model', () => {
    expect(loadConfig(production)).toMatchObject({ env: 'production', llm: { offlineDemo: false } });
  });

  it('refuses the public development secret, naming JWT_SECRET without echoing it', () => {
    const err = refusal({ ...production, JWT_SECRET: DEV_JWT_SECRET });
    expect(err.variable).toBe('JWT_SECRET');
    expect(err.message).toMatch(/^Invalid configuration: JWT_SECRET is the public development secret/);
    expect(err.message).not.toContain(DEV_JWT_SECRET);
  });

  it.each([
    ['16 ASCII bytes', 'x'.repeat(16)],
    ['31 ASCII bytes', 'x'.repeat(31)],
    ['10 characters that are 30 bytes', '€'.repeat(10)],
  ])('refuses a secret shorter than 32 bytes (%s)', (_label, secret) => {
    const err = refusal({ ...production, JWT_SECRET: secret });
    expect(err.variable).toBe('JWT_SECRET');
    expect(err.message).toMatch(/JWT_SECRET must be at least 32 bytes in production \(it is \d+\)/);
    expect(err.message).not.toContain(secret);
  });

  it('counts bytes, not characters: 11 three-byte characters are enough', () => {
    expect(loadConfig({ ...production, JWT_SECRET: '€'.repeat(11) }).auth.jwtSecret).toBe('€'.repeat(11));
  });

  it('refuses the offline demo model by its flag', () => {
    const err = refusal({ ...production, LLM_OFFLINE_DEMO: 'true' });
    expect(err.variable).toBe('LLM_OFFLINE_DEMO');
    expect(err.message).toContain('LLM_OFFLINE_DEMO must be false in production');
  });

  it("refuses the offline demo model's API key even without the flag", () => {
    const err = refusal({ ...production, OPENAI_API_KEY: OFFLINE_DEMO_API_KEY });
    expect(err.variable).toBe('OPENAI_API_KEY');
    expect(err.message).toContain("OPENAI_API_KEY is the offline demo model's key");
  });

  it('names the development secret even when other settings are also wrong', () => {
    expect(refusal({ ...production, JWT_SECRET: DEV_JWT_SECRET, PORT: 'eighty' }).variable).toBe('JWT_SECRET');
  });

  it('exits 1 with one line naming the setting', () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation(((code: number) => {
      throw new Error(`exit ${code}`);
    }) as never);
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(() => loadConfigOrExit({ ...production, JWT_SECRET: 'sixteen-bytes-ok' })).toThrow('exit 1');
      expect(write).toHaveBeenCalledTimes(1);
      expect(String(write.mock.calls[0][0])).toMatch(/^Invalid configuration: JWT_SECRET must be at least 32 bytes/);
    } finally {
      exit.mockRestore();
      write.mockRestore();
    }
  });
});

describe('outside production the development conveniences still load', () => {
  it.each(['development', 'test'])('NODE_ENV=%s accepts the development secret and the offline demo model', (env) => {
    const config = loadConfig({
      ...production,
      NODE_ENV: env,
      JWT_SECRET: DEV_JWT_SECRET,
      OPENAI_API_KEY: OFFLINE_DEMO_API_KEY,
      LLM_OFFLINE_DEMO: 'true',
    });
    expect(config.auth.jwtSecret).toBe(DEV_JWT_SECRET);
    expect(config.llm.offlineDemo).toBe(true);
  });

  it("NODE_ENV=test accepts the test helpers' secret", () => {
    expect(loadConfig({ ...production, NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET }).auth.jwtSecret).toBe(
      TEST_JWT_SECRET,
    );
  });
});
