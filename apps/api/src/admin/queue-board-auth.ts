import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { RateLimiterRedis } from 'rate-limiter-flexible';
import { AuthError, AuthService } from '@app/auth';
import { AppConfig } from '@app/config';
import { reasonPhrase } from '../common/error-body';
import { tryConsume } from '../limits/redis-limiter.factory';
import { grantBoardRole } from './queue-board-access';
import { sendPage, signInRequiredPage } from './queue-board-pages';
import { BOARD_SESSION_COOKIE, boardCookieOptions, QueueBoardSessions } from './queue-board-session';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * One constant-time comparison over the whole "user:password" pair, as the browser sent it: comparing user and
 * password separately would answer sooner for a wrong user, telling an attacker which half they have right.
 * Hashing first gives both sides the same length, so not even the length of the secret shows.
 */
function sameCredentials(basicHeaderValue: string, expected: { user: string; password: string }): boolean {
  const sent = Buffer.from(basicHeaderValue.trim(), 'base64').toString('utf8');
  return timingSafeEqual(digest(sent), digest(`${expected.user}:${expected.password}`));
}

/** A browser's page or form (it prefers HTML) gets a page; the board's own calls and API clients get JSON. */
export function prefersHtml(req: Request): boolean {
  return req.accepts(['json', 'html']) === 'html';
}

/** Our one JSON error shape, for the board's paths, which are plain Express and outside Nest's filter. */
export function sendError(req: Request, res: Response, status: number, code: string, message: string): void {
  res.status(status).json({
    statusCode: status,
    error: reasonPhrase(status),
    code,
    message,
    path: req.baseUrl + req.path,
    requestId: req.headers['x-request-id'],
    timestamp: new Date().toISOString(),
  });
}

export interface QueueBoardAuthOptions {
  auth: AuthService;
  config: AppConfig;
  sessions: QueueBoardSessions;
  /** Where the board is mounted, e.g. /admin/queues. */
  base: string;
  /** Counts basic-auth attempts per client IP (BULL_BOARD_AUTH_FAILURE_LIMIT per window); right ones are given back. */
  basicAuthAttempts: RateLimiterRedis;
}

/**
 * Guards the Bull Board UI, which is plain Express and outside Nest's guards. Accepted, in this order: the
 * operators' basic-auth pair from config (role operator), an admin's JWT (Authorization: Bearer), or the board
 * session cookie an admin got from the sign-in page (role admin). The role is read from the user document on
 * every request, so a demoted or blocked admin loses the board within USER_CACHE_TTL_MS, session or not. Basic
 * auth is the one guessable secret here, so a client IP that keeps getting it wrong is refused (429) for a while.
 */
export function queueBoardAuth({ auth, config, sessions, base, basicAuthAttempts }: QueueBoardAuthOptions) {
  const basic = config.queueBoard.basicAuth;
  const refuse = (req: Request, res: Response, status: 401 | 403 | 429, code: string, message: string) => {
    // The challenge is what makes a browser show its login prompt; without configured credentials there is
    // nothing it could enter.
    if (status === 401 && basic)
      res.setHeader('WWW-Authenticate', 'Basic realm="finance-ai-brain queues", charset="UTF-8"');
    if (req.method === 'GET' && prefersHtml(req))
      return sendPage(res, status, 'Sign-in required', signInRequiredPage(base, !!basic, message));
    sendError(req, res, status, code, message);
  };
  const refuseSession = (req: Request, res: Response, status: 401 | 403, code: string, message: string) => {
    res.clearCookie(BOARD_SESSION_COOKIE, boardCookieOptions(req, base));
    refuse(req, res, status, code, message);
  };

  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const header = req.headers.authorization ?? '';
    if (/^Basic /i.test(header) && basic) {
      // The attempt is counted before the check, so parallel guesses cannot all slip in under the limit.
      const client = req.ip ?? 'unknown';
      const attempt = await tryConsume(basicAuthAttempts, client);
      if (!attempt.allowed) {
        const seconds = Math.max(1, Math.ceil(attempt.res.msBeforeNext / 1000));
        res.setHeader('Retry-After', String(seconds));
        return refuse(req, res, 429, 'too_many_attempts', `Too many wrong passwords; try again in ${seconds} s`);
      }
      if (sameCredentials(header.slice(6), basic)) {
        await basicAuthAttempts.reward(client);
        grantBoardRole(req, 'operator');
        return next();
      }
      return refuse(req, res, 401, 'bad_credentials', 'Wrong user or password');
    }
    if (/^Bearer /i.test(header)) {
      try {
        const user = await auth.authenticateToken(header.slice(7));
        if (user.isAdmin) {
          grantBoardRole(req, 'admin');
          return next();
        }
        return refuse(req, res, 403, 'admin_only', 'Administrator role required');
      } catch (err) {
        if (err instanceof AuthError) return refuse(req, res, err.status, err.code, err.message);
        return next(err);
      }
    }
    const cookie: unknown = req.cookies?.[BOARD_SESSION_COOKIE];
    if (typeof cookie === 'string' && cookie) {
      const userId = sessions.read(cookie)?.userId;
      if (!userId) return refuseSession(req, res, 401, 'session_expired', 'Board session expired; sign in again');
      try {
        const user = await auth.authenticateClaims({ id: userId });
        if (user.isAdmin) {
          grantBoardRole(req, 'admin');
          return next();
        }
        return refuseSession(req, res, 403, 'admin_only', 'Administrator role required');
      } catch (err) {
        if (err instanceof AuthError) return refuseSession(req, res, err.status, err.code, err.message);
        return next(err);
      }
    }
    refuse(req, res, 401, 'token_missing', 'Authentication required');
  };
}
