import { ConfigError, loadConfig } from './index';

const minimal = {
  MONGODB_URI: 'mongodb://127.0.0.1:27017/finance',
  JWT_SECRET: 'a-long-enough-secret',
  OPENAI_API_KEY: 'sk-test',
};

describe('daily job settings', () => {
  it('defaults to suggestions at 06:00 and alerts at 05:00, batches of 500, three refreshes an hour', () => {
    const c = loadConfig(minimal);
    expect(c.daily).toEqual({ suggestionsCron: '0 6 * * *', alertsCron: '0 5 * * *', fanOutBatchSize: 500 });
    expect(c.suggestions).toEqual({ refreshLimit: 3, refreshWindowMs: 3_600_000 });
  });

  it('accepts five- and six-field cron patterns', () => {
    expect(
      loadConfig({ ...minimal, SUGGESTIONS_CRON: '30 7 * * MON-FRI', ALERTS_CRON: '0 */15 4 * * *' }).daily,
    ).toMatchObject({
      suggestionsCron: '30 7 * * MON-FRI',
      alertsCron: '0 */15 4 * * *',
    });
  });

  it.each([
    [{ SUGGESTIONS_CRON: 'every morning' }, 'SUGGESTIONS_CRON must be a cron pattern'],
    [{ ALERTS_CRON: '0 5 * *' }, 'ALERTS_CRON must be a cron pattern'],
    [{ FANOUT_BATCH_SIZE: '0' }, 'FANOUT_BATCH_SIZE must be >= 1'],
  ])('refuses %j', (override, message) => {
    expect(() => loadConfig({ ...minimal, ...override })).toThrow(ConfigError);
    expect(() => loadConfig({ ...minimal, ...override })).toThrow(message);
  });
});
