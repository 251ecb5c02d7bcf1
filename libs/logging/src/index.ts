export * from './json-logger';
export * from './redact';
export * from './logging.module';
