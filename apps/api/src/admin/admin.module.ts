import { Module } from '@nestjs/common';
import { AiUsageController } from './ai-usage.controller';
import { QueueBoardModule } from './queue-board.module';

@Module({ imports: [QueueBoardModule], controllers: [AiUsageController] })
export class AdminModule {}
