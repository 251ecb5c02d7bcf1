import { BadGatewayException, Body, Controller, HttpCode, Inject, Post, Res, UseFilters } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadGatewayResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthUser, CurrentUser } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import type { ReportDoc } from '@app/database';
import type { ReportType } from '@app/finance';
import { NoBodyPipe } from '../common/no-body.pipe';
import { ReportRateLimit } from '../reports/report-rate-limit';
import { ReportsService } from '../reports/reports.service';
import { ReportCompletion } from './report-completion';
import { RehoErrorFilter } from './reho-error.filter';
import { rehoOptimization } from './reho-views';

/** How soon a client that got 202 should look again. */
const POLL_AFTER_S = 5;

const OK = "Reho's { summary, insights: [{ insight, suggestion, category }] } (plus reportId, impact, figures)";
const ACCEPTED =
  'Still being made after REPORT_SYNC_WAIT_MS: { id, type, status, progress, summary, insights: [] }, ' +
  'Location: /reports/<id> to poll';

/**
 * The Reho service's optimisation routes, answered as it did: the report itself, synchronously. Each is exactly
 * POST /reports with its type (same rate limit, spending cap, one-at-a-time slot and reuse of a stored report),
 * then a wait of up to REPORT_SYNC_WAIT_MS for the worker. A report that takes longer is not lost: 202 with its id.
 */
@ApiTags('reho-compat')
@ApiBearerAuth()
@UseFilters(RehoErrorFilter)
@Controller('feedback')
export class RehoFeedbackController {
  constructor(
    private readonly reports: ReportsService,
    private readonly rateLimit: ReportRateLimit,
    private readonly completion: ReportCompletion,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('optimize-expenses')
  @HttpCode(200)
  @ApiOperation({ summary: 'The expenses report (POST /reports { "type": "expenses" }), waited for' })
  @ApiOkResponse({ description: OK })
  @ApiAcceptedResponse({ description: ACCEPTED })
  @ApiBadGatewayResponse({ description: 'report_failed: the report failed; message says why' })
  @ApiTooManyRequestsResponse({ description: 'rate_limited (REPORTS_RATE_LIMIT) or spending_cap_reached' })
  expenses(
    @CurrentUser() user: AuthUser,
    @Body(NoBodyPipe) _body: undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.optimize(user, 'expenses', res);
  }

  @Post('optimize-budget')
  @HttpCode(200)
  @ApiOperation({ summary: 'The budget report (POST /reports { "type": "budget" }), waited for' })
  @ApiOkResponse({ description: OK })
  @ApiAcceptedResponse({ description: ACCEPTED })
  @ApiBadGatewayResponse({ description: 'report_failed: the report failed; message says why' })
  @ApiTooManyRequestsResponse({ description: 'rate_limited (REPORTS_RATE_LIMIT) or spending_cap_reached' })
  budget(@CurrentUser() user: AuthUser, @Body(NoBodyPipe) _body: undefined, @Res({ passthrough: true }) res: Response) {
    return this.optimize(user, 'budget', res);
  }

  @Post('optimize-debt')
  @HttpCode(200)
  @ApiOperation({ summary: 'The debt report (POST /reports { "type": "debt" }), waited for' })
  @ApiOkResponse({ description: OK })
  @ApiAcceptedResponse({ description: ACCEPTED })
  @ApiBadGatewayResponse({ description: 'report_failed: the report failed; message says why' })
  @ApiTooManyRequestsResponse({ description: 'rate_limited (REPORTS_RATE_LIMIT) or spending_cap_reached' })
  debt(@CurrentUser() user: AuthUser, @Body(NoBodyPipe) _body: undefined, @Res({ passthrough: true }) res: Response) {
    return this.optimize(user, 'debt', res);
  }

  private async optimize(user: AuthUser, type: ReportType, res: Response) {
    const admission = this.rateLimit.admit(user.id, res);
    const outcome = await this.reports.request(user.id, type, {}, admission);
    if (outcome.kind === 'cached') return rehoOptimization(outcome.report, true);

    const reportId = String(outcome.report._id);
    const waitMs = this.config.reports.syncWaitMs;
    let report: ReportDoc = outcome.report;
    if (waitMs > 0) {
      // A client that hung up is not waited for: its report goes on, and the next request finds it.
      const gone = new AbortController();
      res.on('close', () => gone.abort());
      report = (await this.completion.settle(user.id, reportId, waitMs, gone.signal)) ?? report;
    }
    if (report.status === 'completed') return rehoOptimization(report, false);
    if (report.status === 'failed') {
      throw new BadGatewayException({
        code: 'report_failed',
        message: report.error ?? 'The report could not be made',
        details: { reportId },
      });
    }
    res.status(202).setHeader('Location', `/reports/${reportId}`);
    res.setHeader('Retry-After', String(POLL_AFTER_S));
    return {
      id: reportId,
      type: report.type,
      status: report.status,
      progress: report.progress,
      cached: false,
      location: `/reports/${reportId}`,
      // What a Reho client shows meanwhile, as Reho itself answered before a report existed.
      summary: 'Your report is still being prepared; ask again in a moment.',
      insights: [],
    };
  }
}
