import { Module } from '@nestjs/common';
import { FeedbackAliasesController } from './feedback-aliases.controller';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

@Module({ controllers: [ReportsController, FeedbackAliasesController], providers: [ReportsService] })
export class ReportsModule {}
