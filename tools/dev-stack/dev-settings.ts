/**
 * The settings `npm start` decides before it starts anything: whether it may use the development JWT secret, and
 * the Bull Board credentials and metrics token it generates.
 */
import { randomBytes } from 'node:crypto';
import { DEV_JWT_SECRET } from '@app/config';

type Env = Record<string, string | undefined>;

/** The settings that hand npm start a service it did not start: the user's own data lives there. */
const USER_SERVICES = ['MONGODB_URI', 'REDIS_URL'] as const;

/**
 * The development secret is public, so it may only guard what npm start made itself. Named by the user means not
 * embedded: MONGODB_URI or REDIS_URL (even a loopback one) needs a JWT_SECRET that is not the development one. A Redis
 * npm start merely finds on 127.0.0.1:6379 without being told is treated like one it started: it is this machine's,
 * and the data the secret guards lives in MongoDB.
 * Returns the message to refuse with, or null when it is safe to go on.
 */
export function secretRefusal(env: Env): string | null {
  const named = USER_SERVICES.filter((name) => env[name]?.trim());
  const secret = env.JWT_SECRET?.trim();
  if (named.length === 0 || (secret && secret !== DEV_JWT_SECRET)) return null;
  const what = named.join(' and ');
  const problem = secret ? 'JWT_SECRET is the public development secret' : 'JWT_SECRET is not set';
  return [
    `npm start refused: ${what} ${named.length > 1 ? 'point' : 'points'} at a service npm start did not start, and ${problem}.`,
    'The development secret is public: with it anyone could sign a token for any user whose data is there.',
    `Set the secret your main backend signs tokens with:  JWT_SECRET=... npm start`,
    `or unset ${what} to run on the embedded services with demo data.`,
  ].join('\n');
}

export interface BoardCredentials {
  user: string;
  password: string;
  /** True when npm start made them up (then printing the password is how the developer learns it). */
  generated: boolean;
}

/** BULL_BOARD_USER/PASSWORD as set, else a fresh pair (the password is 24 random URL-safe characters). */
export function boardCredentials(env: Env): BoardCredentials | null {
  const user = env.BULL_BOARD_USER?.trim();
  const password = env.BULL_BOARD_PASSWORD?.trim();
  if (user || password) return user && password ? { user, password, generated: false } : null;
  return { user: 'board', password: randomBytes(18).toString('base64url'), generated: true };
}

/** METRICS_TOKEN as set, else a fresh one, so /metrics can be tried at once. */
export function metricsToken(env: Env): { token: string; generated: boolean } {
  const token = env.METRICS_TOKEN?.trim();
  return token ? { token, generated: false } : { token: randomBytes(18).toString('base64url'), generated: true };
}
