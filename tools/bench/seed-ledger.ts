import { Db, ObjectId } from 'mongodb';
import { FRESHNESS_INDEX, LEDGER_COLLECTIONS } from '@app/database';
import { seedUser, SeedUser } from '../../test/support/users';

export const BENCH_EXPENSES_PER_USER = 50;

/**
 * README ("Pointing it at the main backend") asks operators for FRESHNESS_INDEX on each ledger collection for the
 * ledger version's freshness check; creating them here indexes the bench database as production is, so the
 * benchmarks measure the reads production makes rather than collection scans.
 */
async function indexAsReadmeAsks(db: Db): Promise<void> {
  for (const name of LEDGER_COLLECTIONS) await db.collection(name).createIndex({ ...FRESHNESS_INDEX });
}

/** Fields every main-backend document carries (mongoose timestamps, soft delete, __v). */
function stamped<T extends object>(fields: T, at: Date) {
  return { _id: new ObjectId(), ...fields, isDeleted: false, createdAt: at, updatedAt: at, __v: 0 };
}

/**
 * Benchmark users with an ordinary month behind them: a monthly salary and BENCH_EXPENSES_PER_USER expenses this
 * month (what bench:chat has always seeded, so its figures compare with earlier runs), plus, with `budgetAndDebt`,
 * a budget and a credit-card debt so every report type has figures to work on. Shaped as the main backend writes
 * them, timestamps included; written in bulk, so seeding hundreds of users takes a moment, not a minute. The
 * collections end up indexed as README asks of production (FRESHNESS_INDEXED).
 */
export async function seedLedgerUsers(
  db: Db,
  count: number,
  { budgetAndDebt = false }: { budgetAndDebt?: boolean } = {},
): Promise<SeedUser[]> {
  const users = await Promise.all(Array.from({ length: count }, () => seedUser(db)));
  // A minute ago: inside the current month and already past, whatever the time zone.
  const at = new Date(Date.now() - 60_000);
  await db
    .collection('incomes')
    .insertMany(
      users.map((u) =>
        stamped({ name: 'Salary', amount: 2500, receiveDate: at, frequency: 'monthly', userId: u._id }, at),
      ),
    );
  await db
    .collection('expenses')
    .insertMany(
      users.flatMap((u) =>
        Array.from({ length: BENCH_EXPENSES_PER_USER }, (_, k) =>
          stamped({ name: `Shop ${k % 10}`, amount: 10 + k, endDate: at, frequency: 'on-off', userId: u._id }, at),
        ),
      ),
    );
  if (budgetAndDebt) await seedBudgetAndDebt(db, users, at);
  await indexAsReadmeAsks(db);
  return users;
}

async function seedBudgetAndDebt(db: Db, users: SeedUser[], at: Date): Promise<void> {
  await db.collection('budgets').insertMany(
    users.map((u) =>
      stamped(
        {
          name: 'Groceries',
          amount: 400,
          type: 'personal',
          frequency: 'monthly',
          category: 'Essential(Needs)',
          userId: u._id,
        },
        at,
      ),
    ),
  );
  await db.collection('debts').insertMany(
    users.map((u) =>
      stamped(
        {
          name: 'Credit card',
          amount: 3000,
          monthlyPayment: 120,
          AdHocPayment: 0,
          capitalRepayment: 0,
          interestRepayment: 0,
          userInterestRate: 19.9,
          payDueDate: new Date(Date.now() + 10 * 86_400_000),
          completionRatio: 0,
          userId: u._id,
        },
        at,
      ),
    ),
  );
}
