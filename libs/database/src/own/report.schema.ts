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

/** A debt report's what-if money, in minor units of the configured currency (zero: none of that kind). */
export interface ReportParams {
  extraMonthlyMinor: number;
  lumpSumMinor: number;
}

/** The report's identity within its type: '' for a plain report, else its parameters in a fixed order. */
export function reportVariant(params: ReportParams | null | undefined): string {
  if (!params || (params.extraMonthlyMinor <= 0 && params.lumpSumMinor <= 0)) return '';
  return `extra=${params.extraMonthlyMinor};lump=${params.lumpSumMinor}`;
}

/** The value of `activeType` for a report of this type and variant: the type alone for a plain report. */
export function activeSlot(type: ReportType, variant: string): string {
  return variant ? `${type}:${variant}` : type;
}

export interface ReportDoc {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  type: ReportType;
  /** What-if parameters (debt reports); null for a plain report. Part of the report's identity and reuse key. */
  params: ReportParams | null;
  /** reportVariant(params): '' for a plain report. */
  variant: string;
  status: ReportStatus;
  /** 0-100. */
  progress: number;
  /**
   * activeSlot(type, variant) while queued or running, null once final: a unique partial index on
   * (userId, activeType) lets a user have one unfinished report per type and parameters, which is what makes a
   * repeated request return the same report.
   */
  activeType: string | null;
  /** sha256 of the figures (stable JSON): equal fingerprints mean the report was computed from unchanged data. */
  dataFingerprint: string | null;
  /**
   * The user's ledger version (LedgerVersionRepository) and local day when the report was requested: a request that
   * finds a completed report of its type with the same version within REPORT_CACHE_WINDOW_MS gets that report.
   */
  dataVersion: string | null;
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
    params: { type: Schema.Types.Mixed, default: null },
    variant: { type: String, default: '' },
    status: { type: String, required: true, enum: REPORT_STATUSES },
    progress: { type: Number, default: 0, min: 0, max: 100 },
    activeType: { type: String, default: null },
    dataFingerprint: { type: String, default: null },
    dataVersion: { type: String, default: null },
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
// The reuse lookup: the completed reports of a type (POST /reports picks one on its ledger version).
ReportSchema.index(
  { userId: 1, type: 1, dataVersion: 1, completedAt: -1 },
  { partialFilterExpression: { status: 'completed' }, name: 'report_reuse' },
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
