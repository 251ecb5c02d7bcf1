export * from './untrusted-text';
export * from './expense-parse/expense-parse.prompt';
