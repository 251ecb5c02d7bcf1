import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { AuthError, AuthService } from '@app/auth';
import { AppConfig } from '@app/config';

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Guards the Bull Board UI, which is plain Express and outside Nest's guards: an admin's JWT
 * (Authorization: Bearer), or the operators' basic-auth pair from config for browsers.
 */
export function queueBoardAuth(auth: AuthService, config: AppConfig) {
  const basic = config.queueBoard.basicAuth;
  const refuse = (res: Response, status: number, code: string, message: string) => {
    if (status === 401 && basic)
      res.setHeader('WWW-Authenticate', 'Basic realm="finance-ai-brain queues", charset="UTF-8"');
    res
      .status(status)
      .json({
        statusCode: status,
        error: status === 401 ? 'Unauthorized' : 'Forbidden',
        code,
        message,
        timestamp: new Date().toISOString(),
      });
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
      return refuse(res, 401, 'bad_credentials', 'Wrong user or password');
    }
    if (/^Bearer /i.test(header)) {
      try {
        const user = await auth.authenticateToken(header.slice(7));
        if (user.isAdmin) return next();
        return refuse(res, 403, 'admin_only', 'Administrator role required');
      } catch (err) {
        if (err instanceof AuthError) return refuse(res, err.status, err.code, err.message);
        return next(err);
      }
    }
    refuse(res, 401, 'token_missing', 'Authentication required');
  };
}
