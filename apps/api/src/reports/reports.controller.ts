import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthUser, CurrentUser } from '@app/auth';
import { ObjectIdPipe } from '../common/object-id.pipe';
import { CreateReportDto, ListReportsQueryDto } from './report.dto';
import { ReportRateLimit } from './report-rate-limit';
import { answerRequest } from './request-response';
import { ReportsService } from './reports.service';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly rateLimit: ReportRateLimit,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Request an optimisation report (expenses, budget or debt; a debt report may add extraMonthly and lumpSum)',
  })
  @ApiAcceptedResponse({
    description:
      '{ id, type, status, progress, cached: false }: queued, or the unfinished report of that type; poll GET /reports/:id',
  })
  @ApiOkResponse({
    description: 'The stored report (cached: true): same request on unchanged data within REPORT_CACHE_WINDOW_MS',
  })
  @ApiTooManyRequestsResponse({
    description: 'rate_limited (REPORTS_RATE_LIMIT) or spending_cap_reached; Retry-After says when to try again',
  })
  async create(@CurrentUser() user: AuthUser, @Body() dto: CreateReportDto, @Res({ passthrough: true }) res: Response) {
    const admission = this.rateLimit.admit(user.id, res);
    return answerRequest(res, await this.reports.request(user.id, dto.type, dto, admission));
  }

  @Get()
  @ApiOperation({ summary: "The caller's reports, newest first (cursor pagination; filter by type and status)" })
  list(@CurrentUser() user: AuthUser, @Query() q: ListReportsQueryDto) {
    return this.reports.list(user.id, q);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'queued | running (with progress) | completed (figures, summary, insights) | failed (with error)',
  })
  get(@CurrentUser() user: AuthUser, @Param('id', ObjectIdPipe) id: string) {
    return this.reports.get(user.id, id);
  }
}
