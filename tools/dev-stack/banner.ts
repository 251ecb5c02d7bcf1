/** What `npm start` prints once the stack is up: what runs where, and what a developer needs to try it. */
import { BoardCredentials } from './dev-settings';

export type MongoSummary =
  | { kind: 'external' }
  | { kind: 'memory-server'; uri: string; dbPath?: string }
  | { kind: 'wire'; uri: string; reason?: string; downloadDir: string };

export type RedisSummary = { kind: 'external' } | { kind: 'found' | 'started'; url: string };

export interface DemoSummary {
  seeded: boolean;
  persistent: boolean;
  user: { email: string; token: string };
  admin: { email: string; token: string };
}

export interface StackSummary {
  mongo: MongoSummary;
  redis: RedisSummary;
  model: { kind: 'remote'; baseURL?: string } | { kind: 'offline-demo' };
  /** JWT_SECRET unset: the public development secret signs and checks tokens. */
  devSecret: boolean;
  apiUrl: string;
  board: BoardCredentials | null;
  metrics: { token: string; generated: boolean };
  /** null: DEMO_DATA=false or the user's own database. */
  demo: DemoSummary | null;
}

const LABEL_WIDTH = 11;

function row(label: string, ...lines: string[]): string[] {
  return lines.map((line, i) => `  ${(i === 0 ? label : '').padEnd(LABEL_WIDTH)}${line}`);
}

function mongoRows(mongo: MongoSummary): string[] {
  switch (mongo.kind) {
    case 'external':
      return row('MongoDB', 'yours (MONGODB_URI)');
    case 'memory-server':
      return row(
        'MongoDB',
        `mongod at ${mongo.uri}, ${mongo.dbPath ? `data kept in ${mongo.dbPath}` : 'data deleted on exit'}`,
      );
    case 'wire':
      return row(
        'MongoDB',
        `IN MEMORY: the wire-protocol stand-in at ${mongo.uri}; data is lost when npm start stops`,
        ...(mongo.reason ? [`(no real mongod: ${mongo.reason})`] : []),
        `For a real one: run npm start with network once (it downloads mongod into ${mongo.downloadDir}),`,
        'or MONGOMS_SYSTEM_BINARY=/path/to/mongod npm start, or MONGODB_URI=... JWT_SECRET=... npm start',
      );
  }
}

function redisRows(redis: RedisSummary): string[] {
  switch (redis.kind) {
    case 'external':
      return row('Redis', 'yours (REDIS_URL)');
    case 'found':
      return row('Redis', `${redis.url} (already running on this machine)`);
    case 'started':
      return row('Redis', `${redis.url} (redis-server started by npm start, nothing saved)`);
  }
}

export function formatBanner(s: StackSummary): string {
  const rule = '-'.repeat(100);
  const lines = [
    '',
    rule,
    '  finance-ai-brain development stack is up. Ctrl+C stops everything.',
    '',
    ...mongoRows(s.mongo),
    ...redisRows(s.redis),
    ...(s.model.kind === 'offline-demo'
      ? row('Model', 'OFFLINE DEMO MODEL: canned answers, not AI. Set OPENAI_API_KEY for a real model.')
      : row('Model', `${s.model.baseURL ?? 'OpenAI'} (OPENAI_API_KEY)`)),
    ...row('JWT', s.devSecret ? 'development secret (public: fit for the demo data only)' : 'yours (JWT_SECRET)'),
    '',
    ...row('API', s.apiUrl, `health ${s.apiUrl}/health`),
    ...row('Docs', `${s.apiUrl}/docs`),
    ...row('Playground', `${s.apiUrl}/playground`),
    ...row(
      'Board',
      `${s.apiUrl}/admin/queues`,
      ...(s.board?.generated
        ? [`user ${s.board.user}  password ${s.board.password}  (generated; set BULL_BOARD_USER/PASSWORD to choose)`]
        : s.board
          ? ['BULL_BOARD_USER / BULL_BOARD_PASSWORD (yours)']
          : []),
    ),
    ...row(
      'Metrics',
      `curl -H "authorization: Bearer ${s.metrics.generated ? s.metrics.token : '$METRICS_TOKEN'}" ${s.apiUrl}/metrics`,
    ),
  ];
  if (s.demo) {
    const where = s.demo.persistent
      ? s.demo.seeded
        ? 'seeded, kept for the next start'
        : 'kept from an earlier start'
      : 'seeded, in memory';
    lines.push(
      '',
      ...row(
        'Demo data',
        `${where} (DEMO_DATA=false to skip). Tokens valid 7 days, as $T and $A in the README examples:`,
      ),
      `    export T=${s.demo.user.token}   # user  ${s.demo.user.email}`,
      `    export A=${s.demo.admin.token}   # admin ${s.demo.admin.email}`,
    );
  }
  lines.push(rule, '');
  return lines.join('\n');
}
