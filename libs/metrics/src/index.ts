export * from './metrics.module';
export * from './model-metrics';
export * from './scrape-auth';
