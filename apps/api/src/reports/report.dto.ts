import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { REPORT_STATUSES, type ReportStatus } from '@app/database';
import { REPORT_TYPES, type ReportType } from '@app/finance';
import { PageQueryDto } from '../common/page-query.dto';

export class CreateReportDto {
  @ApiProperty({ enum: REPORT_TYPES, example: 'debt' })
  @IsIn([...REPORT_TYPES])
  type: ReportType;
}

export class ListReportsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: REPORT_TYPES })
  @IsOptional()
  @IsIn([...REPORT_TYPES])
  type?: ReportType;

  @ApiPropertyOptional({ enum: REPORT_STATUSES })
  @IsOptional()
  @IsIn([...REPORT_STATUSES])
  status?: ReportStatus;
}
