import { AppLogger, LogLevel } from './app-logger';
import { resolveFormat } from './log-destination';

function capture(level: LogLevel = 'info') {
  const raw: string[] = [];
  const logger = new AppLogger('api', level, { format: 'json', write: (l) => raw.push(l) });
  return { logger, raw, lines: () => raw.map((l) => JSON.parse(l)) };
}

function capturePretty(level: LogLevel = 'info') {
  const raw: string[] = [];
  const logger = new AppLogger('worker', level, { format: 'pretty', write: (l) => raw.push(l), colorize: false });
  return { logger, raw };
}

const JWT_LIKE = 'eyJhbGciOiJIUzI1NiJ9.eyJpZCI6IjEifQ.c2lnbmF0dXJl';

/** Everything a log line must never carry, logged every way a caller might. */
function logEverythingSensitive(logger: AppLogger): void {
  logger.event('info', `auth header Bearer ${JWT_LIKE}`, {
    authorization: `Bearer ${JWT_LIKE}`,
    nested: { apiKey: 'sk-live-123', prompt: 'You are Reho', url: 'redis://user:hunter2@host:6379' },
    note: `token=${JWT_LIKE}`,
    messages: [{ role: 'user', content: 'my salary is 4321' }],
    text: 'Bought groceries at Walmart for $45.50',
    userText: 'I owe my brother 900',
    reply: 'You spent 45.50 on groceries',
    delta: 'You spent',
    title: 'Debts to family',
    url: `/chat?token=${JWT_LIKE}&x=1`,
    cause: 'model rejected key sk-proj-abcdefgh1234',
  });
  logger.log({ msg: 'object message', password: 'p4ssw0rd-object', body: 'raw body text 777' }, 'SomeContext');
  logger.warn(new Error(`upstream said Bearer ${JWT_LIKE}`), 'ModelClient');
  logger.error(
    'boom',
    'Error: boom\n    at handler (/app/secret-path/x.js:1:1) prompt=You are Reho',
    'ExceptionsHandler',
  );
}

const NEVER = [
  JWT_LIKE,
  'sk-live-123',
  'sk-proj-abcdefgh1234',
  'You are Reho',
  'hunter2',
  'my salary is 4321',
  'Walmart',
  'I owe my brother',
  'You spent',
  'Debts to family',
  'p4ssw0rd-object',
  'raw body text 777',
  'secret-path',
];

