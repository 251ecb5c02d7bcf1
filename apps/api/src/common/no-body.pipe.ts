import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

/**
 * For routes that take no body: no body, or an empty JSON object, passes; any field is refused, as the
 * global whitelist refuses unknown fields everywhere else.
 */
@Injectable()
export class NoBodyPipe implements PipeTransform {
  transform(value: unknown): undefined {
    const empty =
      value === undefined ||
      value === null ||
      (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0);
    if (!empty)
      throw new BadRequestException({ code: 'validation_failed', message: 'This route takes no request body' });
    return undefined;
  }
}
