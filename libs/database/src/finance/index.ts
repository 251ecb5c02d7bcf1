export * from './finance-inputs.repository';
export * from './financial-context.service';
