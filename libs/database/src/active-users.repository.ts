import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { BLOCKED_STATUS } from './account-status';
import { isObjectIdHex, toObjectId } from './object-id';
import { UserDoc } from './main-backend/schemas';

/** Who daily work (suggestions, alert screening) is for: accounts that exist and are not blocked. */
@Injectable()
export class ActiveUsersRepository {
  constructor(@InjectModel('User') private readonly users: Model<UserDoc>) {}

  /**
   * One page of active user ids in _id order, strictly after `after`: keyset pagination over the _id index,
   * so paging through every user costs one bounded query per page and holds one page in memory.
   * Soft-deleted users are filtered by the read-only plugin.
   */
  async idsAfter(after: Types.ObjectId | null, limit: number): Promise<Types.ObjectId[]> {
    const rows = await this.users
      .find({ status: { $not: BLOCKED_STATUS }, ...(after ? { _id: { $gt: after } } : {}) })
      .select({ _id: 1 })
      .sort({ _id: 1 })
      .limit(limit)
      .batchSize(limit)
      .lean<Array<{ _id: Types.ObjectId }>>()
      .exec();
    return rows.map((r) => r._id);
  }

  /**
   * Whether daily work may run for this user now: the account exists, is not soft-deleted (the read-only plugin)
   * and is not blocked. A per-user daily job checks it itself: the user may have changed since the fan-out, and a
   * job may have been added by hand.
   */
  async isActive(userId: string): Promise<boolean> {
    if (!isObjectIdHex(userId)) return false;
    const row = await this.users
      .findOne({ _id: toObjectId(userId), status: { $not: BLOCKED_STATUS } })
      .select({ _id: 1 })
      .lean()
      .exec();
    return row !== null;
  }
}
