import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { ExpenseParseDoc, ParsedExpense } from './own/expense-parse.schema';
import { toObjectId } from './object-id';

@Injectable()
export class ExpenseParsesRepository {
  constructor(@InjectModel('ExpenseParse') private readonly parses: Model<ExpenseParseDoc>) {}

  async create(userId: string, text: string): Promise<ExpenseParseDoc> {
    const doc = await this.parses.create({ userId: toObjectId(userId), text, status: 'processing' });
    return doc.toObject();
  }

  /** Scoped by owner: another user's id reads as missing. */
  findForUser(id: string, userId: string): Promise<ExpenseParseDoc | null> {
    return this.parses
      .findOne({ _id: toObjectId(id), userId: toObjectId(userId) })
      .lean<ExpenseParseDoc>()
      .exec();
  }

  findById(id: string | Types.ObjectId): Promise<ExpenseParseDoc | null> {
    return this.parses.findById(id).lean<ExpenseParseDoc>().exec();
  }

  async recordAttempt(id: string): Promise<void> {
    await this.parses.updateOne({ _id: toObjectId(id) }, { $inc: { attempts: 1 } }).exec();
  }

  /** Only a still-processing parse is completed, so a retried job cannot overwrite a final state. */
  async complete(id: string, result: ParsedExpense): Promise<boolean> {
    const res = await this.parses
      .updateOne(
        { _id: toObjectId(id), status: 'processing' },
        { $set: { status: 'completed', result, error: null, completedAt: new Date() } },
      )
      .exec();
    return res.modifiedCount === 1;
  }

  async fail(id: string, reason: string): Promise<boolean> {
    const res = await this.parses
      .updateOne(
        { _id: toObjectId(id), status: 'processing' },
        { $set: { status: 'failed', error: reason, completedAt: new Date() } },
      )
      .exec();
    return res.modifiedCount === 1;
  }
}
