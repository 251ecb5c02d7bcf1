import { Module } from '@nestjs/common';
import { AuthModule } from '@app/auth';
import { HealthAccess } from './health-access';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';

@Module({
  imports: [AuthModule],
  controllers: [HealthController],
  providers: [HealthService, HealthAccess],
  exports: [HealthService],
})
export class HealthModule {}
