import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsMongoId, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ALERT_CATEGORIES, ALERT_SEVERITIES, ALERT_STATUSES } from '@app/database';

/** `?severity=high,critical` and `?severity=high&severity=critical` both read as a list. */
const list = () => Transform(({ value }) => (typeof value === 'string' ? value.split(',').map((v) => v.trim()).filter(Boolean) : value));

export class ListAlertsQueryDto {
  @ApiPropertyOptional({ description: 'One or more, comma-separated', example: 'high,critical' })
  @IsOptional()
  @list()
  @IsArray()
  @IsIn(ALERT_SEVERITIES, { each: true })
  severity?: string[];

  @ApiPropertyOptional({ description: 'One or more, comma-separated', example: 'debt' })
  @IsOptional()
  @list()
  @IsArray()
  @IsIn(ALERT_CATEGORIES, { each: true })
  category?: string[];

  @ApiPropertyOptional({ description: 'One or more, comma-separated; all statuses when absent', example: 'open,acknowledged' })
  @IsOptional()
  @list()
  @IsArray()
  @IsIn(ALERT_STATUSES, { each: true })
  status?: string[];

  @ApiPropertyOptional({ description: "The user's id" })
  @IsOptional()
  @IsMongoId()
  userId?: string;

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
  @MaxLength(200)
  cursor?: string;
}

export class UpdateAlertDto {
  @ApiProperty({ enum: ['acknowledged', 'resolved'] })
  @IsIn(['acknowledged', 'resolved'])
  status: 'acknowledged' | 'resolved';

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}
