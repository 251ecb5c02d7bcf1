export * from './app-config';
export * from './config.module';
export { ConfigError } from './config.schema';
export { DEV_JWT_SECRET, OFFLINE_DEMO_API_KEY } from './development-defaults';
export { MIN_PRODUCTION_JWT_SECRET_BYTES } from './production-guard';
export { SERVICE_NODE_FLAGS } from './node-flags';
export { BUILT_IN_MODEL_PRICES, type ModelPrices } from './model-prices';
export * from './spending-caps-config';
export { VARIABLES } from './variables';
