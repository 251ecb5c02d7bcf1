import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConnectionOptions } from 'bullmq';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@app/config';
import { defaultJobOptions } from './job-options';
import { ALL_QUEUES } from './queues';
import { redisOptions, RedisRole } from './redis-options';
import { UserEventsPublisher } from './user-events';

/** A general-purpose client (health checks, rate limits, pub/sub publishing) separate from BullMQ's own. */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

@Injectable()
class RedisClientCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}
  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}

@Global()
@Module({})
export class QueueModule {
  static forRoot(role: Exclude<RedisRole, 'client'>): DynamicModule {
    // Only the worker publishes user events; api instances deliver them through the Socket.IO adapter.
    const publisher = role === 'worker' ? [UserEventsPublisher] : [];
    return {
      module: QueueModule,
      imports: [
        BullModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            // bullmq's own RedisOptions type is narrower than ioredis' for some fields; the object is ioredis-valid.
            connection: redisOptions(config.redis.url, role) as ConnectionOptions,
            prefix: config.queue.prefix,
            defaultJobOptions: defaultJobOptions(config),
          }),
        }),
        BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name }))),
      ],
      providers: [
        {
          provide: REDIS_CLIENT,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => new Redis(redisOptions(config.redis.url, 'client')),
        },
        RedisClientCloser,
        ...publisher,
      ],
      exports: [BullModule, REDIS_CLIENT, ...publisher],
    };
  }
}
