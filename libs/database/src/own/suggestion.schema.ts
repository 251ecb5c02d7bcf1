import { Schema, Types } from 'mongoose';

/** The fixed categories a tip may carry; the model must pick one (its JSON schema enumerates them). */
export const SUGGESTION_CATEGORIES = ['spending', 'budgeting', 'saving', 'debt', 'income', 'subscriptions'] as const;
export type SuggestionCategory = (typeof SUGGESTION_CATEGORIES)[number];

export type SuggestionStatus = 'pending' | 'completed' | 'failed';
/** 'daily': made by the scheduled fan-out; 'refresh': asked for by the user. */
export type SuggestionSource = 'daily' | 'refresh';

/** One of the user's figures a tip is about: computed and formatted by us (libs/finance), never by the model. */
export interface TipFigure {
  key: string;
  label: string;
  value: number;
  unit: 'money' | 'percent' | 'count' | 'months';
  /** The value as the user sees it, e.g. "£1,234.50" or "42.5%". */
  text: string;
}

export interface SuggestionTip {
  title: string;
  detail: string;
  category: SuggestionCategory;
  figures: TipFigure[];
}

export interface SuggestionDoc {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  /** Local day (TIME_ZONE) the set is for, 'YYYY-MM-DD'. */
  dateKey: string;
  source: SuggestionSource;
  status: SuggestionStatus;
  /** Exactly three once completed. */
  tips: SuggestionTip[];
  error: string | null;
  attempts: number;
  model: string | null;
  promptVersion: string | null;
  completedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Sets are daily and superseded quickly; older ones are dropped so the collection stays bounded. */
export const SUGGESTION_RETENTION_DAYS = 180;

const FigureSchema = new Schema<TipFigure>(
  {
    key: { type: String, required: true },
    label: { type: String, required: true },
    value: { type: Number, required: true },
    unit: { type: String, required: true, enum: ['money', 'percent', 'count', 'months'] },
    text: { type: String, required: true },
  },
  { _id: false },
);

const TipSchema = new Schema<SuggestionTip>(
  {
    title: { type: String, required: true },
    detail: { type: String, required: true },
    category: { type: String, required: true, enum: SUGGESTION_CATEGORIES },
    figures: { type: [FigureSchema], default: [] },
  },
  { _id: false },
);

export const SuggestionSchema = new Schema<SuggestionDoc>(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    dateKey: { type: String, required: true },
    source: { type: String, required: true, enum: ['daily', 'refresh'] },
    status: { type: String, required: true, enum: ['pending', 'completed', 'failed'] },
    tips: { type: [TipSchema], default: [] },
    error: { type: String, default: null },
    attempts: { type: Number, default: 0 },
    model: { type: String, default: null },
    promptVersion: { type: String, default: null },
    completedAt: { type: Date, default: null },
  },
  { collection: 'suggestions', timestamps: true, versionKey: false },
);
// "The latest completed set for a user" and "this user's pending refresh".
SuggestionSchema.index({ userId: 1, status: 1, completedAt: -1 });
// One daily set per user and day, even when a fan-out runs twice or two workers race on the same job.
SuggestionSchema.index(
  { userId: 1, dateKey: 1 },
  { unique: true, partialFilterExpression: { source: 'daily' }, name: 'daily_set_per_user_day' },
);
SuggestionSchema.index({ createdAt: 1 }, { expireAfterSeconds: SUGGESTION_RETENTION_DAYS * 24 * 3600 });
