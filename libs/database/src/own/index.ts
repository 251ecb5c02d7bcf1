import { AiUsageSchema } from './ai-usage.schema';
import { ExpenseParseSchema } from './expense-parse.schema';

export * from './ai-usage.schema';
export * from './expense-parse.schema';

export const OWN_MODELS = [
  { name: 'ExpenseParse', schema: ExpenseParseSchema },
  { name: 'AiUsage', schema: AiUsageSchema },
];
