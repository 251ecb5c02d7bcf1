import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { AppLogger } from '@app/logging';
import { routeTemplate } from '../metrics/route-template';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Request id for correlation plus one access-log line per request: route pattern and path, never the query
 * string (it may hold tokens), headers or bodies.
 */
export function requestContext(logger: AppLogger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.headers['x-request-id'] = requestId;
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    // `close` rather than `finish`: a client that hangs up mid-stream is logged too.
    res.once('close', () => {
      const user = (req as Request & { user?: { id: string } }).user;
      logger.event(res.statusCode >= 500 ? 'warn' : 'info', 'http.request', {
        method: req.method,
        route: routeTemplate(req),
        path: req.originalUrl.split('?')[0],
        status: res.statusCode,
        ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
        ...(res.writableFinished ? {} : { aborted: true }),
        userId: user?.id,
        requestId,
      });
    });
    next();
  };
}