describe('AppLogger (pino)', () => {
  it('writes one JSON object per line with time, level, service, message and fields', () => {
    const { logger, lines } = capture();
    logger.event('info', 'job.completed', { queue: 'titles', ms: 12 });
    expect(lines()).toEqual([
      { time: expect.any(String), level: 'info', service: 'api', msg: 'job.completed', queue: 'titles', ms: 12 },
    ]);
    expect(new Date(lines()[0].time).toISOString()).toBe(lines()[0].time);
  });

  it('never writes tokens, secrets, prompts, replies or user-typed text in JSON lines', () => {
    const { logger, raw, lines } = capture('debug');
    logEverythingSensitive(logger);
    const text = raw.join('\n');
    for (const secret of NEVER) expect(text).not.toContain(secret);
    const [event] = lines();
    expect(event.nested.url).toBe('redis://user:[redacted]@host:6379');
    expect(event.url).toBe('/chat?token=[redacted]&x=1');
    expect(event.text).toBe('[redacted]');
  });

  it('never writes them in pretty lines either', () => {
    const { logger, raw } = capturePretty('debug');
    logEverythingSensitive(logger);
    expect(raw).toHaveLength(4);
    for (const secret of NEVER) expect(raw.join('\n')).not.toContain(secret);
  });

  it('keeps fields that only look like user text (context, ids, counts)', () => {
    const { logger, lines } = capture();
    logger.event('warn', 'job.failed', { context: 'TitleProcessor', conversationId: 'c1', attemptsMade: 2 });
    expect(lines()[0]).toMatchObject({ context: 'TitleProcessor', conversationId: 'c1', attemptsMade: 2 });
  });

  it('writes short single pretty lines: time, level, service, context, message, key=value fields', () => {
    const { logger, raw } = capturePretty();
    logger.event('info', 'http.request', { method: 'GET', route: '/conversations/:id', status: 200, ms: 3.5 });
    logger.warn('slow start', 'Bootstrap');
    expect(raw).toHaveLength(2);
    expect(raw[0]).toMatch(
      /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: worker http\.request method=GET route=\/conversations\/:id status=200 ms=3\.5$/,
    );
    expect(raw[1]).toMatch(/WARN: worker \[Bootstrap\] slow start$/);
    expect(raw.join('')).not.toMatch(/[{}]|\n/);
  });

  it('chooses pretty for a terminal and JSON otherwise, unless told', () => {
    const isTTY = process.stdout.isTTY;
    try {
      (process.stdout as { isTTY?: boolean }).isTTY = true;
      expect(resolveFormat('auto')).toBe('pretty');
      expect(resolveFormat('json')).toBe('json');
      (process.stdout as { isTTY?: boolean }).isTTY = false;
      expect(resolveFormat('auto')).toBe('json');
      expect(resolveFormat('pretty')).toBe('pretty');
    } finally {
      (process.stdout as { isTTY?: boolean }).isTTY = isTTY;
    }
  });

  it("writes Nest's module-initialisation lines at debug, and its warnings as they are", () => {
    const boot: [string, string][] = [
      ['Starting Nest application...', 'NestFactory'],
      ['ApiModule dependencies initialized', 'InstanceLoader'],
      ['ChatMessagesController {/chat/messages}:', 'RoutesResolver'],
      ['Mapped {/chat/messages, POST} route', 'RouterExplorer'],
      ['ChatGateway subscribed to the "message:send" message', 'WebSocketsController'],
      ['Nest application successfully started', 'NestApplication'],
    ];
    const quiet = capture('info');
    for (const [message, context] of boot) quiet.logger.log(message, context);
    quiet.logger.warn('Unsupported route path', 'RouterExplorer');
    quiet.logger.log('worker.ready', 'Bootstrap');
    expect(quiet.lines().map((l) => [l.level, l.msg])).toEqual([
      ['warn', 'Unsupported route path'],
      ['info', 'worker.ready'],
    ]);

    const verbose = capture('debug');
    for (const [message, context] of boot) verbose.logger.log(message, context);
    expect(verbose.lines().map((l) => [l.level, l.context, l.msg])).toEqual(
      boot.map(([message, context]) => ['debug', context, message]),
    );
  });

  it('drops Nest stack traces and keeps the context', () => {
    const { logger, lines } = capture('debug');
    logger.error('boom', 'Error: boom\n    at Object.<anonymous> (/app/x.js:1:1)', 'ExceptionsHandler');
    expect(lines()[0]).toMatchObject({ level: 'error', msg: 'boom', context: 'ExceptionsHandler' });
    expect(JSON.stringify(lines()[0])).not.toContain('x.js');
  });

  it('filters below the configured level, and follows a level change', () => {
    const { logger, lines } = capture('info');
    logger.debug('noise');
    logger.warn('careful');
    logger.setLevel('debug');
    logger.verbose('detail');
    expect(lines().map((l) => l.level)).toEqual(['warn', 'debug']);
  });

  it('does not let a field named like a built-in key repeat it', () => {
    const { logger, raw } = capture();
    logger.event('info', 'real message', { msg: 'other', level: 'bogus', time: 1, service: 'x', queue: 'q' });
    expect(JSON.parse(raw[0])).toMatchObject({ msg: 'real message', level: 'info', service: 'api', queue: 'q' });
    expect(raw[0].match(/"msg"/g)).toHaveLength(1);
    expect(raw[0].match(/"level"/g)).toHaveLength(1);
  });
});
