export * from './report-facts';
export * from './report.prompt';
export * from './figure-check';
