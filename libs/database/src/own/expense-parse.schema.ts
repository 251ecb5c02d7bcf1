import { Schema, Types } from 'mongoose';

export type ExpenseParseStatus = 'processing' | 'completed' | 'failed';

/** How the model's reading of a field compares with a plain reading of the text (see the expense parse docs). */
export type ExpenseFieldCheck = 'agrees' | 'differs' | 'unchecked';

export interface ParsedExpense {
  amount: number;
  currency: string;
  category: string;
  description: string;
  /** ISO date (YYYY-MM-DD) the expense happened. */
  date: string;
  /** 'model': the model's answer checked against the text; 'text-parser': the offline reading alone. */
  source: 'model' | 'text-parser';
  checks: { amount: ExpenseFieldCheck; date: ExpenseFieldCheck };
  /** One sentence per disagreement or doubt, for the user to look at before saving. */
  warnings: string[];
}

export interface ExpenseParseDoc {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  text: string;
  status: ExpenseParseStatus;
  result?: ParsedExpense | null;
  error?: string | null;
  attempts: number;
  createdAt: Date;
  updatedAt: Date;
  completedAt?: Date | null;
}

export const ExpenseParseSchema = new Schema<ExpenseParseDoc>(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    text: { type: String, required: true },
    status: { type: String, required: true, enum: ['processing', 'completed', 'failed'] },
    result: { type: Schema.Types.Mixed, default: null },
    error: { type: String, default: null },
    attempts: { type: Number, default: 0 },
    completedAt: { type: Date, default: null },
  },
  { collection: 'expense_parses', timestamps: true, versionKey: false },
);
ExpenseParseSchema.index({ userId: 1, createdAt: -1 });
// The worker's recovery sweep: parses still processing, oldest first (UnfinishedWorkRepository).
ExpenseParseSchema.index(
  { updatedAt: 1 },
  { partialFilterExpression: { status: 'processing' }, name: 'parse_unfinished' },
);
