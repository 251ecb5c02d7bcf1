import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { UserDoc } from './main-backend/schemas';
import { toObjectId } from './object-id';

export type AccountState = Pick<UserDoc, '_id' | 'role' | 'status' | 'partnerId' | 'email'>;

@Injectable()
export class UsersRepository {
  constructor(@InjectModel('User') private readonly users: Model<UserDoc>) {}

  /** Soft-deleted users are filtered by the read-only plugin, so they read as missing. */
  findAccount(id: string): Promise<AccountState | null> {
    return this.users
      .findOne({ _id: toObjectId(id) })
      .select({ role: 1, status: 1, partnerId: 1, email: 1 })
      .lean<AccountState>()
      .exec();
  }

  /** The accounts among `ids` that exist (one query); callers treat the missing ones as deleted. */
  findAccounts(ids: string[]): Promise<AccountState[]> {
    return this.users
      .find({ _id: { $in: ids.map(toObjectId) } })
      .select({ role: 1, status: 1, partnerId: 1, email: 1 })
      .lean<AccountState[]>()
      .exec();
  }
}
