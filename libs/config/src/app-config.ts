import { ConfigError, parseVar, VarSpec } from './config.schema';
import { BUILT_IN_MODEL_PRICES } from './model-prices';
import { assertProductionSafe } from './production-guard';
import { assertMoneyCapsPriced, parseFeatureCaps, SpendingCapsConfig } from './spending-caps-config';
import { VARIABLES } from './variables';

export interface AppConfig {
  env: 'development' | 'test' | 'production';
  /** trustProxy: how many reverse proxies' X-Forwarded-For hops to believe for the client IP (0 = none). */
  http: { port: number; host: string; corsOrigins: string[]; bodyLimit: string; trustProxy: number };
  /** GET /health calls per client IP per window. */
  health: { rateLimit: number; rateWindowMs: number };
  mongo: { uri: string; serverSelectionTimeoutMs: number };
  redis: { url: string };
  auth: {
    jwtSecret: string;
    userCacheTtlMs: number;
    /** Longest exp - iat accepted, in seconds. */
    maxTokenLifetimeS: number;
    /** null = not checked. */
    issuer: string | null;
    audience: string[] | null;
  };
  log: { level: 'error' | 'warn' | 'info' | 'debug'; format: 'auto' | 'json' | 'pretty' };
  /** token null = /metrics (api) and the worker's metrics endpoint are off. */
  metrics: { token: string | null; workerPort: number; workerHost: string };
  queue: {
    prefix: string;
    concurrency: number;
    shutdownTimeoutMs: number;
    attempts: number;
    backoffMs: number;
    jobTimeoutMs: number;
    /** Worker-side limiter for the model's rate limit (per queue, shared by all workers); null = none. */
    modelLimiter: { max: number; duration: number } | null;
    lockMs: number;
    stalledCheckMs: number;
  };
  /** The worker's sweep for accepted work whose job was lost; sweepMs 0 = off. */
  recovery: { sweepMs: number; staleMs: number };
  llm: {
    apiKey: string;
    baseURL?: string;
    defaultModel: string;
    taskModels: Record<string, string>;
    timeoutMs: number;
    maxRetries: number;
    /** The built-in prices with OPENAI_PRICES over them. */
    prices: Record<string, { input: number; output: number }>;
    offlineDemo: boolean;
    /** max_tokens of structured tasks, and what their calls reserve for the answer. */
    maxOutputTokens: number;
  };
  /** Per-user daily model spending caps, counted in Redis per local day of locale.timeZone. */
  caps: SpendingCapsConfig;
  expenses: { categories: string[]; rateLimit: number; rateWindowMs: number };
  queueBoard: {
    basicAuth: { user: string; password: string } | null;
    sessionTtlMs: number;
    /** Wrong basic-auth attempts one client IP may make per window before it is refused outright. */
    authFailureLimit: number;
    authFailureWindowMs: number;
  };
  chat: {
    assistantName: string;
    maxMessageChars: number;
    historyTokens: number;
    maxOutputTokens: number;
    rateLimit: number;
    rateWindowMs: number;
    /** MAXLEN (approximate) of a reply's delta stream in Redis. */
    streamMaxEvents: number;
    /** Seconds a reply's stream lives after its last write. */
    streamTtlS: number;
    /** Longest deltas wait before they are written to the stream, batched. */
    streamFlushMs: number;
    /** A reply still streaming this long after it started lost its api instance (always > llm.timeoutMs). */
    replyLostAfterMs: number;
    maxToolRounds: number;
    /** CHAT_ROUND_TRIPS_SAMPLE_MS: 0 counts every turn. */
    roundTripsSampleMs: number;
  };
  /** syncWaitMs: how long the Reho /feedback routes wait for their report (0: answer 202 at once). */
  reports: { cacheWindowMs: number; rateLimit: number; rateWindowMs: number; syncWaitMs: number };
  /** The cached financial snapshot per user (FinancialSnapshotService); ttlS 0 = no cache. */
  snapshots: { ttlS: number; recheckMs: number };
  /** Daily jobs: cron patterns are read in locale.timeZone. */
  daily: { suggestionsCron: string; alertsCron: string; fanOutBatchSize: number };
  suggestions: { refreshLimit: number; refreshWindowMs: number };
  locale: { timeZone: string; currency: string; locale: string };
}

type Env = Record<string, string | undefined>;

function isStringMap(v: unknown): v is Record<string, string> {
  return !!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
}

function isPriceTable(v: unknown): v is AppConfig['llm']['prices'] {
  return (
    !!v &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    Object.values(v).every(
      (p) =>
        !!p && typeof p === 'object' && typeof (p as any).input === 'number' && typeof (p as any).output === 'number',
    )
  );
}

