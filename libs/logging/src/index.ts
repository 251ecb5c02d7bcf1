export * from './app-logger';
export * from './log-destination';
export * from './redact';
export * from './logging.module';
