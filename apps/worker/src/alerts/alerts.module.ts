import { Module } from '@nestjs/common';
import { LlmModule } from '@app/llm';
import { DailyModule } from '../daily/daily.module';
import { AlertScreening } from './alert-screening';
import { AlertsProcessor } from './alerts.processor';

@Module({ imports: [LlmModule, DailyModule], providers: [AlertScreening, AlertsProcessor] })
export class AlertsModule {}
