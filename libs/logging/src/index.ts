export * from './app-logger';
export * from './redact';
export * from './logging.module';
