import { Module } from '@nestjs/common';
import { ReportRateLimit } from './report-rate-limit';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

// The Reho /feedback routes (reho-compat) request reports through the same service and rate limit.
@Module({
  controllers: [ReportsController],
  providers: [ReportsService, ReportRateLimit],
  exports: [ReportsService, ReportRateLimit],
})
export class ReportsModule {}
