import { HttpException, HttpStatus } from '@nestjs/common';

/** 429 that carries the wait; the exception filter turns it into a Retry-After header. */
export class TooManyRequestsException extends HttpException {
  constructor(
    readonly retryAfterMs: number,
    code: string,
    message: string,
  ) {
    super({ code, message, details: { retryAfterMs } }, HttpStatus.TOO_MANY_REQUESTS);
  }
}
