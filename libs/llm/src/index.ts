export * from './cost';
export * from './llm-error';
export * from './llm.module';
export * from './llm.service';
export * from './structured-output';
export * from './token-estimate';
