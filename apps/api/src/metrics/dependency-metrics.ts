import { Injectable } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { HealthService } from '../health/health.service';

/** MongoDB and Redis reachability as /health sees it (same checks, same timeouts), at scrape time. */
@Injectable()
export class DependencyMetrics {
  constructor(registry: Registry, health: HealthService) {
    new Gauge({
      name: 'dependency_up',
      help: 'Whether a dependency answered its health check (1) or not (0): mongo, redis',
      labelNames: ['dependency'],
      registers: [registry],
      async collect() {
        const { checks } = await health.report();
        this.set({ dependency: 'mongo' }, checks.mongo.status === 'up' ? 1 : 0);
        this.set({ dependency: 'redis' }, checks.redis.status === 'up' ? 1 : 0);
      },
    });
  }
}
