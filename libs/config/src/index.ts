export * from './app-config';
export * from './config.module';
export { ConfigError } from './config.schema';
export { VARIABLES } from './variables';
