import { Module } from '@nestjs/common';
import { FeedbackAliasesController } from './feedback-aliases.controller';
import { ReportRateLimit } from './report-rate-limit';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

@Module({ controllers: [ReportsController, FeedbackAliasesController], providers: [ReportsService, ReportRateLimit] })
export class ReportsModule {}
