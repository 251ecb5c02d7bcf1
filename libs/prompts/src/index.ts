export * from './untrusted-text';
export * from './language';
export * from './chat/chat.prompt';
export * from './titles/title.prompt';
export * from './expense-parse/expense-parse.prompt';
