import { Controller, Get, Headers, Inject, NotFoundException, Res, UnauthorizedException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Registry } from 'prom-client';
import { Public } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { scrapeAuthorized } from '@app/metrics';

/**
 * Prometheus scrape endpoint. Not a user route (users' JWTs do not open it): it takes the METRICS_TOKEN bearer
 * token, and without one configured it does not exist.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly registry: Registry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Get()
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() res: Response): Promise<void> {
    const token = this.config.metrics.token;
    if (!token) throw new NotFoundException({ code: 'not_found', message: 'Cannot GET /metrics' });
    if (!scrapeAuthorized(authorization, token)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      throw new UnauthorizedException({ code: 'metrics_token_required', message: 'A valid metrics token is required' });
    }
    const text = await this.registry.metrics();
    res.setHeader('Content-Type', this.registry.contentType);
    res.end(text);
  }
}
