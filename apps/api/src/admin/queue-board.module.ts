import { ExpressAdapter } from '@bull-board/express';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { BullBoardModule } from '@bull-board/nestjs';
import { getQueueToken } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Queue } from 'bullmq';
import cookieParser from 'cookie-parser';
import { AuthModule, AuthService } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ALL_QUEUES } from '@app/queue';
import { RedisLimiterFactory } from '../limits/redis-limiter.factory';
import { queueBoardAuth } from './queue-board-auth';
import { boardViewHooks, readOnlyBoard } from './queue-board-read-only';
import { refuseCrossSiteWrites } from './queue-board-same-origin';
import { QueueBoardSessions } from './queue-board-session';
import { queueBoardSignIn } from './queue-board-sign-in';

export const QUEUE_BOARD_ROUTE = '/admin/queues';

/**
 * Bull Board over every queue, read-only: operators and admins see waiting, active and failed jobs (with
 * reasons); an admin may retry a failed job, nothing else changes a queue. In front of it, in order: cross-site
 * writes refused, the admin sign-in pages, authentication, then the read-only gate.
 */
@Module({
  imports: [
    BullBoardModule.forRootAsync({
      imports: [AuthModule],
      inject: [AuthService, APP_CONFIG, RedisLimiterFactory, ModuleRef],
      useFactory: (auth: AuthService, config: AppConfig, limiters: RedisLimiterFactory, moduleRef: ModuleRef) => {
        const sessions = new QueueBoardSessions(config.auth.jwtSecret, config.queueBoard.sessionTtlMs);
        const base = QUEUE_BOARD_ROUTE;
        const basicAuthAttempts = limiters.create({
          scope: 'board-basic-auth',
          points: config.queueBoard.authFailureLimit,
          windowMs: config.queueBoard.authFailureWindowMs,
        });
        const boardQueues = new Set<string>(ALL_QUEUES);
        const findJob = async (queueName: string, jobId: string) =>
          boardQueues.has(queueName)
            ? moduleRef.get<Queue>(getQueueToken(queueName), { strict: false }).getJob(jobId)
            : undefined;
        return {
          route: QUEUE_BOARD_ROUTE,
          adapter: ExpressAdapter,
          middleware: [
            refuseCrossSiteWrites,
            cookieParser(),
            queueBoardSignIn({ auth, sessions, base }),
            queueBoardAuth({ auth, config, sessions, base, basicAuthAttempts }),
            readOnlyBoard(findJob),
          ],
          boardOptions: {
            uiConfig: {
              boardTitle: 'finance-ai-brain',
              miscLinks: [{ text: 'Session / sign out', url: `${base}/sign-in` }],
            },
            handlerHooks: boardViewHooks,
          },
        };
      },
    }),
    // Not readOnlyMode: the library would then refuse an admin's retry too. readOnlyBoard enforces read-only.
    BullBoardModule.forFeature(
      ...ALL_QUEUES.map((name) => ({
        name,
        adapter: BullMQAdapter,
        options: { readOnlyMode: false, allowRetries: true, allowCompletedRetries: false },
      })),
    ),
  ],
})
export class QueueBoardModule {}
