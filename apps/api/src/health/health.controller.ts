import { Controller, Get, Headers, Inject, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { Public } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { RedisLimiterFactory, tryConsume } from '../limits/redis-limiter.factory';
import { TooManyRequestsException } from '../limits/too-many-requests.exception';
import { rehoHealthMessage } from '../reho-compat/reho-views';
import { HealthAccess } from './health-access';
import { HealthReport, HealthService, PublicHealth } from './health.service';

@ApiTags('health')
@ApiBearerAuth()
@Controller('health')
export class HealthController {
  /** Every call pings MongoDB and Redis and counts every queue's jobs and workers: not free to repeat. */
  private readonly throttle: RateLimiterRedis;

  constructor(
    private readonly health: HealthService,
    private readonly access: HealthAccess,
    limiters: RedisLimiterFactory,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.throttle = limiters.create({
      scope: 'health',
      points: config.health.rateLimit,
      windowMs: config.health.rateWindowMs,
    });
  }

  @Public()
  @Get()
  @ApiOperation({
    summary:
      "Up or down: 200 { status: 'ok', message } or 503 { status: 'unavailable', message }. With an admin JWT or " +
      'the metrics token, also MongoDB, Redis and each queue (counts, workers). Throttled per client IP ' +
      '(HEALTH_RATE_LIMIT).',
  })
  async get(
    @Req() req: Request,
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<(PublicHealth | HealthReport) & { message: string }> {
    const decision = await tryConsume(this.throttle, req.ip ?? 'unknown');
    if (!decision.allowed) {
      const ms = decision.res.msBeforeNext;
      throw new TooManyRequestsException(
        ms,
        'rate_limited',
        `Too many health checks; try again in ${Math.ceil(ms / 1000)} s`,
      );
    }
    const [report, details] = await Promise.all([this.health.report(), this.access.canSeeDetails(authorization)]);
    res.status(report.status === 'ok' ? 200 : 503).setHeader('Cache-Control', 'no-store');
    // `message` is the Reho service's sentence, which its clients read beside the status.
    const message = rehoHealthMessage(report.status);
    return details ? { ...report, message } : { status: report.status, message };
  }
}
