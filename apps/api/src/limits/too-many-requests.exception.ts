import { HttpException, HttpStatus } from '@nestjs/common';

/** 429 that carries the wait; the exception filter turns it into a Retry-After header. */
export class TooManyRequestsException extends HttpException {
  constructor(
    readonly retryAfterMs: number,
    code: string,
    message: string,
    /** More for the client beside the wait, e.g. which spending cap was reached. */
    details: Record<string, unknown> = {},
  ) {
    super({ code, message, details: { retryAfterMs, ...details } }, HttpStatus.TOO_MANY_REQUESTS);
  }
}
