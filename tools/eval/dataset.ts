import { Db, ObjectId, type Document } from 'mongodb';
import { addDaysToDateKey, localDateKey, monthKey } from '@app/finance';
import { truthClock, type TruthClock } from '../../test/finance-truth/seed';

/**
 * The eval's fixed ledger, shaped as the main backend writes it (../shared/MAIN-BACKEND.md): recurring incomes and
 * expenses materialised one document per period, each copy already made one period AHEAD and, for expenses, without
 * `budgetId` (the series' first row has it); budgets with a free-text category, no date but `createdAt`, and the
 * monthly copies the main backend's cron makes (without `expensesId`); debts that never lower `amount` and carry the
 * app's progress in `completionRatio`; goals with `savedMoney`.
 *
 * The amounts never change; the dates are relative to the current month in EVAL_TIME_ZONE (the api reads the real
 * clock), so "last month" and "this month" always mean the same rows. Every row of this month is dated in the first
 * minute of the 1st (DUE_HOUR), so it is in the past all month long, and every copy made ahead is in a later month.
 * Each row also says, by hand, the bucket the app should put it in: the expected figures are worked out from these
 * rows with plain arithmetic (expected.ts), never by the app's own code.
 *
 * Three users: the one who asks, their partner (mutual partnerId: a household budget is shared) and a stranger; the
 * partner's and the stranger's own records must never reach the user's answers.
 */

export const EVAL_TIME_ZONE = 'Europe/London';

export type Who = 'user' | 'partner' | 'other';
export type Bucket = 'needs' | 'wants' | 'savings';

/** A moment relative to the start of this month: `month` months on (negative: earlier), local day and hour. */
export interface Moment {
  month: number;
  day: number;
  hour: number;
}

export interface EvalBudget {
  key: string;
  who: Who;
  name: string;
  amount: number;
  type: 'personal' | 'household';
  category: string;
  created: Moment;
  /** The cron's monthly copies (same name and amount), by the day they were made; ones not made yet are skipped. */
  copies: Moment[];
}

export interface EvalExpense {
  who: Who;
  name: string;
  amount: number;
  at: Moment;
  frequency: 'on-off' | 'weekly' | 'monthly' | 'yearly';
  /** The budget the row itself names (a recurring copy names none: it inherits its series'). */
  budget?: string;
  /** The budget of its series, for a copy: what the app should file it under. */
  seriesBudget?: string;
  deleted?: boolean;
  /** Hand-labelled: where the app should count it (its budget's category, else its name's). */
  bucket: Bucket;
}

export interface EvalIncome {
  who: Who;
  name: string;
  amount: number;
  at: Moment;
  frequency: 'on-off' | 'monthly' | 'yearly';
}

export interface EvalDebt {
  who: Who;
  name: string;
  amount: number;
  completionRatio: number;
  monthlyPayment: number;
  capitalRepayment: number;
  interestRepayment: number;
  userInterestRate: number;
  /** Hand-worked: the APR the app should simulate, in hundredths of a percent. */
  aprBp: number;
  payDue: Moment;
}

export interface EvalGoal {
  who: Who;
  name: string;
  totalAmount: number;
  savedMoney: number;
  monthlyTarget: number;
  start: Moment;
  completeBy: Moment;
  isCompleted: boolean;
}

export interface EvalUsers {
  user: ObjectId;
  partner: ObjectId;
  other: ObjectId;
}

export interface EvalDataset {
  now: Date;
  timeZone: string;
  clock: TruthClock;
  budgets: EvalBudget[];
  incomes: EvalIncome[];
  expenses: EvalExpense[];
  debts: EvalDebt[];
  goals: EvalGoal[];
  /** 'YYYY-MM' of the month `offset` months from this one. */
  month(offset: number): string;
  /** First and last local day ('YYYY-MM-DD') of that month. */
  firstDay(offset: number): string;
  lastDay(offset: number): string;
  /** Today, local. */
  today: string;
}

const at = (month: number, day: number, hour = 12): Moment => ({ month, day, hour });
/**
 * When this month's rows (and every recurring row) fall due: 36 seconds into the 1st, so in the past all month long
 * (the harness waits out those seconds when it starts in them), and every copy made ahead in a later month.
 */
export const DUE_HOUR = 0.01;
const DUE = DUE_HOUR;

/**
 * A monthly series from `from` to `to` (inclusive; months after this one are the copies made ahead). Only the first
 * row names its budget, as the main backend writes them.
 */
