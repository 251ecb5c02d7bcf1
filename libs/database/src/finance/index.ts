export * from './finance-inputs.repository';
export * from './financial-context.service';
export * from './ledger-version.repository';
