import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import type { BudgetDoc, DebtDoc, ExpenseDoc, IncomeDoc, SavingGoalDoc, UserDoc } from '../main-backend/schemas';
import { isObjectIdHex, toObjectId } from '../object-id';
import { FinanceUserNotFoundError } from './finance-inputs.repository';

type OwnedDoc = { userId: Types.ObjectId; updatedAt?: Date };

/** The user's account fields that change whose records their figures include (the partner link) or whether any. */
type AccountDoc = Pick<UserDoc, '_id' | 'partnerId' | 'status'> & { updatedAt?: Date };

/**
 * A short fingerprint of everything a user's figures are computed from, read without reading the records: for each
 * of the main backend's collections, how many of the user's (non-deleted) records there are and when the latest of
 * them changed, plus the account and partner documents. Adding, editing, soft- or hard-deleting a record changes it
 * (a count or the newest `updatedAt`); so does linking a partner, whose budgets and expenses are then counted too.
 *
 * Its cost does not grow with the ledger: two queries per collection, each answered from an index on
 * `{ userId: 1, isDeleted: 1, updatedAt: -1 }` without reading a document (README: "Pointing it at the main
 * backend"). That is what lets `POST /reports` decide "nothing changed since the stored report" for a user with
 * 50,000 expenses as cheaply as for one with 5.
 */
@Injectable()
export class LedgerVersionRepository {
  constructor(
    @InjectModel('User') private readonly users: Model<UserDoc>,
    @InjectModel('Income') private readonly incomes: Model<IncomeDoc>,
    @InjectModel('Expense') private readonly expenses: Model<ExpenseDoc>,
    @InjectModel('Budget') private readonly budgets: Model<BudgetDoc>,
    @InjectModel('Debt') private readonly debts: Model<DebtDoc>,
    @InjectModel('SavingGoal') private readonly savingGoals: Model<SavingGoalDoc>,
  ) {}

  /** Throws FinanceUserNotFoundError for an unknown or soft-deleted user. */
  async versionOf(userId: string): Promise<string> {
    if (!isObjectIdHex(userId)) throw new FinanceUserNotFoundError(userId);
    const account = await this.account(toObjectId(userId));
    if (!account) throw new FinanceUserNotFoundError(userId);
    const partnerId = account.partnerId instanceof Types.ObjectId ? account.partnerId : null;
    const own = [account._id];
    // A partner's household budgets and their spending on them can enter the user's figures.
    const shared = partnerId ? [account._id, partnerId] : own;
    const [partner, ...collections] = await Promise.all([
      partnerId ? this.account(partnerId) : Promise.resolve(null),
      this.stateOf(this.incomes, own),
      this.stateOf(this.expenses, shared),
      this.stateOf(this.budgets, shared),
      this.stateOf(this.debts, own),
      this.stateOf(this.savingGoals, own),
    ]);
    const state = [accountState(account), partner ? accountState(partner) : null, ...collections];
    return createHash('sha256').update(JSON.stringify(state)).digest('hex').slice(0, 32);
  }

  private account(id: Types.ObjectId): Promise<AccountDoc | null> {
    return this.users.findOne({ _id: id }).select({ partnerId: 1, status: 1, updatedAt: 1 }).lean<AccountDoc>().exec();
  }

  /** How many of the owners' records there are, and when the latest of them changed. */
  private async stateOf<T extends OwnedDoc>(model: Model<T>, owners: Types.ObjectId[]): Promise<[number, number]> {
    const filter = { userId: { $in: owners } };
    const [count, newest] = await Promise.all([
      model.countDocuments(filter).exec(),
      model.findOne(filter).sort({ updatedAt: -1 }).select({ updatedAt: 1 }).lean<{ updatedAt?: unknown }>().exec(),
    ]);
    return [count, newest?.updatedAt instanceof Date ? newest.updatedAt.getTime() : 0];
  }
}

function accountState(a: AccountDoc): unknown[] {
  return [
    String(a._id),
    a.partnerId ? String(a.partnerId) : null,
    a.status ?? null,
    a.updatedAt instanceof Date ? a.updatedAt.getTime() : 0,
  ];
}
