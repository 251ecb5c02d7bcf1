import { formatBanner, StackSummary } from './banner';

const base: StackSummary = {
  mongo: { kind: 'memory-server', uri: 'mongodb://127.0.0.1:40001/finance', dbPath: '.data/mongo' },
  redis: { kind: 'found', url: 'redis://127.0.0.1:6379' },
  model: { kind: 'offline-demo' },
  devSecret: true,
  apiUrl: 'http://localhost:3000',
  board: { user: 'board', password: 'generated-password-123', generated: true },
  metrics: { token: 'generated-metrics-token', generated: true },
  demo: {
    seeded: false,
    persistent: true,
    user: { email: 'demo@example.com', token: 'user.jwt.token' },
    admin: { email: 'admin@example.com', token: 'admin.jwt.token' },
  },
};

describe('formatBanner', () => {
  it('says what runs where and what to open, with the generated board login and paste-ready tokens', () => {
    const text = formatBanner(base);
    expect(text).toContain('mongod at mongodb://127.0.0.1:40001/finance, data kept in .data/mongo');
    expect(text).toContain('redis://127.0.0.1:6379 (already running on this machine)');
    expect(text).toContain('OFFLINE DEMO MODEL: canned answers, not AI');
    for (const url of ['/docs', '/playground', '/admin/queues', '/health']) {
      expect(text).toContain(`http://localhost:3000${url}`);
    }
    expect(text).toContain('user board  password generated-password-123');
    expect(text).toContain('kept from an earlier start');
    expect(text).toContain('curl -H "authorization: Bearer generated-metrics-token" http://localhost:3000/metrics');
    expect(text).toContain('export T=user.jwt.token   # user  demo@example.com');
    expect(text).toContain('export A=admin.jwt.token   # admin admin@example.com');
  });

  it('announces the in-memory stand-in, why, and how to get a real MongoDB', () => {
    const text = formatBanner({
      ...base,
      mongo: {
        kind: 'wire',
        uri: 'mongodb://127.0.0.1:40002/finance',
        reason: 'mongod download failed',
        downloadDir: '.data/x',
      },
    });
    expect(text).toContain('IN MEMORY');
    expect(text).toContain('data is lost when npm start stops');
    expect(text).toContain('(no real mongod: mongod download failed)');
    expect(text).toContain('downloads mongod into .data/x');
    expect(text).toContain('MONGOMS_SYSTEM_BINARY=/path/to/mongod');
    expect(text).toContain('MONGODB_URI=... JWT_SECRET=...');
  });

  it("never prints the user's own secrets or service addresses", () => {
    const text = formatBanner({
      ...base,
      mongo: { kind: 'external' },
      redis: { kind: 'external' },
      model: { kind: 'remote', baseURL: 'https://api.openai.com/v1' },
      devSecret: false,
      board: { user: 'ops', password: 'their-own-password', generated: false },
      metrics: { token: 'their-metrics-token', generated: false },
      demo: null,
    });
    expect(text).toContain('yours (MONGODB_URI)');
    expect(text).toContain('yours (REDIS_URL)');
    expect(text).toContain('yours (JWT_SECRET)');
    expect(text).not.toContain('their-own-password');
    expect(text).not.toContain('their-metrics-token');
    expect(text).not.toContain('OFFLINE');
    expect(text).not.toContain('export T=');
  });
});
