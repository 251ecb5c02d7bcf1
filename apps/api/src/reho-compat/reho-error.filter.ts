import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { AppLogger } from '@app/logging';
import { AllExceptionsFilter } from '../common/all-exceptions.filter';
import type { ErrorBody } from '../common/error-body';

/**
 * Our one error shape, plus `detail`: FastAPI's field, which Reho clients read their error text from. Everything
 * else (status, code, Retry-After, logging) is the global filter's.
 */
@Catch()
export class RehoErrorFilter implements ExceptionFilter {
  private readonly errors: AllExceptionsFilter;

  constructor(logger: AppLogger) {
    this.errors = new AllExceptionsFilter(logger);
  }

  catch(err: unknown, host: ArgumentsHost): void {
    if (host.getType() === 'http') {
      const res = host.switchToHttp().getResponse<Response>();
      const json = res.json.bind(res);
      res.json = (body: ErrorBody) => json({ ...body, detail: body.message });
    }
    this.errors.catch(err, host);
  }
}
