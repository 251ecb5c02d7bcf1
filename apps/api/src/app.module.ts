import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthModule, JwtAuthGuard } from '@app/auth';
import { AppConfig, ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { AppLogger, LoggingModule } from '@app/logging';
import { MetricsModule } from '@app/metrics';
import { QueueModule } from '@app/queue';
import { AdminModule } from './admin/admin.module';
import { AlertsModule } from './alerts/alerts.module';
import { ChatModule } from './chat/chat.module';
import { ExpensesModule } from './expenses/expenses.module';
import { HealthModule } from './health/health.module';
import { LimitsModule } from './limits/limits.module';
import { ApiMetricsModule } from './metrics/api-metrics.module';
import { PlaygroundModule } from './playground/playground.module';
import { RealtimeModule } from './realtime/realtime.module';
import { RehoCompatModule } from './reho-compat/reho-compat.module';
import { SuggestionsModule } from './suggestions/suggestions.module';
import { ReportsModule } from './reports/reports.module';
import { UsageModule } from './usage/usage.module';

@Module({})
export class ApiModule {
  static forRoot(config: AppConfig, logger: AppLogger): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(logger),
        MetricsModule.forRoot('api'),
        ApiMetricsModule,
        DatabaseModule,
        QueueModule.forRoot('producer'),
        AuthModule,
        LimitsModule,
        UsageModule,
        HealthModule,
        ExpensesModule,
        ReportsModule,
        ChatModule,
        RealtimeModule,
        AdminModule,
        SuggestionsModule,
        AlertsModule,
        RehoCompatModule,
        ...(config.env === 'production' ? [] : [PlaygroundModule]),
      ],
      providers: [{ provide: APP_GUARD, useClass: JwtAuthGuard }],
    };
  }
}
