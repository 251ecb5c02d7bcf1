import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { REPORT_STATUSES, type ReportStatus } from '@app/database';
import { REPORT_TYPES, type ReportType } from '@app/finance';

export class CreateReportDto {
  @ApiProperty({ enum: REPORT_TYPES, example: 'debt' })
  @IsIn([...REPORT_TYPES])
  type: ReportType;
}

export class ListReportsQueryDto {
  @ApiPropertyOptional({ enum: REPORT_TYPES })
  @IsOptional()
  @IsIn([...REPORT_TYPES])
  type?: ReportType;

  @ApiPropertyOptional({ enum: REPORT_STATUSES })
  @IsOptional()
  @IsIn([...REPORT_STATUSES])
  status?: ReportStatus;

  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  cursor?: string;
}
