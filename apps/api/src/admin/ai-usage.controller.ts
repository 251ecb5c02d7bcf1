import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsMongoId, IsOptional, Max, Min } from 'class-validator';
import { AdminGuard } from '@app/auth';
import { AiUsageRepository } from '@app/database';

export class UsageQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(90)
  days?: number;

  /** One user's calls only. */
  @IsOptional()
  @IsMongoId()
  userId?: string;
}

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AdminGuard)
@Controller('admin/ai-usage')
export class AiUsageController {
  constructor(private readonly usage: AiUsageRepository) {}

  @Get()
  @ApiOperation({
    summary:
      'Model calls, tokens, estimated cost and failures per feature and model, of everyone or one user (admins only)',
  })
  async summary(@Query() query: UsageQueryDto) {
    const days = query.days ?? 7;
    const since = new Date(Date.now() - days * 24 * 3600 * 1000);
    const userId = query.userId ?? null;
    return { days, since, userId, rows: await this.usage.summarySince(since, userId ?? undefined) };
  }
}
