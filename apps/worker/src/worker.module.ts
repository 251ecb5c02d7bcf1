import { DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AppConfig, ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { AppLogger, LoggingModule } from '@app/logging';
import { MetricsModule } from '@app/metrics';
import { QueueModule } from '@app/queue';
import { AlertsModule } from './alerts/alerts.module';
import { DrainWorkersService } from './common/drain-workers.service';
import { ExpenseParsingModule } from './expense-parsing/expense-parsing.module';
import { WorkerMetricsModule } from './metrics/worker-metrics.module';
import { ReportsWorkerModule } from './reports/reports.module';
import { RecoveryModule } from './recovery/recovery.module';
import { SuggestionsModule } from './suggestions/suggestions.module';
import { TitlesModule } from './titles/titles.module';

@Global()
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, logger: AppLogger): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(logger),
        MetricsModule.forRoot('worker'),
        WorkerMetricsModule,
        DiscoveryModule,
        DatabaseModule,
        QueueModule.forRoot('worker'),
        ExpenseParsingModule,
        ReportsWorkerModule,
        TitlesModule,
        SuggestionsModule,
        AlertsModule,
        RecoveryModule,
      ],
      providers: [DrainWorkersService],
    };
  }
}