function monthlySeries(
  name: string,
  amount: number,
  from: number,
  to: number,
  bucket: Bucket,
  budget?: string,
): EvalExpense[] {
  const rows: EvalExpense[] = [];
  for (let m = from; m <= to; m++) {
    rows.push({
      who: 'user',
      name,
      amount,
      at: at(m, 1, DUE),
      frequency: 'monthly',
      ...(budget && m === from ? { budget } : {}),
      ...(budget && m !== from ? { seriesBudget: budget } : {}),
      bucket,
    });
  }
  return rows;
}

const oneOff = (
  who: Who,
  name: string,
  amount: number,
  when: Moment,
  bucket: Bucket,
  extra: Partial<EvalExpense> = {},
): EvalExpense => ({ who, name, amount, at: when, frequency: 'on-off', bucket, ...extra });

export const BUDGETS: EvalBudget[] = [
  {
    key: 'rent',
    who: 'user',
    name: 'Rent',
    amount: 1200,
    type: 'personal',
    category: 'Essential(Needs)',
    created: at(-3, 1, 0),
    copies: [],
  },
  // No savings word in the name: only the series' budget makes its copies "moved to savings".
  {
    key: 'transfer',
    who: 'user',
    name: 'Monthly transfer',
    amount: 300,
    type: 'personal',
    category: 'Savings',
    created: at(-3, 1, 0),
    copies: [],
  },
  {
    key: 'groceries',
    who: 'user',
    name: 'Groceries',
    amount: 400,
    type: 'personal',
    category: 'Essential(Needs)',
    created: at(-3, 15),
    // Copied the day before a month is up, so each copy a day earlier than the last.
    copies: [at(-2, 14), at(-1, 13), at(0, 12)],
  },
  {
    key: 'eatingOut',
    who: 'user',
    name: 'Eating out',
    amount: 150,
    type: 'personal',
    category: 'Discretionary(Wants)',
    created: at(-3, 2),
    copies: [],
  },
  {
    key: 'household',
    who: 'user',
    name: 'Household bills',
    amount: 250,
    type: 'household',
    category: 'Essential(Needs)',
    created: at(-3, 2),
    copies: [],
  },
  // The partner's own personal budget: not shared, never the user's.
  {
    key: 'partnerFun',
    who: 'partner',
    name: 'Gadgets',
    amount: 500,
    type: 'personal',
    category: 'Discretionary(Wants)',
    created: at(-2, 3),
    copies: [],
  },
];

export const INCOMES: EvalIncome[] = [
  // Paid on the 1st; next month's copy is already recorded.
  ...[-3, -2, -1, 0, 1].map((m): EvalIncome => ({
    who: 'user',
    name: 'Salary',
    amount: 3200,
    at: at(m, 1, DUE),
    frequency: 'monthly',
  })),
  { who: 'user', name: 'Freelance design', amount: 450, at: at(-1, 14), frequency: 'on-off' },
  { who: 'partner', name: 'Salary', amount: 2800, at: at(-1, 1, DUE), frequency: 'monthly' },
  { who: 'other', name: 'Salary', amount: 9999, at: at(-1, 1, DUE), frequency: 'monthly' },
];

export const EXPENSES: EvalExpense[] = [
  ...monthlySeries('Rent', 1200, -3, 1, 'needs', 'rent'),
  ...monthlySeries('Monthly transfer', 300, -3, 1, 'savings', 'transfer'),
  ...monthlySeries('Netflix', 10.99, -3, 1, 'wants'),
  ...monthlySeries('Spotify', 11.99, -3, 1, 'wants'),
  // A yearly charge: last year's, this year's (a copy) and next year's copy.
  { who: 'user', name: 'Amazon Prime', amount: 95, at: at(-14, 10), frequency: 'yearly', bucket: 'wants' },
  { who: 'user', name: 'Amazon Prime', amount: 95, at: at(-2, 10), frequency: 'yearly', bucket: 'wants' },
  { who: 'user', name: 'Amazon Prime', amount: 95, at: at(10, 10), frequency: 'yearly', bucket: 'wants' },

  oneOff('user', 'Tesco', 73.1, at(-3, 12), 'needs', { budget: 'groceries' }),
  oneOff('user', 'Tesco', 58.2, at(-2, 4), 'needs', { budget: 'groceries' }),
  oneOff('user', 'Tesco', 66.85, at(-2, 18), 'needs', { budget: 'groceries' }),
  oneOff('user', 'Tesco', 62.4, at(-1, 3), 'needs', { budget: 'groceries' }),
  oneOff('user', 'Tesco', 48.15, at(-1, 10), 'needs', { budget: 'groceries' }),
  oneOff('user', 'Tesco', 71.3, at(-1, 17), 'needs', { budget: 'groceries' }),
  oneOff('user', 'Tesco', 55.65, at(-1, 24), 'needs', { budget: 'groceries' }),
  oneOff('user', 'Tesco', 12.5, at(0, 1, DUE), 'needs', { budget: 'groceries' }),
  // Deleted in the app: never counted.
  oneOff('user', 'Tesco', 500, at(-1, 20), 'needs', { budget: 'groceries', deleted: true }),

  ...[8, 21].map((d) => oneOff('user', 'Costa Coffee', 4.2, at(-2, d, 8), 'wants')),
  ...[5, 12, 19, 26].map((d) => oneOff('user', 'Costa Coffee', 4.2, at(-1, d, 8), 'wants')),
  oneOff('user', 'Dishoom', 86.5, at(-1, 13, 20), 'wants', { budget: 'eatingOut' }),
  oneOff('user', 'Pizza Express', 42, at(-1, 27, 19), 'wants', { budget: 'eatingOut' }),
  oneOff('user', 'Energy bill', 140, at(-1, 15), 'needs', { budget: 'household' }),

  // The partner's spending on the shared household budget counts against it; their other spending is theirs.
  oneOff('partner', 'Council tax', 160, at(-1, 16), 'needs', { budget: 'household' }),
  oneOff('partner', 'Tesco', 333.33, at(-1, 9), 'needs'),
  oneOff('partner', 'Gadget shop', 250, at(-1, 11), 'wants', { budget: 'partnerFun' }),
  oneOff('other', 'Tesco', 999.99, at(-1, 9), 'needs'),
];

