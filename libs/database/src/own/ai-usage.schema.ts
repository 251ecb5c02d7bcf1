import { Schema, Types } from 'mongoose';

/** One row per model call. Never holds prompt or completion text: only what cost and reliability need. */
export interface AiUsageDoc {
  _id: Types.ObjectId;
  userId: Types.ObjectId | null;
  feature: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
  latencyMs: number;
  success: boolean;
  errorCode?: string | null;
  createdAt: Date;
}

export const AiUsageSchema = new Schema<AiUsageDoc>(
  {
    userId: { type: Schema.Types.ObjectId, default: null },
    feature: { type: String, required: true },
    model: { type: String, required: true },
    inputTokens: { type: Number, default: 0 },
    outputTokens: { type: Number, default: 0 },
    costUsd: { type: Number, default: null },
    latencyMs: { type: Number, required: true },
    success: { type: Boolean, required: true },
    errorCode: { type: String, default: null },
  },
  { collection: 'ai_usage', timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
AiUsageSchema.index({ userId: 1, createdAt: -1 });
AiUsageSchema.index({ feature: 1, createdAt: -1 });
