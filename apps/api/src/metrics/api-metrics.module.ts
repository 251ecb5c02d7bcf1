import { Global, Module } from '@nestjs/common';
import { HealthModule } from '../health/health.module';
import { ChatMetrics } from './chat-metrics';
import { DependencyMetrics } from './dependency-metrics';
import { HttpMetrics } from './http-metrics';
import { MetricsController } from './metrics.controller';
import { QueueDepthMetrics } from './queue-depth-metrics';
import { SocketMetrics } from './socket-metrics';

/** The api's own metric families and GET /metrics; model metrics come from @app/metrics (shared with the worker). */
@Global()
@Module({
  imports: [HealthModule],
  controllers: [MetricsController],
  providers: [HttpMetrics, ChatMetrics, QueueDepthMetrics, SocketMetrics, DependencyMetrics],
  exports: [HttpMetrics, ChatMetrics, SocketMetrics],
})
export class ApiMetricsModule {}
