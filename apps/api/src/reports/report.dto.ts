import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsNumber,
  IsOptional,
  Max,
  Min,
  Validate,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { REPORT_STATUSES, type ReportStatus } from '@app/database';
import { REPORT_TYPES, type ReportType } from '@app/finance';
import { PageQueryDto } from '../common/page-query.dto';

/**
 * The largest what-if amounts, in major units of the configured currency: far above any household's spare money,
 * low enough that the simulation stays a few months long and every figure a safe integer.
 */
export const REPORT_WHAT_IF_MAX = { extraMonthly: 100_000, lumpSum: 1_000_000 } as const;

const amount = { allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 };

/** What-if money belongs to debt reports; refused in validation, before the request counts against any limit. */
@ValidatorConstraint({ name: 'whatIfOnlyForDebt' })
class WhatIfOnlyForDebt implements ValidatorConstraintInterface {
  validate(type: unknown, args: ValidationArguments): boolean {
    const body = args.object as Partial<CreateReportDto>;
    return type === 'debt' || (body.extraMonthly === undefined && body.lumpSum === undefined);
  }

  defaultMessage(): string {
    return 'extraMonthly and lumpSum apply only to debt reports';
  }
}

export class CreateReportDto {
  @ApiProperty({ enum: REPORT_TYPES, example: 'debt' })
  @IsIn([...REPORT_TYPES])
  @Validate(WhatIfOnlyForDebt)
  type: ReportType;

  @ApiPropertyOptional({
    description: `Debt reports only: extra paid towards the debts every month on top of the minimums (major units, 0 to ${REPORT_WHAT_IF_MAX.extraMonthly})`,
    example: 150,
  })
  @IsOptional()
  @IsNumber(amount)
  @Min(0)
  @Max(REPORT_WHAT_IF_MAX.extraMonthly)
  extraMonthly?: number;

  @ApiPropertyOptional({
    description: `Debt reports only: a one-off payment in the first month (major units, 0 to ${REPORT_WHAT_IF_MAX.lumpSum})`,
    example: 500,
  })
  @IsOptional()
  @IsNumber(amount)
  @Min(0)
  @Max(REPORT_WHAT_IF_MAX.lumpSum)
  lumpSum?: number;
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
