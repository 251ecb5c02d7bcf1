import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsArray, IsIn, IsMongoId, IsOptional, IsString, MaxLength } from 'class-validator';
import { ALERT_CATEGORIES, ALERT_SEVERITIES, ALERT_STATUSES } from '@app/database';
import { IsCleanText } from '../common/clean-text';
import { PageQueryDto } from '../common/page-query.dto';

/** `?severity=high,critical` and `?severity=high&severity=critical` both read as a list. */
const list = () =>
  Transform(({ value }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean)
      : value,
  );

export class ListAlertsQueryDto extends PageQueryDto {
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

  @ApiPropertyOptional({
    description: 'One or more, comma-separated; all statuses when absent',
    example: 'open,acknowledged',
  })
  @IsOptional()
  @list()
  @IsArray()
  @IsIn(ALERT_STATUSES, { each: true })
  status?: string[];

  @ApiPropertyOptional({ description: "The user's id" })
  @IsOptional()
  @IsMongoId()
  userId?: string;
}

export class UpdateAlertDto {
  @ApiProperty({ enum: ['acknowledged', 'resolved'] })
  @IsIn(['acknowledged', 'resolved'])
  status: 'acknowledged' | 'resolved';

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @IsCleanText()
  note?: string;
}
