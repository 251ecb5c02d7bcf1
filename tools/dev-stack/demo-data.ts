import { Db, ObjectId } from 'mongodb';

export interface DemoUsers {
  user: { id: string; email: string };
  admin: { id: string; email: string };
}

const DEMO_EMAILS = { user: 'demo@example.com', admin: 'admin@example.com' } as const;

/**
 * The demo users, seeding the demo data first when the database does not have them yet. A persistent database
 * (a mongod keeping its files in .data/) is seeded once; later starts reuse its users and whatever was added since.
 */
export async function ensureDemoData(db: Db): Promise<{ users: DemoUsers; seeded: boolean }> {
  const existing = await findDemoUsers(db);
  if (existing) return { users: existing, seeded: false };
  return { users: await seedDemoData(db), seeded: true };
}

async function findDemoUsers(db: Db): Promise<DemoUsers | null> {
  const found = await db
    .collection('users')
    .find({ email: { $in: Object.values(DEMO_EMAILS) }, isDeleted: false }, { projection: { email: 1 } })
    .toArray();
  const byEmail = new Map(found.map((u) => [u.email as string, (u._id as ObjectId).toHexString()]));
  const user = byEmail.get(DEMO_EMAILS.user);
  const admin = byEmail.get(DEMO_EMAILS.admin);
  if (!user || !admin) return null;
  return { user: { id: user, email: DEMO_EMAILS.user }, admin: { id: admin, email: DEMO_EMAILS.admin } };
}

function monthsAgo(n: number, day: number, now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - n, day, 12));
}

/**
 * Seeds the embedded database with documents shaped like the main backend's: one user with three months
 * of materialised salary and bills, budgets, debts and a saving goal, plus an admin. Only ever used on the
 * embedded database the launcher started itself.
 */
async function seedDemoData(db: Db): Promise<DemoUsers> {
  const now = new Date();
  const userId = new ObjectId();
  const adminId = new ObjectId();
  const stamp = { createdAt: now, updatedAt: now, isDeleted: false };
  await db.collection('users').insertMany([
    {
      _id: userId,
      name: 'Demo User',
      email: DEMO_EMAILS.user,
      role: 'USER',
      status: 'active',
      partnerId: null,
      ...stamp,
    },
    {
      _id: adminId,
      name: 'Demo Admin',
      email: DEMO_EMAILS.admin,
      role: 'ADMIN',
      status: 'active',
      partnerId: null,
      ...stamp,
    },
  ]);

  const groceries = new ObjectId();
  const fun = new ObjectId();
  await db.collection('budgets').insertMany(
    [0, 1, 2].flatMap((m) => [
      {
        _id: m === 0 ? groceries : new ObjectId(),
        name: 'Groceries',
        amount: 350,
        type: 'personal',
        frequency: 'monthly',
        category: 'Essential(Needs)',
        userId,
        ...stamp,
        createdAt: monthsAgo(m, 1),
      },
      {
        _id: m === 0 ? fun : new ObjectId(),
        name: 'Going out',
        amount: 150,
        type: 'personal',
        frequency: 'monthly',
        category: 'Discretionary(Wants)',
        userId,
        ...stamp,
        createdAt: monthsAgo(m, 1),
      },
    ]),
  );
  await db.collection('incomes').insertMany(
    [0, 1, 2].map((m) => ({
      name: 'Salary',
      amount: 2850,
      receiveDate: monthsAgo(m, 1),
      frequency: 'monthly',
      userId,
      ...stamp,
    })),
  );
  const expenses = [0, 1, 2].flatMap((m) => [
    { name: 'Rent', amount: 1150, endDate: monthsAgo(m, 2), frequency: 'monthly' },
    {
      name: 'Tesco groceries',
      amount: 92.4,
      endDate: monthsAgo(m, 6),
      frequency: 'on-off',
      budgetId: m === 0 ? groceries : undefined,
    },
    {
      name: 'Tesco groceries',
      amount: 88.15,
      endDate: monthsAgo(m, 16),
      frequency: 'on-off',
      budgetId: m === 0 ? groceries : undefined,
    },
    { name: 'Netflix', amount: 10.99, endDate: monthsAgo(m, 9), frequency: 'monthly' },
    { name: 'Spotify', amount: 11.99, endDate: monthsAgo(m, 11), frequency: 'monthly' },
    {
      name: 'Dinner out',
      amount: 64 + m * 9,
      endDate: monthsAgo(m, 14),
      frequency: 'on-off',
      budgetId: m === 0 ? fun : undefined,
    },
    { name: 'Electricity', amount: 78.3, endDate: monthsAgo(m, 20), frequency: 'monthly' },
  ]);
  // This month's "Going out" budget is blown by more than 25%: a high red flag, so admins have an alert to act on.
  expenses.push({
    name: 'Concert tickets',
    amount: 196.5,
    endDate: monthsAgo(0, 1),
    frequency: 'on-off',
    budgetId: fun,
  });
  await db.collection('expenses').insertMany(expenses.map((e) => ({ ...e, userId, ...stamp })));
  await db.collection('debts').insertMany([
    {
      name: 'Credit card',
      amount: 2400,
      monthlyPayment: 120,
      AdHocPayment: 0,
      capitalRepayment: 84,
      interestRepayment: 36,
      userInterestRate: 22.9,
      payDueDate: monthsAgo(-1, 5),
      completionRatio: 20,
      userId,
      ...stamp,
    },
    {
      name: 'Car loan',
      amount: 6800,
      monthlyPayment: 210,
      AdHocPayment: 0,
      capitalRepayment: 172,
      interestRepayment: 38,
      userInterestRate: null,
      payDueDate: monthsAgo(-1, 12),
      completionRatio: 35,
      userId,
      ...stamp,
    },
  ]);
  await db.collection('savinggoals').insertOne({
    name: 'Emergency fund',
    totalAmount: 5000,
    monthlyTarget: 200,
    savedMoney: 1400,
    completionRation: 28,
    date: monthsAgo(6, 1),
    completeDate: monthsAgo(-12, 1),
    isCompleted: false,
    userId,
    ...stamp,
  });
  return {
    user: { id: userId.toHexString(), email: DEMO_EMAILS.user },
    admin: { id: adminId.toHexString(), email: DEMO_EMAILS.admin },
  };
}
