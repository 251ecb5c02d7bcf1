export * from './finance-inputs.repository';
export * from './financial-context.service';
export * from './financial-snapshot.service';
export * from './figures-valid-until';
export * from './ledger-version.repository';
export * from './ledger-search.repository';
