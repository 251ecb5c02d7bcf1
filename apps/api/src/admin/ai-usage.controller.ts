import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { AdminGuard } from '@app/auth';
import { AiUsageRepository } from '@app/database';

export class UsageQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(90)
  days?: number;
}

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AdminGuard)
@Controller('admin/ai-usage')
export class AiUsageController {
  constructor(private readonly usage: AiUsageRepository) {}

  @Get()
  @ApiOperation({ summary: 'Model calls, tokens, estimated cost and failures per feature and model (admins only)' })
  async summary(@Query() query: UsageQueryDto) {
    const days = query.days ?? 7;
    const since = new Date(Date.now() - days * 24 * 3600 * 1000);
    return { days, since, rows: await this.usage.summarySince(since) };
  }
}
