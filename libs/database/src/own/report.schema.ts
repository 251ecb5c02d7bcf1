import { Schema, Types } from 'mongoose';
import { REPORT_TYPES, type ReportType } from '@app/finance';

export const REPORT_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/** One of our facts an insight relies on, as the user sees it (formatted by us, never by the model). */
export interface ReportInsightFigure {
  key: string;
  text: string;
}

export interface StoredReportInsight {
  title: string;
  detail: string;
  impact: 'high' | 'medium' | 'low';
  figures: ReportInsightFigure[];
}

export interface ReportDoc {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  type: ReportType;
  status: ReportStatus;
  /** 0-100. */
  progress: number;
  /**
   * The type while queued or running, null once final: a unique partial index on (userId, activeType) lets a user
   * have one unfinished report per type, which is what makes a repeated request return the same report.
   */
  activeType: ReportType | null;
  /** sha256 of the figures (stable JSON): equal fingerprints mean the report was computed from unchanged data. */
  dataFingerprint: string | null;
  /** The computed figures (libs/finance ReportFigures), stored as computed. */
  figures: Record<string, unknown> | null;
  summary: string | null;
  insights: StoredReportInsight[];
  /** Final failure reason, safe to show. */
  error: string | null;
  /** Why the last attempt failed while a retry is pending; also given to the model when it was the model's answer. */
  lastError: string | null;
  lastErrorKind: string | null;
  attempts: number;
  model: string | null;
  promptVersion: string | null;
  startedAt: Date | null;
  completedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const InsightSchema = new Schema<StoredReportInsight>(
  {
    title: { type: String, required: true },
    detail: { type: String, required: true },
    impact: { type: String, required: true, enum: ['high', 'medium', 'low'] },
    figures: { type: [new Schema<ReportInsightFigure>({ key: String, text: String }, { _id: false })], default: [] },
  },
  { _id: false },
);

export const ReportSchema = new Schema<ReportDoc>(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    type: { type: String, required: true, enum: REPORT_TYPES },
    status: { type: String, required: true, enum: REPORT_STATUSES },
    progress: { type: Number, default: 0, min: 0, max: 100 },
    activeType: { type: String, default: null },
    dataFingerprint: { type: String, default: null },
    figures: { type: Schema.Types.Mixed, default: null },
    summary: { type: String, default: null },
    insights: { type: [InsightSchema], default: [] },
    error: { type: String, default: null },
    lastError: { type: String, default: null },
    lastErrorKind: { type: String, default: null },
    attempts: { type: Number, default: 0 },
    model: { type: String, default: null },
    promptVersion: { type: String, default: null },
    startedAt: { type: Date, default: null },
    completedAt: { type: Date, default: null },
  },
  { collection: 'reports', timestamps: true, versionKey: false, minimize: false },
);
// The list: newest first within one user, optionally one type.
ReportSchema.index({ userId: 1, createdAt: -1, _id: -1 });
ReportSchema.index({ userId: 1, type: 1, createdAt: -1, _id: -1 });
// The cache lookup: a completed report of this type computed from the same data, newest first.
ReportSchema.index(
  { userId: 1, type: 1, dataFingerprint: 1, completedAt: -1 },
  { partialFilterExpression: { status: 'completed' }, name: 'report_cache' },
);
ReportSchema.index(
  { userId: 1, activeType: 1 },
  { unique: true, partialFilterExpression: { activeType: { $type: 'string' } }, name: 'report_one_active_per_type' },
);
// The worker's recovery sweep: unfinished reports, oldest first (UnfinishedWorkRepository).
ReportSchema.index(
  { updatedAt: 1 },
  { partialFilterExpression: { activeType: { $type: 'string' } }, name: 'report_unfinished' },
);
