import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
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
      .find({ status: { $ne: 'blocked' }, ...(after ? { _id: { $gt: after } } : {}) })
      .select({ _id: 1 })
      .sort({ _id: 1 })
      .limit(limit)
      .batchSize(limit)
      .lean<Array<{ _id: Types.ObjectId }>>()
      .exec();
    return rows.map((r) => r._id);
  }
}
