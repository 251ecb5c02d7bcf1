import { Module } from '@nestjs/common';
import { AiUsageController } from './ai-usage.controller';

@Module({ controllers: [AiUsageController] })
export class AdminModule {}
