import { BadRequestException, HttpException, PayloadTooLargeException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * Express error middleware placed right after the body parser: turns its typed errors into our codes
 * before Nest maps them to a bare 400 carrying the JSON parser's message.
 */
export function bodyParserErrors(err: unknown, _req: Request, _res: Response, next: NextFunction): void {
  const type = (err as { type?: unknown })?.type;
  if (type === 'entity.parse.failed')
    return next(new BadRequestException({ code: 'invalid_json', message: 'Request body is not valid JSON' }));
  if (type === 'entity.too.large')
    return next(new PayloadTooLargeException({ code: 'payload_too_large', message: 'Request body is too large' }));
  if (typeof type === 'string')
    return next(new HttpException({ code: 'unreadable_body', message: 'Request body could not be read' }, 400));
  next(err);
}
