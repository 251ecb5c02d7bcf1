import { Db, ObjectId, type Document } from 'mongodb';
import { addMonths, monthKey, monthRange } from '@app/finance';

/**
 * Users whose records are shaped as the main backend writes them (../shared/MAIN-BACKEND.md): recurring items
 * materialised one document per period, each copy made a period AHEAD and, for expenses, WITHOUT `budgetId`;
 * budgets with a free-text category and no date but `createdAt`; goals with `savedMoney`; debts that never lower
 * `amount`. Dates are relative to `now` in `timeZone`: `at(-1, 10)` is noon on the 10th of last month,
 * `past` lies between the start of this month and now, `future` between now and the end of this month.
 */

export interface TruthClock {
  now: Date;
  timeZone: string;
  at(monthOffset: number, day: number, hour?: number): Date;
  past: Date;
  future: Date;
}

export function truthClock(now: Date, timeZone: string): TruthClock {
  const current = monthKey(now, timeZone);
  const range = monthRange(current, timeZone);
  return {
    now,
    timeZone,
    at: (monthOffset, day, hour = 12) =>
      new Date(
        monthRange(addMonths(current, monthOffset), timeZone).start.getTime() + ((day - 1) * 24 + hour) * 3_600_000,
      ),
    past: new Date((range.start.getTime() + now.getTime()) / 2),
    future: new Date((now.getTime() + range.end.getTime()) / 2),
  };
}

const stamp = (at: Date) => ({ isDeleted: false, createdAt: at, updatedAt: at, __v: 0 });

export interface TruthUsers {
  saver: ObjectId;
  payer: ObjectId;
  early: ObjectId;
  manual: ObjectId;
  abroad: ObjectId;
  nowhere: ObjectId;
}

