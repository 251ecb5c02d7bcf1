export * from './queues';
export * from './queue.module';
export * from './redis-options';
export * from './job-options';
export * from './user-events';
