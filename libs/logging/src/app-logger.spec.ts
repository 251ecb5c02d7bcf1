import { AppLogger } from './app-logger';

function capture(level: 'info' | 'debug' = 'info') {
  const lines: any[] = [];
  const logger = new AppLogger('api', level, (l) => lines.push(JSON.parse(l)));
  return { logger, lines };
}

describe('AppLogger', () => {
  it('writes one JSON object per line with time, level, service and fields', () => {
    const { logger, lines } = capture();
    logger.event('info', 'job.completed', { queue: 'titles', ms: 12 });
    expect(lines).toEqual([
      { time: expect.any(String), level: 'info', service: 'api', msg: 'job.completed', queue: 'titles', ms: 12 },
    ]);
  });

  it('never writes tokens, secrets, prompts or credentials', () => {
    const { logger, lines } = capture();
    const jwtLike = 'eyJhbGciOiJIUzI1NiJ9.eyJpZCI6IjEifQ.c2lnbmF0dXJl';
    logger.event('info', `auth header Bearer ${jwtLike}`, {
      authorization: `Bearer ${jwtLike}`,
      nested: { apiKey: 'sk-live-123', prompt: 'You are Reho', url: 'redis://user:hunter2@host:6379' },
      note: `token=${jwtLike}`,
    });
    const text = JSON.stringify(lines);
    expect(text).not.toContain(jwtLike);
    expect(text).not.toContain('sk-live-123');
    expect(text).not.toContain('You are Reho');
    expect(text).not.toContain('hunter2');
    expect(lines[0].nested.url).toBe('redis://user:[redacted]@host:6379');
  });

  it('drops Nest stack traces and keeps the context', () => {
    const { logger, lines } = capture('debug');
    logger.error('boom', 'Error: boom\n    at Object.<anonymous> (/app/x.js:1:1)', 'ExceptionsHandler');
    expect(lines[0]).toMatchObject({ level: 'error', msg: 'boom', context: 'ExceptionsHandler' });
    expect(JSON.stringify(lines[0])).not.toContain('x.js');
  });

  it('filters below the configured level', () => {
    const { logger, lines } = capture('info');
    logger.debug('noise');
    logger.warn('careful');
    expect(lines.map((l) => l.level)).toEqual(['warn']);
  });
});
