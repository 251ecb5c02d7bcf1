import { Schema, Types } from 'mongoose';
import { mainBackendReadOnly } from './read-only.plugin';

/**
 * Read-only views of the main backend's collections (mongoose plurals), with the fields its own schemas give them
 * (README: "Pointing it at the main backend"). `strict: false` on reads keeps fields they add later from being
 * dropped silently.
 */
function readOnlySchema<T>(collection: string, definition: Record<string, unknown>): Schema<T> {
  const schema = new Schema<T>(definition, { collection, timestamps: false, strict: false });
  mainBackendReadOnly(schema, collection);
  return schema;
}

const base = { isDeleted: Boolean, createdAt: Date, updatedAt: Date };

export interface UserDoc {
  _id: Types.ObjectId;
  name?: string;
  email?: string;
  role?: string;
  status?: string;
  isDeleted?: boolean;
  partnerId?: Types.ObjectId | null;
  /** Not written by the main backend today; read (when a valid IANA zone) so a user's months can be their own. */
  timeZone?: string;
  createdAt?: Date;
}
export const UserSchema = readOnlySchema<UserDoc>('users', {
  ...base,
  name: String,
  email: String,
  role: String,
  status: String,
  partnerId: { type: Schema.Types.ObjectId, default: null },
});

export interface IncomeDoc {
  _id: Types.ObjectId;
  name: string;
  amount: number;
  receiveDate: Date;
  frequency: 'on-off' | 'monthly' | 'yearly';
  userId: Types.ObjectId;
  isDeleted?: boolean;
  createdAt?: Date;
}
export const IncomeSchema = readOnlySchema<IncomeDoc>('incomes', {
  ...base,
  name: String,
  amount: Number,
  receiveDate: Date,
  frequency: String,
  userId: Schema.Types.ObjectId,
});

export interface ExpenseDoc {
  _id: Types.ObjectId;
  name: string;
  amount: number;
  endDate: Date;
  frequency: 'on-off' | 'weekly' | 'monthly' | 'yearly';
  userId: Types.ObjectId;
  budgetId?: Types.ObjectId | null;
  isDeleted?: boolean;
  createdAt?: Date;
}
export const ExpenseSchema = readOnlySchema<ExpenseDoc>('expenses', {
  ...base,
  name: String,
  amount: Number,
  endDate: Date,
  frequency: String,
  userId: Schema.Types.ObjectId,
  budgetId: Schema.Types.ObjectId,
});

export interface BudgetDoc {
  _id: Types.ObjectId;
  name: string;
  amount: number;
  type: 'personal' | 'household';
  frequency: 'on-off' | 'monthly';
  category: string;
  userId: Types.ObjectId;
  expensesId?: Types.ObjectId[] | Types.ObjectId;
  isDeleted?: boolean;
  createdAt: Date;
}
export const BudgetSchema = readOnlySchema<BudgetDoc>('budgets', {
  ...base,
  name: String,
  amount: Number,
  type: String,
  frequency: String,
  category: String,
  userId: Schema.Types.ObjectId,
  expensesId: Schema.Types.Mixed,
});

export interface DebtDoc {
  _id: Types.ObjectId;
  name: string;
  amount: number;
  monthlyPayment?: number;
  AdHocPayment?: number;
  capitalRepayment?: number;
  interestRepayment?: number;
  userInterestRate?: number | null;
  payDueDate?: Date;
  completionRatio?: number;
  userId: Types.ObjectId;
  isDeleted?: boolean;
}
export const DebtSchema = readOnlySchema<DebtDoc>('debts', {
  ...base,
  name: String,
  amount: Number,
  monthlyPayment: Number,
  AdHocPayment: Number,
  capitalRepayment: Number,
  interestRepayment: Number,
  userInterestRate: Number,
  payDueDate: Date,
  completionRatio: Number,
  userId: Schema.Types.ObjectId,
});

export interface SavingGoalDoc {
  _id: Types.ObjectId;
  name: string;
  totalAmount?: number;
  monthlyTarget?: number;
  savedMoney?: number;
  completionRation?: number;
  date?: Date;
  completeDate?: Date;
  isCompleted?: boolean;
  userId: Types.ObjectId;
  isDeleted?: boolean;
}
export const SavingGoalSchema = readOnlySchema<SavingGoalDoc>('savinggoals', {
  ...base,
  name: String,
  totalAmount: Number,
  monthlyTarget: Number,
  savedMoney: Number,
  completionRation: Number,
  date: Date,
  completeDate: Date,
  isCompleted: Boolean,
  userId: Schema.Types.ObjectId,
});

export interface SubscriptionDoc {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  status: 'active' | 'inactive' | 'expired' | 'canceled';
  productId?: string;
  isDeleted?: boolean;
}
export const SubscriptionSchema = readOnlySchema<SubscriptionDoc>('subscriptions', {
  ...base,
  userId: Schema.Types.ObjectId,
  status: String,
  productId: Schema.Types.Mixed,
});

/** Model names double as the provider tokens for @InjectModel. */
export const MAIN_BACKEND_MODELS = [
  { name: 'User', schema: UserSchema },
  { name: 'Income', schema: IncomeSchema },
  { name: 'Expense', schema: ExpenseSchema },
  { name: 'Budget', schema: BudgetSchema },
  { name: 'Debt', schema: DebtSchema },
  { name: 'SavingGoal', schema: SavingGoalSchema },
  { name: 'Subscription', schema: SubscriptionSchema },
];
