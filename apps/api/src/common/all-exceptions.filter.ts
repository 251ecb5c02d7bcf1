import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppLogger } from '@app/logging';
import { TooManyRequestsException } from '../limits/too-many-requests.exception';
import { classifyError } from './classify-error';
import { ErrorBody, reasonPhrase } from './error-body';

/** Every HTTP failure leaves as the same JSON shape, without stack traces or internals. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(private readonly logger: AppLogger) {}

  catch(err: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const c = classifyError(err);
    if (c.unexpected) {
      this.logger.event('error', 'request.failed', {
        path: req.path,
        method: req.method,
        status: c.status,
        requestId: req.headers['x-request-id'],
        error: err,
      });
    }
    if (res.headersSent) return;
    if (err instanceof TooManyRequestsException)
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil(err.retryAfterMs / 1000))));
    const body: ErrorBody = {
      statusCode: c.status,
      error: reasonPhrase(c.status),
      code: c.code,
      message: c.message,
      ...(c.details !== undefined ? { details: c.details } : {}),
      path: req.path,
      requestId: req.headers['x-request-id'] as string | undefined,
      timestamp: new Date().toISOString(),
    };
    res.status(c.status).json(body);
  }
}
