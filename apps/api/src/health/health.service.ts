import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectConnection } from '@nestjs/mongoose';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { Connection } from 'mongoose';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ALL_QUEUES, REDIS_CLIENT } from '@app/queue';

export interface CheckResult {
  status: 'up' | 'down';
  latencyMs?: number;
  error?: string;
}

export interface QueueState extends CheckResult {
  waiting?: number;
  active?: number;
  delayed?: number;
  failed?: number;
  workers?: number;
}

export type HealthStatus = 'ok' | 'unavailable';

/** What anyone may see: up or down, nothing about what is behind it. */
export interface PublicHealth {
  status: HealthStatus;
}

/** For admins and the metrics token. */
export interface HealthReport extends PublicHealth {
  checks: { mongo: CheckResult; redis: CheckResult; queues: Record<string, QueueState> };
  model: { mode: 'offline-demo' | 'remote' };
  uptimeSeconds: number;
}

const CHECK_TIMEOUT_MS = 1500;

export function withTimeout<T>(p: Promise<T>, ms = CHECK_TIMEOUT_MS): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref()),
  ]);
}

async function timed(check: () => Promise<unknown>): Promise<CheckResult> {
  const started = Date.now();
  try {
    await withTimeout(check());
    return { status: 'up', latencyMs: Date.now() - started };
  } catch (err) {
    return { status: 'down', error: failureCode(err) };
  }
}

/** Even in the detailed report: what kind of failure, never the driver's message (hosts, ports, credentials). */
function failureCode(err: unknown): string {
  return err instanceof Error && /timed out/.test(err.message) ? 'timeout' : 'unreachable';
}

@Injectable()
export class HealthService {
  private readonly queues: Queue[];

  constructor(
    @InjectConnection() private readonly mongo: Connection,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    moduleRef: ModuleRef,
  ) {
    this.queues = ALL_QUEUES.map((name) => moduleRef.get<Queue>(getQueueToken(name), { strict: false }));
  }

  async report(): Promise<HealthReport> {
    const [mongo, redis] = await Promise.all([
      timed(async () => {
        if (!this.mongo.db) throw new Error('not connected');
        await this.mongo.db.admin().command({ ping: 1 });
      }),
      timed(() => this.redis.ping()),
    ]);
    const queues: Record<string, QueueState> = {};
    await Promise.all(
      this.queues.map(async (q) => {
        try {
          const [counts, workers] = await withTimeout(
            Promise.all([q.getJobCounts('waiting', 'active', 'delayed', 'failed'), q.getWorkersCount()]),
          );
          queues[q.name] = { status: 'up', ...counts, workers };
        } catch (err) {
          queues[q.name] = { status: 'down', error: failureCode(err) };
        }
      }),
    );
    const allUp =
      mongo.status === 'up' && redis.status === 'up' && Object.values(queues).every((q) => q.status === 'up');
    return {
      status: allUp ? 'ok' : 'unavailable',
      checks: { mongo, redis, queues },
      model: { mode: this.config.llm.offlineDemo ? 'offline-demo' : 'remote' },
      uptimeSeconds: Math.round(process.uptime()),
    };
  }
}