export async function seedTruthUsers(db: Db, c: TruthClock): Promise<TruthUsers> {
  const ids: TruthUsers = {
    saver: new ObjectId(),
    payer: new ObjectId(),
    early: new ObjectId(),
    manual: new ObjectId(),
    abroad: new ObjectId(),
    nowhere: new ObjectId(),
  };
  const user = (_id: ObjectId, extra: Document = {}) => ({
    _id,
    name: 'Truth',
    email: `${_id.toHexString()}@example.com`,
    password: '$2b$10$hash',
    role: 'USER',
    status: 'active',
    verified: true,
    partnerId: null,
    loginCount: 1,
    ...extra,
    ...stamp(c.at(-12, 1)),
  });
  await db.collection('users').insertMany([
    user(ids.saver),
    user(ids.payer),
    user(ids.early),
    user(ids.manual),
    // Not a field the main backend writes today: read when present and valid.
    user(ids.abroad, { timeZone: 'America/New_York' }),
    user(ids.nowhere, { timeZone: 'Mars/Olympus' }),
  ]);

  const incomes: Document[] = [];
  const expenses: Document[] = [];
  const budgets: Document[] = [];
  const income = (userId: ObjectId, name: string, amount: number, receiveDate: Date, frequency = 'monthly') =>
    incomes.push({ name, amount, receiveDate, frequency, userId, ...stamp(receiveDate) });
  // A copy is created on the day its previous row fell due: one period before its own date.
  const expense = (
    userId: ObjectId,
    name: string,
    amount: number,
    endDate: Date,
    frequency: string,
    budgetId?: ObjectId,
  ) =>
    expenses.push({
      name,
      amount,
      endDate,
      frequency,
      userId,
      ...(budgetId ? { budgetId } : {}),
      ...stamp(endDate),
    });
  const budget = (userId: ObjectId, name: string, amount: number, category: string, createdAt: Date) => {
    const _id = new ObjectId();
    budgets.push({ _id, name, amount, type: 'personal', frequency: 'monthly', category, userId, ...stamp(createdAt) });
    return _id;
  };

  // saver (issue items 1 and 13b). "Monthly transfer" began 9 months ago with a Savings budget (before the months
  // the context scans, so only the series seed can carry its category); every copy since has no budgetId.
  // "Weekend plans" began 2 months ago with a Wants budget; last month's row is its copy.
  const transfer = budget(ids.saver, 'Monthly transfer', 600, 'Savings', c.at(-9, 10));
  for (let m = -9; m <= 0; m++)
    expense(ids.saver, 'Monthly transfer', 600, c.at(m, 10), 'monthly', m === -9 ? transfer : undefined);
  const weekend = budget(ids.saver, 'Weekend plans', 2200, 'Discretionary(Wants)', c.at(-2, 5));
  expense(ids.saver, 'Weekend plans', 2200, c.at(-2, 5), 'monthly', weekend);
  expense(ids.saver, 'Weekend plans', 2200, c.at(-1, 5), 'monthly');
  for (const m of [-3, -2, -1]) income(ids.saver, 'Salary', 3000, c.at(m, 25));

  // payer (item 2). Last month: salary 3,000; rent 1,000; "Credit card payment" 300 (a copy: its series began the
  // month before with a Needs budget) paying the "Credit card" debt whose monthlyPayment is 300; restaurants 1,700.
  // Goals: Holiday (400 a month, nothing saved) and Car (reached: savedMoney = totalAmount, flag not yet set).
  const card = budget(ids.payer, 'Credit card payment', 300, 'Essential(Needs)', c.at(-2, 15));
  expense(ids.payer, 'Credit card payment', 300, c.at(-2, 15), 'monthly', card);
  expense(ids.payer, 'Credit card payment', 300, c.at(-1, 15), 'monthly');
  for (const m of [-2, -1]) {
    income(ids.payer, 'Salary', 3000, c.at(m, 25));
    expense(ids.payer, 'Rent', 1000, c.at(m, 1), 'monthly');
  }
  expense(ids.payer, 'Restaurants', 1700, c.at(-1, 20), 'on-off');

  // early and manual (items 3 and 13a): salary 2,500 on the 28th and rent 1,500 on the 1st in each of the last
  // three months; this month the rent is paid and a weekly gym of 10 with next week's copy already made. For
  // `early` this month's salary copy exists (dated later this month); `manual` records income by hand on payday.
  for (const who of [ids.early, ids.manual]) {
    for (const m of [-3, -2, -1]) {
      income(who, 'Salary', 2500, c.at(m, 28));
      expense(who, 'Rent', 1500, c.at(m, 1), 'monthly');
    }
    expense(who, 'Rent', 1500, c.past, 'monthly');
    expense(who, 'Gym', 10, c.past, 'weekly');
    expense(who, 'Gym', 10, c.future, 'weekly');
  }
  income(ids.early, 'Salary', 2500, c.future);

  for (const who of [ids.abroad, ids.nowhere]) {
    income(who, 'Salary', 2000, c.at(-1, 15));
    expense(who, 'Groceries', 50, c.at(-1, 16), 'on-off');
  }

  await db.collection('budgets').insertMany(budgets);
  await db.collection('incomes').insertMany(incomes);
  await db.collection('expenses').insertMany(expenses);
  await db.collection('debts').insertOne({
    name: 'Credit card',
    amount: 3000,
    monthlyPayment: 300,
    AdHocPayment: 0,
    capitalRepayment: 250,
    interestRepayment: 50,
    userInterestRate: 20,
    payDueDate: c.at(1, 15),
    completionRatio: 0,
    userId: ids.payer,
    ...stamp(c.at(-2, 15)),
  });
  await db.collection('savinggoals').insertMany([
    {
      name: 'Holiday',
      totalAmount: 2000,
      monthlyTarget: 400,
      savedMoney: 0,
      completionRation: 0,
      date: c.at(-2, 1),
      completeDate: c.at(3, 1),
      isCompleted: false,
      userId: ids.payer,
      ...stamp(c.at(-2, 1)),
    },
    {
      name: 'Car',
      totalAmount: 1000,
      monthlyTarget: 250,
      savedMoney: 1000,
      completionRation: 100,
      date: c.at(-6, 1),
      completeDate: c.at(-1, 1),
      isCompleted: false,
      userId: ids.payer,
      ...stamp(c.at(-6, 1)),
    },
  ]);
  return ids;
}
