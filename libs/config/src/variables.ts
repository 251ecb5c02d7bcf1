import { VarSpec } from './config.schema';

/** Every setting the api and worker read. `.env.example` is generated from this table (npm run env:example). */
export const VARIABLES = {
  NODE_ENV: { kind: { type: 'enum', values: ['development', 'test', 'production'] }, default: 'development', description: 'Runtime mode' },
  PORT: { kind: { type: 'int', min: 0, max: 65535 }, default: '3000', description: 'HTTP port of the api (0 = any free port)' },
  HOST: { kind: { type: 'string' }, default: '0.0.0.0', description: 'Interface the api listens on' },
  MONGODB_URI: { kind: { type: 'url', protocols: ['mongodb', 'mongodb+srv'] }, description: "The main backend's MongoDB, database name included", secret: true },
  REDIS_URL: { kind: { type: 'url', protocols: ['redis', 'rediss'] }, default: 'redis://127.0.0.1:6379', description: 'Redis for BullMQ, rate limits and socket fan-out', secret: true },
  JWT_SECRET: { kind: { type: 'string', minLength: 8 }, description: 'HS256 secret shared with the main backend', secret: true },
  USER_CACHE_TTL_MS: { kind: { type: 'int', min: 0, max: 600000 }, default: '30000', description: 'How long a user lookup (blocked/deleted check) is cached' },
  CORS_ORIGINS: { kind: { type: 'list' }, default: '*', description: "Comma-separated allowed origins, '*' for any" },
  LOG_LEVEL: { kind: { type: 'enum', values: ['error', 'warn', 'info', 'debug'] }, default: 'info', description: 'Lowest level written to the JSON log' },
  BODY_LIMIT: { kind: { type: 'string' }, default: '100kb', description: 'Largest accepted request body' },
  QUEUE_PREFIX: { kind: { type: 'string' }, default: 'fab', description: 'Redis key prefix of every BullMQ queue' },
  WORKER_CONCURRENCY: { kind: { type: 'int', min: 1, max: 256 }, default: '4', description: 'Jobs a worker process runs at once per queue' },
  WORKER_SHUTDOWN_TIMEOUT_MS: { kind: { type: 'int', min: 0 }, default: '30000', description: 'How long shutdown waits for in-flight jobs' },
  JOB_ATTEMPTS: { kind: { type: 'int', min: 1, max: 20 }, default: '4', description: 'Attempts per job before it is failed' },
  JOB_BACKOFF_MS: { kind: { type: 'int', min: 0 }, default: '2000', description: 'First retry delay; doubles each attempt' },
  JOB_TIMEOUT_MS: { kind: { type: 'int', min: 1000 }, default: '120000', description: 'Longest a single job may run' },
  OPENAI_API_KEY: { kind: { type: 'string' }, description: 'API key of the OpenAI-compatible model server', secret: true },
  OPENAI_BASE_URL: { kind: { type: 'url', protocols: ['http', 'https'] }, optional: true, description: 'Base URL of any OpenAI-compatible server (default: OpenAI)' },
  OPENAI_MODEL: { kind: { type: 'string' }, default: 'gpt-4o-mini', description: 'Default model for every task' },
  OPENAI_TASK_MODELS: { kind: { type: 'json' }, default: '{}', description: 'Per-task model overrides, e.g. {"chat":"gpt-4o"}' },
  OPENAI_TIMEOUT_MS: { kind: { type: 'int', min: 1000 }, default: '60000', description: 'Timeout of one model request' },
  OPENAI_MAX_RETRIES: { kind: { type: 'int', min: 0, max: 10 }, default: '2', description: 'SDK-level retries of a failed model request' },
  OPENAI_PRICES: { kind: { type: 'json' }, default: '{}', description: 'USD per 1M tokens by model, e.g. {"gpt-4o-mini":{"input":0.15,"output":0.6}}' },
  LLM_OFFLINE_DEMO: { kind: { type: 'bool' }, default: 'false', description: 'Set by npm start when no OPENAI_API_KEY: answers come from the offline demo model' },
  EXPENSE_CATEGORIES: { kind: { type: 'list' }, default: 'Groceries,Dining,Transport,Housing,Utilities,Health,Entertainment,Shopping,Subscriptions,Travel,Education,Personal Care,Gifts,Other', description: 'Fixed category list for expense parsing' },
  TIME_ZONE: { kind: { type: 'timezone' }, default: 'UTC', description: 'Time zone of month boundaries' },
  CURRENCY: { kind: { type: 'string' }, default: 'GBP', description: 'ISO currency for formatting' },
  LOCALE: { kind: { type: 'string' }, default: 'en-GB', description: 'Locale for formatting' },
} satisfies Record<string, VarSpec>;

export type VariableName = keyof typeof VARIABLES;
