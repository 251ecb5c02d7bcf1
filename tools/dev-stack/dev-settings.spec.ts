import { DEV_JWT_SECRET, loadConfig } from '@app/config';
import { boardCredentials, metricsToken, secretRefusal } from './dev-settings';

describe('secretRefusal: the development secret only guards what npm start made', () => {
  it('allows the embedded defaults without JWT_SECRET', () => {
    expect(secretRefusal({})).toBeNull();
    expect(secretRefusal({ OPENAI_API_KEY: 'sk-x', MONGODB_URI: '  ' })).toBeNull();
  });

  it.each([
    [{ MONGODB_URI: 'mongodb://db.internal/finance' }, /MONGODB_URI points at a service npm start did not start/],
    [{ REDIS_URL: 'redis://127.0.0.1:6379' }, /REDIS_URL points at a service/],
    [{ MONGODB_URI: 'mongodb://db/x', REDIS_URL: 'redis://r:6379' }, /MONGODB_URI and REDIS_URL point at a service/],
  ])('refuses %j without JWT_SECRET, naming the setting and the fix', (env, named) => {
    const message = secretRefusal(env);
    expect(message).toMatch(named);
    expect(message).toContain('JWT_SECRET is not set');
    expect(message).toContain('JWT_SECRET=... npm start');
  });

  it('refuses the public development secret given explicitly, without printing it', () => {
    const message = secretRefusal({ MONGODB_URI: 'mongodb://db/x', JWT_SECRET: DEV_JWT_SECRET });
    expect(message).toContain('JWT_SECRET is the public development secret');
    expect(message).not.toContain(DEV_JWT_SECRET);
  });

  it('goes on with a user service and a secret of their own', () => {
    expect(
      secretRefusal({ MONGODB_URI: 'mongodb://db/x', REDIS_URL: 'redis://r', JWT_SECRET: 'main-backend-key' }),
    ).toBeNull();
  });
});

describe('boardCredentials', () => {
  it('generates a fresh pair the config accepts when neither is set', () => {
    const a = boardCredentials({});
    const b = boardCredentials({});
    expect(a).toMatchObject({ user: 'board', generated: true });
    expect(a!.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(b!.password).not.toBe(a!.password);
    const config = loadConfig({
      MONGODB_URI: 'mongodb://127.0.0.1/x',
      JWT_SECRET: DEV_JWT_SECRET,
      OPENAI_API_KEY: 'k',
      BULL_BOARD_USER: a!.user,
      BULL_BOARD_PASSWORD: a!.password,
    });
    expect(config.queueBoard.basicAuth).toEqual({ user: 'board', password: a!.password });
  });

  it("keeps the user's own pair and does not mark it generated", () => {
    expect(boardCredentials({ BULL_BOARD_USER: 'ops', BULL_BOARD_PASSWORD: 'a-long-password' })).toEqual({
      user: 'ops',
      password: 'a-long-password',
      generated: false,
    });
  });

  it('leaves a half-set pair for the config check to name', () => {
    expect(boardCredentials({ BULL_BOARD_USER: 'ops' })).toBeNull();
  });
});

describe('metricsToken', () => {
  it('generates a token the config accepts when none is set, and keeps one that is', () => {
    const made = metricsToken({});
    expect(made.generated).toBe(true);
    expect(made.token).not.toBe(metricsToken({}).token);
    const config = loadConfig({
      MONGODB_URI: 'mongodb://127.0.0.1/x',
      JWT_SECRET: DEV_JWT_SECRET,
      OPENAI_API_KEY: 'k',
      METRICS_TOKEN: made.token,
    });
    expect(config.metrics.token).toBe(made.token);
    expect(metricsToken({ METRICS_TOKEN: 'their-own-metrics-token' })).toEqual({
      token: 'their-own-metrics-token',
      generated: false,
    });
  });
});
