import { Db, ObjectId } from 'mongodb';

/**
 * Inserts income, expense, budget and debt documents shaped like the main backend's mongoose documents
 * (ObjectIds, Dates, isDeleted, timestamps, __v). Amounts are in major units, as the main backend stores them.
 */
function stamped<T extends object>(fields: T, at = new Date()) {
  return { _id: new ObjectId(), ...fields, isDeleted: false, createdAt: at, updatedAt: at, __v: 0 };
}

/** A moment safely inside the current month and already past. */
export const justNow = (): Date => new Date(Date.now() - 60_000);

export async function seedIncome(db: Db, userId: ObjectId, amount: number, receiveDate = justNow()): Promise<ObjectId> {
  const doc = stamped({ name: 'Salary', amount, receiveDate, frequency: 'monthly', userId });
  await db.collection('incomes').insertOne(doc);
  return doc._id;
}

export async function seedExpense(
  db: Db,
  userId: ObjectId,
  amount: number,
  extra: { name?: string; endDate?: Date; budgetId?: ObjectId } = {},
): Promise<ObjectId> {
  const doc = stamped({
    name: extra.name ?? 'Groceries at Tesco',
    amount,
    endDate: extra.endDate ?? justNow(),
    frequency: 'on-off',
    userId,
    ...(extra.budgetId ? { budgetId: extra.budgetId } : {}),
  });
  await db.collection('expenses').insertOne(doc);
  return doc._id;
}

export async function seedBudget(
  db: Db,
  userId: ObjectId,
  name: string,
  amount: number,
  category = 'Essential(Needs)',
): Promise<ObjectId> {
  const doc = stamped({ name, amount, type: 'personal', frequency: 'monthly', category, userId }, justNow());
  await db.collection('budgets').insertOne(doc);
  return doc._id;
}

export async function seedDebt(
  db: Db,
  userId: ObjectId,
  fields: { name?: string; amount: number; monthlyPayment: number; payDueDate?: Date; userInterestRate?: number },
): Promise<ObjectId> {
  const doc = stamped({
    name: fields.name ?? 'Credit card',
    amount: fields.amount,
    monthlyPayment: fields.monthlyPayment,
    AdHocPayment: 0,
    capitalRepayment: 0,
    interestRepayment: 0,
    userInterestRate: fields.userInterestRate ?? 19.9,
    payDueDate: fields.payDueDate ?? new Date(Date.now() + 10 * 86_400_000),
    completionRatio: 0,
    userId,
  });
  await db.collection('debts').insertOne(doc);
  return doc._id;
}
