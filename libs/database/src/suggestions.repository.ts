import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { toObjectId } from './object-id';
import { SuggestionDoc, SuggestionTip } from './own/suggestion.schema';
import { isDuplicateKeyError } from './mongo-errors';

export interface CompletedSuggestion {
  tips: SuggestionTip[];
  model: string;
  promptVersion: string;
}

@Injectable()
export class SuggestionsRepository {
  constructor(@InjectModel('Suggestion') private readonly sets: Model<SuggestionDoc>) {}

  async createRefresh(userId: string, dateKey: string): Promise<SuggestionDoc> {
    const doc = await this.sets.create({ userId: toObjectId(userId), dateKey, source: 'refresh', status: 'pending' });
    return doc.toObject();
  }

  /** A refresh still waiting for the worker: asking again while one is pending reuses it. */
  findPendingRefresh(userId: string): Promise<SuggestionDoc | null> {
    return this.sets
      .findOne({ userId: toObjectId(userId), status: 'pending', source: 'refresh' })
      .sort({ createdAt: -1 })
      .lean<SuggestionDoc>()
      .exec();
  }

  /** Scoped by owner: another user's id reads as missing. */
  findForUser(id: string, userId: string): Promise<SuggestionDoc | null> {
    return this.sets
      .findOne({ _id: toObjectId(id), userId: toObjectId(userId) })
      .lean<SuggestionDoc>()
      .exec();
  }

  findById(id: string | Types.ObjectId): Promise<SuggestionDoc | null> {
    return this.sets.findById(id).lean<SuggestionDoc>().exec();
  }

  latestCompleted(userId: string): Promise<SuggestionDoc | null> {
    return this.sets
      .findOne({ userId: toObjectId(userId), status: 'completed' })
      .sort({ completedAt: -1, _id: -1 })
      .lean<SuggestionDoc>()
      .exec();
  }

  findDaily(userId: string, dateKey: string): Promise<SuggestionDoc | null> {
    return this.sets
      .findOne({ userId: toObjectId(userId), dateKey, source: 'daily' })
      .lean<SuggestionDoc>()
      .exec();
  }

  /** The day's set, created pending if missing. Two workers racing both get the one document the unique index let in. */
  async ensureDaily(userId: string, dateKey: string): Promise<SuggestionDoc> {
    const filter = { userId: toObjectId(userId), dateKey, source: 'daily' as const };
    try {
      const doc = await this.sets
        .findOneAndUpdate(
          filter,
          { $setOnInsert: { status: 'pending' } },
          { upsert: true, returnDocument: 'after', setDefaultsOnInsert: true },
        )
        .lean<SuggestionDoc>()
        .exec();
      if (doc) return doc;
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
    const existing = await this.findDaily(userId, dateKey);
    if (!existing) throw new Error(`daily suggestion set for ${userId} on ${dateKey} vanished`);
    return existing;
  }

  async recordAttempt(id: Types.ObjectId): Promise<void> {
    await this.sets.updateOne({ _id: id }, { $inc: { attempts: 1 } }).exec();
  }

  /** Only a pending set is completed, so a retried or duplicated job cannot overwrite a final state. */
  async complete(id: Types.ObjectId, result: CompletedSuggestion): Promise<boolean> {
    const res = await this.sets
      .updateOne(
        { _id: id, status: 'pending' },
        { $set: { status: 'completed', ...result, error: null, completedAt: new Date() } },
      )
      .exec();
    return res.modifiedCount === 1;
  }

  async fail(id: Types.ObjectId, reason: string): Promise<boolean> {
    const res = await this.sets
      .updateOne({ _id: id, status: 'pending' }, { $set: { status: 'failed', error: reason, completedAt: new Date() } })
      .exec();
    return res.modifiedCount === 1;
  }
}
