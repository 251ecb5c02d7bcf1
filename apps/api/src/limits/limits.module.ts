import { Global, Module } from '@nestjs/common';
import { RateLimiterService } from './rate-limiter.service';
import { RedisLimiterFactory } from './redis-limiter.factory';

@Global()
@Module({ providers: [RateLimiterService, RedisLimiterFactory], exports: [RateLimiterService, RedisLimiterFactory] })
export class LimitsModule {}
