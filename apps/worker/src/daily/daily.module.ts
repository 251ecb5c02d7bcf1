import { Module } from '@nestjs/common';
import { DailyFanOut } from './daily-fan-out';
import { DailySchedules } from './daily-schedules';

@Module({ providers: [DailyFanOut, DailySchedules], exports: [DailyFanOut] })
export class DailyModule {}
