import { Module } from '@nestjs/common';
import { LlmModule } from '@app/llm';
import { ReportProcessor } from './report.processor';
import { ReportWriter } from './report-writer';

@Module({ imports: [LlmModule], providers: [ReportProcessor, ReportWriter] })
export class ReportsWorkerModule {}
