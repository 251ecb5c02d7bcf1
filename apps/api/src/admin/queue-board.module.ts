import { ExpressAdapter } from '@bull-board/express';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { BullBoardModule } from '@bull-board/nestjs';
import { Module } from '@nestjs/common';
import { AuthModule, AuthService } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ALL_QUEUES } from '@app/queue';
import { queueBoardAuth } from './queue-board-auth';

export const QUEUE_BOARD_ROUTE = '/admin/queues';

/** Bull Board over every queue: operators see waiting, active, failed (with reasons) and can retry. */
@Module({
  imports: [
    BullBoardModule.forRootAsync({
      imports: [AuthModule],
      inject: [AuthService, APP_CONFIG],
      useFactory: (auth: AuthService, config: AppConfig) => ({
        route: QUEUE_BOARD_ROUTE,
        adapter: ExpressAdapter,
        middleware: queueBoardAuth(auth, config),
        boardOptions: { uiConfig: { boardTitle: 'finance-ai-brain' } },
      }),
    }),
    BullBoardModule.forFeature(...ALL_QUEUES.map((name) => ({ name, adapter: BullMQAdapter }))),
  ],
})
export class QueueBoardModule {}
