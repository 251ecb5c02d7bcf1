import { type ConnectionOptions, Queue } from 'bullmq';
import { redisOptions } from '@app/queue';

/**
 * A BullMQ handle on one of the deployment's queues (REDIS_URL and QUEUE_PREFIX from the environment the bench gave
 * its children), for watching work from Redis rather than polling the MongoDB whose load is being measured.
 */
export function openQueue(env: Record<string, string>, name: string): Queue {
  return new Queue(name, {
    // bullmq's own RedisOptions type is narrower than ioredis' for some fields; the object is ioredis-valid.
    connection: redisOptions(env.REDIS_URL, 'worker') as ConnectionOptions,
    prefix: env.QUEUE_PREFIX,
  });
}
