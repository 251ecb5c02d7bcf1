import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthModule, JwtAuthGuard } from '@app/auth';
import { AppConfig, ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { QueueModule } from '@app/queue';
import { AdminModule } from './admin/admin.module';
import { ExpensesModule } from './expenses/expenses.module';
import { HealthModule } from './health/health.module';
import { LimitsModule } from './limits/limits.module';
import { RealtimeModule } from './realtime/realtime.module';

@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        QueueModule.forRoot('producer'),
        AuthModule,
        LimitsModule,
        HealthModule,
        ExpensesModule,
        RealtimeModule,
        AdminModule,
      ],
      providers: [{ provide: APP_GUARD, useClass: JwtAuthGuard }],
    };
  }
}
