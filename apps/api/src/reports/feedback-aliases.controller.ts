import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthUser, CurrentUser } from '@app/auth';
import { NoBodyPipe } from '../common/no-body.pipe';
import { ReportRateLimit } from './report-rate-limit';
import { answerRequest } from './request-response';
import { ReportsService } from './reports.service';

/** The routes clients of the original service call; each is POST /reports with its type, and shares its rate limit. */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('feedback')
export class FeedbackAliasesController {
  constructor(
    private readonly reports: ReportsService,
    private readonly rateLimit: ReportRateLimit,
  ) {}

  @Post('optimize-expenses')
  @HttpCode(202)
  @ApiOperation({ summary: 'Alias of POST /reports { "type": "expenses" }' })
  @ApiAcceptedResponse({ description: 'As POST /reports' })
  async expenses(
    @CurrentUser() user: AuthUser,
    @Body(NoBodyPipe) _body: undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    await this.rateLimit.admit(user.id, res);
    return answerRequest(res, await this.reports.request(user.id, 'expenses'));
  }

  @Post('optimize-budget')
  @HttpCode(202)
  @ApiOperation({ summary: 'Alias of POST /reports { "type": "budget" }' })
  @ApiAcceptedResponse({ description: 'As POST /reports' })
  async budget(
    @CurrentUser() user: AuthUser,
    @Body(NoBodyPipe) _body: undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    await this.rateLimit.admit(user.id, res);
    return answerRequest(res, await this.reports.request(user.id, 'budget'));
  }

  @Post('optimize-debt')
  @HttpCode(202)
  @ApiOperation({ summary: 'Alias of POST /reports { "type": "debt" }' })
  @ApiAcceptedResponse({ description: 'As POST /reports' })
  async debt(
    @CurrentUser() user: AuthUser,
    @Body(NoBodyPipe) _body: undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    await this.rateLimit.admit(user.id, res);
    return answerRequest(res, await this.reports.request(user.id, 'debt'));
  }
}
