import { Inject, Injectable } from '@nestjs/common';
import { AuthService } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { scrapeAuthorized } from '@app/metrics';
import { withTimeout } from './health.service';

/**
 * Who may read /health's details (which dependency is down, queue depths, worker counts): the metrics token
 * (what monitoring already holds, and it needs no database, so it works while MongoDB is down) or an admin's
 * JWT. Anything else, a bad token included, gets the public answer rather than an error: /health stays public.
 */
@Injectable()
export class HealthAccess {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly auth: AuthService,
  ) {}

  async canSeeDetails(authorization: string | undefined): Promise<boolean> {
    const metricsToken = this.config.metrics.token;
    if (metricsToken && scrapeAuthorized(authorization, metricsToken)) return true;
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (!bearer) return false;
    // The admin check reads the user; with MongoDB down it must not hold the answer past the checks' own bound.
    return withTimeout(this.auth.authenticateToken(bearer)).then(
      (user) => user.isAdmin,
      () => false,
    );
  }
}