// Five fields (minute first) or six (seconds first), in the syntax BullMQ's cron parser reads.
const CRON_PATTERN = /^[\w*?,/#-]+(\s+[\w*?,/#-]+){4,5}$/;

/** Parses and validates the environment; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): AppConfig {
  const read = <T>(name: keyof typeof VARIABLES): T => parseVar(name, VARIABLES[name] as VarSpec, env[name]) as T;
  // First, so a production start with a development setting is refused for that reason whatever else is wrong.
  const nodeEnv = read<AppConfig['env']>('NODE_ENV');
  if (nodeEnv === 'production') {
    assertProductionSafe({
      jwtSecret: read('JWT_SECRET'),
      apiKey: read('OPENAI_API_KEY'),
      offlineDemo: read('LLM_OFFLINE_DEMO'),
    });
  }

  const taskModels = read<unknown>('OPENAI_TASK_MODELS');
  if (!isStringMap(taskModels))
    throw new ConfigError('OPENAI_TASK_MODELS', 'must be a JSON object of task -> model name');
  const prices = read<unknown>('OPENAI_PRICES');
  if (!isPriceTable(prices)) {
    throw new ConfigError('OPENAI_PRICES', 'must be a JSON object of model -> {"input": number, "output": number}');
  }
  const priceTable = { ...BUILT_IN_MODEL_PRICES, ...prices };
  if (env.CHAT_DAILY_TOKEN_BUDGET?.trim())
    throw new ConfigError(
      'CHAT_DAILY_TOKEN_BUDGET',
      'was replaced by AI_DAILY_FEATURE_CAPS ({"chat":{"tokens":N}}), which also caps money and the other features; remove it',
    );
  const caps: SpendingCapsConfig = {
    overall: { usd: read('AI_DAILY_CAP_USD'), tokens: read('AI_DAILY_CAP_TOKENS') },
    features: parseFeatureCaps(read('AI_DAILY_FEATURE_CAPS'), JSON.parse(VARIABLES.AI_DAILY_FEATURE_CAPS.default)),
  };
  if (nodeEnv === 'production')
    assertMoneyCapsPriced([read<string>('OPENAI_MODEL'), ...Object.values(taskModels)], priceTable, caps);
  const categories = read<string[]>('EXPENSE_CATEGORIES');
  if (categories.length === 0) throw new ConfigError('EXPENSE_CATEGORIES', 'must list at least one category');
  const currency = read<string>('CURRENCY');
  if (!/^[A-Z]{3}$/.test(currency)) throw new ConfigError('CURRENCY', `must be a 3-letter ISO code, got "${currency}"`);
  for (const name of ['SUGGESTIONS_CRON', 'ALERTS_CRON'] as const) {
    const pattern = read<string>(name);
    if (!CRON_PATTERN.test(pattern))
      throw new ConfigError(name, `must be a cron pattern such as "0 6 * * *", got "${pattern}"`);
  }
  const locale = read<string>('LOCALE');
  try {
    new Intl.NumberFormat(locale);
  } catch {
    throw new ConfigError('LOCALE', `must be a BCP 47 locale, got "${locale}"`);
  }

  // The worker fails replies still "streaming" this long after they started, taking their api instance for dead: a
  // threshold within one model request's timeout would fail replies whose model call is still under way.
  const replyLostAfterMs = read<number>('CHAT_REPLY_LOST_AFTER_MS');
  const modelTimeoutMs = read<number>('OPENAI_TIMEOUT_MS');
  if (replyLostAfterMs <= modelTimeoutMs)
    throw new ConfigError(
      'CHAT_REPLY_LOST_AFTER_MS',
      `must be longer than OPENAI_TIMEOUT_MS (${modelTimeoutMs}), got ${replyLostAfterMs}: a reply still waiting on the model would be marked interrupted`,
    );

  const boardUser = read<string | undefined>('BULL_BOARD_USER');
  const boardPassword = read<string | undefined>('BULL_BOARD_PASSWORD');
  if (!boardUser !== !boardPassword)
    throw new ConfigError(boardUser ? 'BULL_BOARD_PASSWORD' : 'BULL_BOARD_USER', 'must be set together with its pair');

  return {
    env: nodeEnv,
    http: {
      port: read('PORT'),
      host: read('HOST'),
      corsOrigins: read('CORS_ORIGINS'),
      bodyLimit: read('BODY_LIMIT'),
      trustProxy: read('TRUST_PROXY'),
    },
    health: { rateLimit: read('HEALTH_RATE_LIMIT'), rateWindowMs: read('HEALTH_RATE_WINDOW_MS') },
    mongo: { uri: read('MONGODB_URI'), serverSelectionTimeoutMs: read('MONGO_SERVER_SELECTION_TIMEOUT_MS') },
    redis: { url: read('REDIS_URL') },
    auth: {
      jwtSecret: read('JWT_SECRET'),
      userCacheTtlMs: read('USER_CACHE_TTL_MS'),
      maxTokenLifetimeS: read('JWT_MAX_LIFETIME_S'),
      issuer: read<string | undefined>('JWT_ISSUER') ?? null,
      audience: read<string[] | undefined>('JWT_AUDIENCE') ?? null,
    },
    log: { level: read('LOG_LEVEL'), format: read('LOG_FORMAT') },
    metrics: {
      token: read<string | undefined>('METRICS_TOKEN') ?? null,
      workerPort: read('WORKER_METRICS_PORT'),
      workerHost: read('WORKER_METRICS_HOST'),
    },
    queue: {
      prefix: read('QUEUE_PREFIX'),
      concurrency: read('WORKER_CONCURRENCY'),
      shutdownTimeoutMs: read('WORKER_SHUTDOWN_TIMEOUT_MS'),
      attempts: read('JOB_ATTEMPTS'),
      backoffMs: read('JOB_BACKOFF_MS'),
      jobTimeoutMs: read('JOB_TIMEOUT_MS'),
      lockMs: read('JOB_LOCK_MS'),
      stalledCheckMs: read('JOB_STALLED_CHECK_MS'),
      modelLimiter:
        read<number>('MODEL_JOBS_PER_WINDOW') > 0
          ? { max: read('MODEL_JOBS_PER_WINDOW'), duration: read('MODEL_JOBS_WINDOW_MS') }
          : null,
    },
    recovery: { sweepMs: read('RECOVERY_SWEEP_MS'), staleMs: read('RECOVERY_STALE_MS') },
    llm: {
      apiKey: read('OPENAI_API_KEY'),
      baseURL: read('OPENAI_BASE_URL'),
      defaultModel: read('OPENAI_MODEL'),
      taskModels,
      timeoutMs: read('OPENAI_TIMEOUT_MS'),
      maxRetries: read('OPENAI_MAX_RETRIES'),
      prices: priceTable,
      offlineDemo: read('LLM_OFFLINE_DEMO'),
      maxOutputTokens: read('OPENAI_MAX_OUTPUT_TOKENS'),
    },
    caps,
    expenses: {
      categories,
      rateLimit: read('EXPENSE_PARSE_RATE_LIMIT'),
      rateWindowMs: read('EXPENSE_PARSE_RATE_WINDOW_MS'),
    },
    queueBoard: {
      basicAuth: boardUser && boardPassword ? { user: boardUser, password: boardPassword } : null,
      sessionTtlMs: read('BULL_BOARD_SESSION_TTL_MS'),
      authFailureLimit: read('BULL_BOARD_AUTH_FAILURE_LIMIT'),
      authFailureWindowMs: read('BULL_BOARD_AUTH_FAILURE_WINDOW_MS'),
    },
    chat: {
      assistantName: read('ASSISTANT_NAME'),
      maxMessageChars: read('CHAT_MAX_MESSAGE_CHARS'),
      historyTokens: read('CHAT_HISTORY_TOKENS'),
      maxOutputTokens: read('CHAT_MAX_OUTPUT_TOKENS'),
      rateLimit: read('CHAT_RATE_LIMIT'),
      rateWindowMs: read('CHAT_RATE_WINDOW_MS'),
      streamMaxEvents: read('CHAT_STREAM_MAX_EVENTS'),
      streamTtlS: read('CHAT_STREAM_TTL_S'),
      streamFlushMs: read('CHAT_STREAM_FLUSH_MS'),
      replyLostAfterMs,
      maxToolRounds: read('CHAT_MAX_TOOL_ROUNDS'),
      roundTripsSampleMs: read('CHAT_ROUND_TRIPS_SAMPLE_MS'),
    },
    reports: {
      cacheWindowMs: read('REPORT_CACHE_WINDOW_MS'),
      rateLimit: read('REPORTS_RATE_LIMIT'),
      rateWindowMs: read('REPORTS_RATE_WINDOW_MS'),
      syncWaitMs: read('REPORT_SYNC_WAIT_MS'),
    },
    snapshots: { ttlS: read('SNAPSHOT_TTL_S'), recheckMs: read('SNAPSHOT_RECHECK_MS') },
    daily: {
      suggestionsCron: read('SUGGESTIONS_CRON'),
      alertsCron: read('ALERTS_CRON'),
      fanOutBatchSize: read('FANOUT_BATCH_SIZE'),
    },
    suggestions: {
      refreshLimit: read('SUGGESTIONS_REFRESH_LIMIT'),
      refreshWindowMs: read('SUGGESTIONS_REFRESH_WINDOW_MS'),
    },
    locale: { timeZone: read('TIME_ZONE'), currency, locale },
  };
}

/** Start-up entry: one clear line naming the bad variable, then exit, instead of a stack trace. */
export function loadConfigOrExit(env: Env = process.env): AppConfig {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
