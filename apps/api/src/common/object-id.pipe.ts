import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { isObjectIdHex } from '@app/database';

/** Route ids must be 24-hex ObjectIds: anything else is a 400, never a cast error deeper down. */
@Injectable()
export class ObjectIdPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    if (!isObjectIdHex(value))
      throw new BadRequestException({ code: 'invalid_id', message: 'id must be a 24-character hexadecimal ObjectId' });
    return value.toLowerCase();
  }
}
