import { AiUsageSchema } from './ai-usage.schema';
import { AlertSchema } from './alert.schema';
import { ConversationSchema } from './conversation.schema';
import { ExpenseParseSchema } from './expense-parse.schema';
import { MessageSchema } from './message.schema';
import { ReportSchema } from './report.schema';
import { SuggestionSchema } from './suggestion.schema';

export * from './ai-usage.schema';
export * from './conversation.schema';
export * from './expense-parse.schema';
export * from './message.schema';
export * from './report.schema';
export * from './suggestion.schema';
export * from './alert.schema';

export const OWN_MODELS = [
  { name: 'ExpenseParse', schema: ExpenseParseSchema },
  { name: 'AiUsage', schema: AiUsageSchema },
  { name: 'Conversation', schema: ConversationSchema },
  { name: 'Message', schema: MessageSchema },
  { name: 'Report', schema: ReportSchema },
  { name: 'Suggestion', schema: SuggestionSchema },
  { name: 'Alert', schema: AlertSchema },
];
