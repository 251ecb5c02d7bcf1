import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { AiUsageDoc } from './own/ai-usage.schema';
import { toObjectId } from './object-id';
import { WriteBatches } from './write-batches';

export interface AiUsageRecord {
  userId?: string | null;
  feature: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
  latencyMs: number;
  success: boolean;
  errorCode?: string | null;
}

export interface AiUsageSummaryRow {
  feature: string;
  model: string;
  calls: number;
  failures: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  avgLatencyMs: number;
}

@Injectable()
export class AiUsageRepository {
  constructor(
    @InjectModel('AiUsage') private readonly usage: Model<AiUsageDoc>,
    private readonly batches: WriteBatches,
  ) {}

  /**
   * One row per model call, so written through the driver with the schema's defaults, as chat messages are, and
   * batched with the other calls that end at the same moment.
   */
  async record(entry: AiUsageRecord): Promise<void> {
    const row: AiUsageDoc = {
      _id: new Types.ObjectId(),
      ...entry,
      userId: entry.userId ? toObjectId(entry.userId) : null,
      errorCode: entry.errorCode ?? null,
      createdAt: new Date(),
    };
    await this.batches.write(this.usage.collection, { insertOne: { document: row } });
  }

  /** Totals per feature and model since `since` (of one user, when given), for operators watching cost and failures. */
  summarySince(since: Date, userId?: string): Promise<AiUsageSummaryRow[]> {
    return this.usage
      .aggregate<AiUsageSummaryRow>([
        { $match: { createdAt: { $gte: since }, ...(userId ? { userId: toObjectId(userId) } : {}) } },
        {
          $group: {
            _id: { feature: '$feature', model: '$model' },
            calls: { $sum: 1 },
            failures: { $sum: { $cond: ['$success', 0, 1] } },
            inputTokens: { $sum: '$inputTokens' },
            outputTokens: { $sum: '$outputTokens' },
            costUsd: { $sum: { $ifNull: ['$costUsd', 0] } },
            avgLatencyMs: { $avg: '$latencyMs' },
          },
        },
        {
          $project: {
            _id: 0,
            feature: '$_id.feature',
            model: '$_id.model',
            calls: 1,
            failures: 1,
            inputTokens: 1,
            outputTokens: 1,
            costUsd: 1,
            avgLatencyMs: { $round: ['$avgLatencyMs', 0] },
          },
        },
        { $sort: { feature: 1, model: 1 } },
      ])
      .exec();
  }
}
