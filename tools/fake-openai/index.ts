export { startFakeOpenAI } from './server';
export { createDemoResponder, demoResponder, DEMO_LABEL, type DemoResponderOptions } from './demo-responder';
export { sampleFromJsonSchema, type JsonSchema, type JsonSchemaObject } from './schema-sampler';
export { matchers } from './script-queue';
export { contentText, lastUserText, systemPrompt } from './chat-text';
export { realmSafeFetch } from './realm-safe-fetch';
export type * from './types';
