export * from './untrusted-text';
export * from './language';
export * from './chat/chat.prompt';
export * from './titles/title.prompt';
export * from './expense-parse/expense-parse.prompt';
export * from './suggestions/suggestions.prompt';
export * from './alerts/alert-wording.prompt';
export * from './reports';
