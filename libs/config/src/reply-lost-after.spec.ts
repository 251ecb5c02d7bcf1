import { ConfigError, loadConfig } from './index';

const minimal = {
  MONGODB_URI: 'mongodb://127.0.0.1:27017/finance',
  JWT_SECRET: 'a-long-enough-secret',
  OPENAI_API_KEY: 'sk-test',
};

describe('CHAT_REPLY_LOST_AFTER_MS', () => {
  it('defaults to two minutes, past the default model timeout', () => {
    const c = loadConfig(minimal);
    expect(c.chat.replyLostAfterMs).toBe(120_000);
    expect(c.chat.replyLostAfterMs).toBeGreaterThan(c.llm.timeoutMs);
  });

  it.each([
    ['as long as', '60000', '60000'],
    ['shorter than', '30000', '60000'],
  ])('refuses a threshold %s the model timeout, naming both settings', (_, lostAfter, timeout) => {
    const load = () => loadConfig({ ...minimal, CHAT_REPLY_LOST_AFTER_MS: lostAfter, OPENAI_TIMEOUT_MS: timeout });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(
      `Invalid configuration: CHAT_REPLY_LOST_AFTER_MS must be longer than OPENAI_TIMEOUT_MS (${timeout}), got ${lostAfter}`,
    );
  });

  it('accepts any threshold past the model timeout', () => {
    const c = loadConfig({ ...minimal, CHAT_REPLY_LOST_AFTER_MS: '2000', OPENAI_TIMEOUT_MS: '1000' });
    expect(c.chat.replyLostAfterMs).toBe(2000);
  });
});
