import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

/** For routes that take no query parameters: any is refused, as the global whitelist refuses unknown fields. */
@Injectable()
export class NoQueryPipe implements PipeTransform {
  transform(value: unknown): undefined {
    if (value && typeof value === 'object' && Object.keys(value).length > 0)
      throw new BadRequestException({
        code: 'validation_failed',
        message: `This route takes no query parameters (got ${Object.keys(value).slice(0, 3).join(', ')})`,
      });
    return undefined;
  }
}