export const DEBTS: EvalDebt[] = [
  {
    who: 'user',
    name: 'Credit card',
    amount: 3000,
    completionRatio: 20,
    monthlyPayment: 150,
    capitalRepayment: 104.2,
    interestRepayment: 45.8,
    userInterestRate: 22.9,
    aprBp: 2290,
    payDue: at(1, 20),
  },
  {
    who: 'user',
    name: 'Car loan',
    amount: 8000,
    completionRatio: 55,
    monthlyPayment: 250,
    capitalRepayment: 230,
    interestRepayment: 20,
    userInterestRate: 6.5,
    aprBp: 650,
    payDue: at(1, 5),
  },
  {
    // 1990 is a typo for 19.9: set aside; the payment's split gives 50 x 10 / (10 + 40) = 10 a month of interest on
    // 600 owed, x 12 = 20% APR.
    who: 'user',
    name: 'Store card',
    amount: 600,
    completionRatio: 0,
    monthlyPayment: 50,
    capitalRepayment: 40,
    interestRepayment: 10,
    userInterestRate: 1990,
    aprBp: 2000,
    payDue: at(1, 12),
  },
  {
    who: 'partner',
    name: 'Partner loan',
    amount: 5000,
    completionRatio: 10,
    monthlyPayment: 200,
    capitalRepayment: 180,
    interestRepayment: 20,
    userInterestRate: 5,
    aprBp: 500,
    payDue: at(1, 8),
  },
];

export const GOALS: EvalGoal[] = [
  {
    who: 'user',
    name: 'Holiday',
    totalAmount: 2400,
    savedMoney: 900,
    monthlyTarget: 250,
    start: at(-4, 1),
    completeBy: at(8, 1),
    isCompleted: false,
  },
  {
    who: 'user',
    name: 'New laptop',
    totalAmount: 1200,
    savedMoney: 1200,
    monthlyTarget: 200,
    start: at(-8, 1),
    completeBy: at(-1, 1),
    isCompleted: true,
  },
  // The stranger's goal has the same name: "Holiday" must still find the user's own.
  {
    who: 'other',
    name: 'Holiday',
    totalAmount: 9000,
    savedMoney: 100,
    monthlyTarget: 900,
    start: at(-2, 1),
    completeBy: at(6, 1),
    isCompleted: false,
  },
];

export function evalDataset(now = new Date(), timeZone = EVAL_TIME_ZONE): EvalDataset {
  const clock = truthClock(now, timeZone);
  if (now.getTime() <= clock.at(0, 1, DUE).getTime()) {
    throw new Error(`this month's rows are not due yet (${DUE * 3600} s into the month, ${timeZone})`);
  }
  const month = (offset: number) => monthKey(clock.at(offset, 1, 12), timeZone);
  const firstDay = (offset: number) => `${month(offset)}-01`;
  const lastDay = (offset: number) => addDaysToDateKey(firstDay(offset + 1), -1);
  return {
    now,
    timeZone,
    clock,
    budgets: BUDGETS,
    incomes: INCOMES,
    expenses: EXPENSES,
    debts: DEBTS,
    goals: GOALS,
    month,
    firstDay,
    lastDay,
    today: localDateKey(now, timeZone),
  };
}

