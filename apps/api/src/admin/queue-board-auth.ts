import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { AuthError, AuthService } from '@app/auth';
import { AppConfig } from '@app/config';
import { reasonPhrase } from '../common/error-body';
import { sendPage, signInRequiredPage } from './queue-board-pages';
import { BOARD_SESSION_COOKIE, boardCookieOptions, QueueBoardSessions } from './queue-board-session';

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
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
}

/**
 * Guards the Bull Board UI, which is plain Express and outside Nest's guards. Accepted, in this order: the
 * operators' basic-auth pair from config, an admin's JWT (Authorization: Bearer), or the board session cookie
 * an admin got from the sign-in page. The role is read from the user document on every request, so a
 * demoted or blocked admin loses the board within USER_CACHE_TTL_MS, session or not.
 */
export function queueBoardAuth({ auth, config, sessions, base }: QueueBoardAuthOptions) {
  const basic = config.queueBoard.basicAuth;
  const refuse = (req: Request, res: Response, status: 401 | 403, code: string, message: string) => {
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
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
      const sep = decoded.indexOf(':');
      if (
        sep > 0 &&
        sameSecret(decoded.slice(0, sep), basic.user) &&
        sameSecret(decoded.slice(sep + 1), basic.password)
      )
        return next();
      return refuse(req, res, 401, 'bad_credentials', 'Wrong user or password');
    }
    if (/^Bearer /i.test(header)) {
      try {
        const user = await auth.authenticateToken(header.slice(7));
        if (user.isAdmin) return next();
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
        if (user.isAdmin) return next();
        return refuseSession(req, res, 403, 'admin_only', 'Administrator role required');
      } catch (err) {
        if (err instanceof AuthError) return refuseSession(req, res, err.status, err.code, err.message);
        return next(err);
      }
    }
    refuse(req, res, 401, 'token_missing', 'Authentication required');
  };
}
