import { VarSpec } from './config.schema';

/** Every setting the api and worker read. `.env.example` is generated from this table (npm run env:example). */
export const VARIABLES = {
  NODE_ENV: {
    kind: { type: 'enum', values: ['development', 'test', 'production'] },
    default: 'development',
    description: 'Runtime mode',
  },
  PORT: {
    kind: { type: 'int', min: 0, max: 65535 },
    default: '3000',
    description: 'HTTP port of the api (0 = any free port)',
  },
  HOST: { kind: { type: 'string' }, default: '0.0.0.0', description: 'Interface the api listens on' },
  MONGODB_URI: {
    kind: { type: 'url', protocols: ['mongodb', 'mongodb+srv'] },
    description: "The main backend's MongoDB, database name included",
    secret: true,
  },
  MONGO_SERVER_SELECTION_TIMEOUT_MS: {
    kind: { type: 'int', min: 500 },
    default: '5000',
    description: 'Longest an operation waits for an unreachable MongoDB before failing (requests then answer 503)',
  },
  REDIS_URL: {
    kind: { type: 'url', protocols: ['redis', 'rediss'] },
    default: 'redis://127.0.0.1:6379',
    description: 'Redis for BullMQ, rate limits and socket fan-out',
    secret: true,
  },
  JWT_SECRET: {
    kind: { type: 'string', minLength: 8 },
    description: 'HS256 secret shared with the main backend',
    secret: true,
  },
  JWT_MAX_LIFETIME_S: {
    kind: { type: 'int', min: 60, max: 315360000 },
    default: '31536000',
    description:
      "Longest token lifetime accepted (exp - iat, in seconds; a token without exp is refused): the main backend's JWT_EXPIRE_IN",
  },
  JWT_ISSUER: {
    kind: { type: 'string' },
    optional: true,
    description: "When set, a token must carry this iss (the main backend's tokens carry none unless it is changed to)",
  },
  JWT_AUDIENCE: {
    kind: { type: 'list' },
    optional: true,
    description: 'When set, comma-separated audiences: a token must carry one of them as aud',
  },
  USER_CACHE_TTL_MS: {
    kind: { type: 'int', min: 0, max: 600000 },
    default: '30000',
    description:
      'How long a user lookup (blocked/deleted check) is cached; open sockets of a blocked or deleted user close within it',
  },
  CORS_ORIGINS: { kind: { type: 'list' }, default: '*', description: "Comma-separated allowed origins, '*' for any" },
  TRUST_PROXY: {
    kind: { type: 'int', min: 0, max: 10 },
    default: '0',
    description:
      'Reverse proxies in front of the api whose X-Forwarded-For to believe (0 = none): the client IP the /health and board sign-in throttles count by',
  },
  HEALTH_RATE_LIMIT: {
    kind: { type: 'int', min: 1 },
    default: '60',
    description: 'GET /health calls one client IP may make per window (all api instances together)',
  },
  HEALTH_RATE_WINDOW_MS: {
    kind: { type: 'int', min: 1000 },
    default: '60000',
    description: 'Length of the /health throttle window',
  },
  LOG_LEVEL: {
    kind: { type: 'enum', values: ['error', 'warn', 'info', 'debug'] },
    default: 'info',
    description: 'Lowest level written to the log (debug adds Nest start-up lines: modules, routes)',
  },
  LOG_FORMAT: {
    kind: { type: 'enum', values: ['auto', 'json', 'pretty'] },
    default: 'auto',
    description: 'Log lines: pretty when stdout is a terminal and JSON otherwise (auto), or always one of them',
  },
  METRICS_TOKEN: {
    kind: { type: 'string', minLength: 16 },
    optional: true,
    description:
      'Bearer token Prometheus sends to GET /metrics (api) and to the worker metrics port; unset = both are off (404)',
    secret: true,
  },
  WORKER_METRICS_PORT: {
    kind: { type: 'int', min: 0, max: 65535 },
    default: '9464',
    description: 'Port of the worker metrics endpoint (GET /metrics, same token), when METRICS_TOKEN is set',
  },
  WORKER_METRICS_HOST: {
    kind: { type: 'string' },
    default: '127.0.0.1',
    description: 'Interface of the worker metrics endpoint (loopback by default; 0.0.0.0 for a remote scraper)',
  },
  BODY_LIMIT: { kind: { type: 'string' }, default: '100kb', description: 'Largest accepted request body' },
  QUEUE_PREFIX: { kind: { type: 'string' }, default: 'fab', description: 'Redis key prefix of every BullMQ queue' },
  WORKER_CONCURRENCY: {
    kind: { type: 'int', min: 1, max: 256 },
    default: '4',
    description: 'Jobs a worker process runs at once per queue',
  },
  WORKER_SHUTDOWN_TIMEOUT_MS: {
    kind: { type: 'int', min: 0 },
    default: '30000',
    description: 'How long shutdown waits for in-flight jobs',
  },
  MODEL_JOBS_PER_WINDOW: {
    kind: { type: 'int', min: 0 },
    default: '0',
    description:
      "Jobs per queue started per window across all workers, to stay under the model's rate limit; 0 = no limit",
  },
  MODEL_JOBS_WINDOW_MS: {
    kind: { type: 'int', min: 100 },
    default: '1000',
    description: 'Window of MODEL_JOBS_PER_WINDOW',
  },
  JOB_LOCK_MS: {
    kind: { type: 'int', min: 1000 },
    default: '30000',
    description: 'Lock a worker holds on an active job; a dead worker releases it after this',
  },
  JOB_STALLED_CHECK_MS: {
    kind: { type: 'int', min: 500 },
    default: '30000',
    description: 'How often workers look for jobs whose worker died, to run them again',
  },
  JOB_ATTEMPTS: {
    kind: { type: 'int', min: 1, max: 20 },
    default: '4',
    description: 'Attempts per job before it is failed',
  },
  JOB_BACKOFF_MS: {
    kind: { type: 'int', min: 0 },
    default: '2000',
    description: 'First retry delay; doubles each attempt',
  },
  JOB_TIMEOUT_MS: { kind: { type: 'int', min: 1000 }, default: '120000', description: 'Longest a single job may run' },
  RECOVERY_SWEEP_MS: {
    kind: { type: 'int', min: 0 },
    default: '60000',
    description:
      'How often each worker looks for accepted work whose job was lost (e.g. Redis restarted without its data) and queues it again; 0 = never',
  },
  RECOVERY_STALE_MS: {
    kind: { type: 'int', min: 1000 },
    default: '120000',
    description: 'How long unfinished work must have been untouched before a recovery sweep checks its job',
  },
  OPENAI_API_KEY: {
    kind: { type: 'string' },
    description: 'API key of the OpenAI-compatible model server',
    secret: true,
  },
  OPENAI_BASE_URL: {
    kind: { type: 'url', protocols: ['http', 'https'] },
    optional: true,
    description: 'Base URL of any OpenAI-compatible server (default: OpenAI)',
  },
  OPENAI_MODEL: { kind: { type: 'string' }, default: 'gpt-4o-mini', description: 'Default model for every task' },
  OPENAI_TASK_MODELS: {
    kind: { type: 'json' },
    default: '{}',
    description: 'Per-task model overrides, e.g. {"chat":"gpt-4o"}',
  },
  OPENAI_TIMEOUT_MS: {
    kind: { type: 'int', min: 1000 },
    default: '60000',
    description: 'Timeout of one model request',
  },
  OPENAI_MAX_RETRIES: {
    kind: { type: 'int', min: 0, max: 10 },
    default: '2',
    description: 'SDK-level retries of a failed model request',
  },
  OPENAI_PRICES: {
    kind: { type: 'json' },
    default: '{}',
    description:
      'USD per 1M tokens by model, e.g. {"gpt-4o-mini":{"input":0.15,"output":0.6}}; added to (and overriding) the built-in prices of common OpenAI models',
  },
  OPENAI_MAX_OUTPUT_TOKENS: {
    kind: { type: 'int', min: 16 },
    default: '1500',
    description:
      'Longest answer of a structured task (report, tips, parsing, title, alert wording); a call reserves its estimated prompt plus this against the caps',
  },
  AI_DAILY_CAP_USD: {
    kind: { type: 'number', min: 0 },
    default: '1',
    description:
      'Model spending in USD one user may cause per local day (TIME_ZONE), all features together; 0 = no money cap',
  },
  AI_DAILY_CAP_TOKENS: {
    kind: { type: 'int', min: 0 },
    default: '500000',
    description: 'Model tokens (in + out) one user may cause per local day, all features together; 0 = no token cap',
  },
  AI_DAILY_FEATURE_CAPS: {
    kind: { type: 'json' },
    default:
      '{"chat":{"usd":0.5,"tokens":200000},"reports":{"usd":0.25,"tokens":100000},"parsing":{"usd":0.1,"tokens":50000},"suggestions":{"usd":0.1,"tokens":50000}}',
    description:
      'Per-user daily caps by feature (chat with its titles, reports, parsing, suggestions), each {"usd","tokens"}; 0 = none, a feature or unit left out keeps its default',
  },
  LLM_OFFLINE_DEMO: {
    kind: { type: 'bool' },
    default: 'false',
    description: 'Set by npm start when no OPENAI_API_KEY: answers come from the offline demo model',
  },
  EXPENSE_CATEGORIES: {
    kind: { type: 'list' },
    default:
      'Groceries,Dining,Transport,Housing,Utilities,Health,Entertainment,Shopping,Subscriptions,Travel,Education,Personal Care,Gifts,Other',
    description: 'Fixed category list for expense parsing',
  },
  BULL_BOARD_USER: {
    kind: { type: 'string' },
    optional: true,
    description: 'Basic-auth user for the /admin/queues dashboard (admins can also use their JWT)',
  },
  BULL_BOARD_PASSWORD: {
    kind: { type: 'string', minLength: 12 },
    optional: true,
    description: 'Basic-auth password for /admin/queues',
    secret: true,
  },
  BULL_BOARD_SESSION_TTL_MS: {
    kind: { type: 'int', min: 60000, max: 43200000 },
    default: '900000',
    description: "How long an admin's board session from the /admin/queues/sign-in page lasts (never past their JWT)",
  },
  BULL_BOARD_AUTH_FAILURE_LIMIT: {
    kind: { type: 'int', min: 1 },
    default: '10',
    description:
      'Wrong board user/password attempts one client IP may make per window; then every basic-auth attempt from it is refused (429) until the window ends',
  },
  BULL_BOARD_AUTH_FAILURE_WINDOW_MS: {
    kind: { type: 'int', min: 1000 },
    default: '900000',
    description: 'Window of the board basic-auth failure throttle',
  },
  ASSISTANT_NAME: { kind: { type: 'string' }, default: 'Reho', description: "The assistant's name in chat" },
  CHAT_MAX_MESSAGE_CHARS: {
    kind: { type: 'int', min: 1, max: 100000 },
    default: '4000',
    description: 'Longest chat message a user may send',
  },
  CHAT_HISTORY_TOKENS: {
    kind: { type: 'int', min: 0 },
    default: '3000',
    description: 'Token budget of earlier turns sent to the model',
  },
  CHAT_MAX_OUTPUT_TOKENS: {
    kind: { type: 'int', min: 16 },
    default: '800',
    description: 'Longest reply the model may write',
  },
  CHAT_RATE_LIMIT: {
    kind: { type: 'int', min: 1 },
    default: '20',
    description:
      'Chat messages a user may send per window (all instances together), at most half of them (rounded up) in any half window',
  },
  CHAT_RATE_WINDOW_MS: {
    kind: { type: 'int', min: 2000 },
    default: '60000',
    description: 'Length of the chat rate-limit window',
  },
  CHAT_STREAM_MAX_EVENTS: {
    kind: { type: 'int', min: 100, max: 1000000 },
    default: '4000',
    description:
      'Deltas of a reply kept in Redis for clients that resume or join late (about this many, the oldest trimmed first)',
  },
  CHAT_STREAM_TTL_S: {
    kind: { type: 'int', min: 10, max: 86400 },
    default: '300',
    description:
      "How long a reply's deltas stay resumable after its last write; also how long a follower waits on a reply whose api instance died",
  },
  CHAT_STREAM_FLUSH_MS: {
    kind: { type: 'int', min: 0, max: 1000 },
    default: '20',
    description:
      "Longest a reply's deltas wait before they are written to Redis for resuming clients, so they leave in batches (0 = every event-loop turn); the live socket is not delayed",
  },
  CHAT_MAX_TOOL_ROUNDS: {
    kind: { type: 'int', min: 0, max: 8 },
    default: '5',
    description:
      'Most model rounds per chat turn that may call tools (ledger look-ups, what-ifs, app help); then the model answers with what it has. 0 = no tools',
  },
  CHAT_ROUND_TRIPS_SAMPLE_MS: {
    kind: { type: 'int', min: 0, max: 3600000 },
    default: '1000',
    description:
      "How often an api instance counts a chat turn's MongoDB round trips before the model (chat_mongo_round_trips_before_model): one turn at a time, at most one per this long, and less often under load (the tracking is on at most 5% of the time), since counting switches on async-context tracking that slows every promise in the process while it runs. 0 = every turn, tracking always on",
  },
  CHAT_REPLY_LOST_AFTER_MS: {
    kind: { type: 'int', min: 1000 },
    default: '120000',
    description:
      'A reply still "streaming" this long after it started is taken as lost with its api instance: the worker marks it failed ("Reply was interrupted") and a resend of its message is answered again. Must exceed OPENAI_TIMEOUT_MS; leave room for OPENAI_MAX_RETRIES and a long reply',
  },
  REPORT_CACHE_WINDOW_MS: {
    kind: { type: 'int', min: 0 },
    default: '3600000',
    description:
      'An identical report request on unchanged data within this window returns the stored report without a model call; 0 = never',
  },
  REPORT_SYNC_WAIT_MS: {
    kind: { type: 'int', min: 0, max: 120000 },
    default: '25000',
    description:
      'How long POST /feedback/optimize-* (the Reho routes) wait for their report before answering 202 with its id to poll; 0 = answer 202 at once, as POST /reports does',
  },
  SNAPSHOT_TTL_S: {
    kind: { type: 'int', min: 0, max: 86400 },
    default: '3600',
    description:
      "Longest a user's financial snapshot stays in Redis; it is used only while the ledger is unchanged and its day lasts. 0 = no cache",
  },
  SNAPSHOT_RECHECK_MS: {
    kind: { type: 'int', min: 0, max: 60000 },
    default: '2000',
    description:
      "After a freshness check found a user's snapshot current, the longest it is trusted without checking again (75-100% of it, at random, so checks made together do not all expire together): a change in the main backend shows within this long. 0 = check on every use",
  },
  REPORTS_RATE_LIMIT: {
    kind: { type: 'int', min: 1 },
    default: '10',
    description: 'POST /reports (and /feedback/*) calls a user may make per window',
  },
  REPORTS_RATE_WINDOW_MS: {
    kind: { type: 'int', min: 2000 },
    default: '3600000',
    description: 'Length of the reports rate-limit window',
  },
  SUGGESTIONS_CRON: {
    kind: { type: 'string' },
    default: '0 6 * * *',
    description: 'When daily suggestions fan out (cron, in TIME_ZONE); one schedule for the whole cluster',
  },
  ALERTS_CRON: {
    kind: { type: 'string' },
    default: '0 5 * * *',
    description: 'When the daily red-flag screening for admin alerts fans out (cron, in TIME_ZONE)',
  },
  FANOUT_BATCH_SIZE: {
    kind: { type: 'int', min: 1, max: 10000 },
    default: '500',
    description: 'Users read and per-user jobs queued per batch by a daily fan-out',
  },
  EXPENSE_PARSE_RATE_LIMIT: {
    kind: { type: 'int', min: 1 },
    default: '30',
    description: 'POST /expenses/parse calls a user may make per window',
  },
  EXPENSE_PARSE_RATE_WINDOW_MS: {
    kind: { type: 'int', min: 2000 },
    default: '60000',
    description: 'Length of the expense-parse rate-limit window',
  },
  SUGGESTIONS_REFRESH_LIMIT: {
    kind: { type: 'int', min: 1 },
    default: '3',
    description: 'POST /suggestions/refresh calls a user may make per window',
  },
  SUGGESTIONS_REFRESH_WINDOW_MS: {
    kind: { type: 'int', min: 2000 },
    default: '3600000',
    description: 'Length of the suggestions refresh rate-limit window',
  },
  TIME_ZONE: {
    kind: { type: 'timezone' },
    default: 'Europe/London',
    description:
      "Time zone of month boundaries, days and daily jobs; the default goes with GBP and en-GB. A user document's own valid timeZone wins for that user's figures (the main backend stores none today)",
  },
  CURRENCY: { kind: { type: 'string' }, default: 'GBP', description: 'ISO currency for formatting' },
  LOCALE: { kind: { type: 'string' }, default: 'en-GB', description: 'Locale for formatting' },
} satisfies Record<string, VarSpec>;

export type VariableName = keyof typeof VARIABLES;