const stamp = (when: Date) => ({ isDeleted: false, createdAt: when, updatedAt: when, __v: 0 });

/** Writes the dataset into the main backend's collections, as the main backend would have. */
export async function seedEvalDataset(db: Db, ds: EvalDataset): Promise<EvalUsers> {
  const users: EvalUsers = { user: new ObjectId(), partner: new ObjectId(), other: new ObjectId() };
  const when = (m: Moment) => ds.clock.at(m.month, m.day, m.hour);
  const past = (m: Moment) => when(m).getTime() <= ds.now.getTime();
  const user = (_id: ObjectId, name: string, partnerId: ObjectId | null) => ({
    _id,
    name,
    email: `${name.toLowerCase()}-${_id.toHexString()}@example.com`,
    password: '$2b$10$hash',
    role: 'USER',
    status: 'active',
    verified: true,
    partnerId,
    loginCount: 4,
    ...stamp(ds.clock.at(-24, 1)),
  });
  await db
    .collection('users')
    .insertMany([
      user(users.user, 'Maya', users.partner),
      user(users.partner, 'Sam', users.user),
      user(users.other, 'Olu', null),
    ]);

  const budgetIds = new Map<string, ObjectId>();
  const budgets: Document[] = [];
  for (const b of ds.budgets) {
    const _id = new ObjectId();
    budgetIds.set(b.key, _id);
    const doc = {
      name: b.name,
      amount: b.amount,
      type: b.type,
      frequency: 'monthly',
      category: b.category,
      userId: users[b.who],
    };
    budgets.push({ _id, ...doc, expensesId: [], ...stamp(when(b.created)) });
    for (const c of b.copies.filter(past)) budgets.push({ _id: new ObjectId(), ...doc, ...stamp(when(c)) });
  }

  const expenses = ds.expenses.map((e) => {
    const endDate = when(e.at);
    return {
      name: e.name,
      amount: e.amount,
      endDate,
      frequency: e.frequency,
      userId: users[e.who],
      ...(e.budget ? { budgetId: budgetIds.get(e.budget) } : {}),
      ...stamp(endDate),
      // A copy is made on the day its previous row falls due: one period before its own date.
      ...(e.frequency === 'on-off' ? {} : { createdAt: copyMadeAt(endDate, e.frequency), updatedAt: endDate }),
      isDeleted: e.deleted === true,
    };
  });
  const incomes = ds.incomes.map((i) => {
    const receiveDate = when(i.at);
    return {
      name: i.name,
      amount: i.amount,
      receiveDate,
      frequency: i.frequency,
      userId: users[i.who],
      ...stamp(i.frequency === 'on-off' ? receiveDate : copyMadeAt(receiveDate, i.frequency)),
    };
  });
  const debts = ds.debts.map((d) => ({
    name: d.name,
    amount: d.amount,
    monthlyPayment: d.monthlyPayment,
    AdHocPayment: 0,
    capitalRepayment: d.capitalRepayment,
    interestRepayment: d.interestRepayment,
    userInterestRate: d.userInterestRate,
    payDueDate: when(d.payDue),
    completionRatio: d.completionRatio,
    userId: users[d.who],
    ...stamp(ds.clock.at(-6, 1)),
  }));
  const goals = ds.goals.map((g) => ({
    name: g.name,
    totalAmount: g.totalAmount,
    monthlyTarget: g.monthlyTarget,
    savedMoney: g.savedMoney,
    completionRation: Math.round((g.savedMoney / g.totalAmount) * 100),
    date: when(g.start),
    completeDate: when(g.completeBy),
    isCompleted: g.isCompleted,
    userId: users[g.who],
    ...stamp(when(g.start)),
  }));

  await Promise.all([
    db.collection('budgets').insertMany(budgets),
    db.collection('expenses').insertMany(expenses),
    db.collection('incomes').insertMany(incomes),
    db.collection('debts').insertMany(debts),
    db.collection('savinggoals').insertMany(goals),
  ]);
  return users;
}

/** When the main backend's cron made a copy dated `date`: one period before it (a copy made ahead may be future). */
function copyMadeAt(date: Date, frequency: string): Date {
  const d = new Date(date);
  if (frequency === 'weekly') d.setUTCDate(d.getUTCDate() - 7);
  else if (frequency === 'yearly') d.setUTCFullYear(d.getUTCFullYear() - 1);
  else d.setUTCMonth(d.getUTCMonth() - 1);
  return d;
}
