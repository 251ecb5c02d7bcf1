import { BadRequestException } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { Cursor, decodeCursor } from '@app/database';

/** `?limit=&cursor=` of every keyset-paginated list; list DTOs extend it with their filters. */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  cursor?: string;
}

/** The decoded cursor, null for the first page; 400 for anything this API did not issue. */
export function cursorFrom(raw: string | undefined): Cursor | null {
  if (!raw) return null;
  const cursor = decodeCursor(raw);
  if (!cursor) throw new BadRequestException({ code: 'invalid_cursor', message: 'cursor is not one this API issued' });
  return cursor;
}
