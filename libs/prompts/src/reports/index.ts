export * from './report-facts';
export * from './report.prompt';
