import { ExpressAdapter } from '@bull-board/express';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { BullBoardModule } from '@bull-board/nestjs';
import { Module } from '@nestjs/common';
import cookieParser from 'cookie-parser';
import { AuthModule, AuthService } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ALL_QUEUES } from '@app/queue';
import { queueBoardAuth } from './queue-board-auth';
import { refuseCrossSiteWrites } from './queue-board-same-origin';
import { QueueBoardSessions } from './queue-board-session';
import { queueBoardSignIn } from './queue-board-sign-in';

export const QUEUE_BOARD_ROUTE = '/admin/queues';

/**
 * Bull Board over every queue: operators see waiting, active, failed (with reasons) and can retry. In front of
 * it, in order: cross-site writes refused, the admin sign-in pages, then authentication.
 */
@Module({
  imports: [
    BullBoardModule.forRootAsync({
      imports: [AuthModule],
      inject: [AuthService, APP_CONFIG],
      useFactory: (auth: AuthService, config: AppConfig) => {
        const sessions = new QueueBoardSessions(config.auth.jwtSecret, config.queueBoard.sessionTtlMs);
        const base = QUEUE_BOARD_ROUTE;
        return {
          route: QUEUE_BOARD_ROUTE,
          adapter: ExpressAdapter,
          middleware: [
            refuseCrossSiteWrites,
            cookieParser(),
            queueBoardSignIn({ auth, sessions, base }),
            queueBoardAuth({ auth, config, sessions, base }),
          ],
          boardOptions: {
            uiConfig: {
              boardTitle: 'finance-ai-brain',
              miscLinks: [{ text: 'Session / sign out', url: `${base}/sign-in` }],
            },
          },
        };
      },
    }),
    BullBoardModule.forFeature(...ALL_QUEUES.map((name) => ({ name, adapter: BullMQAdapter }))),
  ],
})
export class QueueBoardModule {}
