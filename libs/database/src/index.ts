export * from './database.module';
export * from './object-id';
export * from './main-backend/schemas';
export * from './main-backend/read-only.plugin';
export * from './own';
export * from './users.repository';
export * from './expense-parses.repository';
export * from './ai-usage.repository';
