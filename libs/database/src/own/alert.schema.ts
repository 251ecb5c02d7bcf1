import { Schema, Types } from 'mongoose';
import type { RedFlagCategory, RedFlagCode, Severity } from '@app/finance';

export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
export const ALERT_SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];
export const ALERT_CATEGORIES: readonly RedFlagCategory[] = ['debt', 'cash-flow', 'budget', 'savings'];

/**
 * An admin alert: one red flag of one user as the finance core computed it (code, severity, figures), worded
 * by the model (title, message). `flagKey` names the flag: its code, plus the budget or debt it is about.
 */
export interface AlertDoc {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  code: RedFlagCode;
  flagKey: string;
  severity: Severity;
  category: RedFlagCategory;
  subject: { type: 'debt' | 'budget'; id: string; name: string } | null;
  /** As evaluateRedFlags returned them: money in minor units of `currency`, percentages. */
  figures: Record<string, number | string | boolean | null>;
  threshold: { name: string; value: number };
  currency: string;
  title: string;
  message: string;
  status: AlertStatus;
  /** Whether the flag fired at the latest screening. Screening never resolves an alert: an admin does. */
  stillFiring: boolean;
  /** Local day (TIME_ZONE) of the screening that raised it. */
  detectedOn: string;
  lastScreenedAt: Date;
  acknowledgedBy: Types.ObjectId | null;
  acknowledgedAt: Date | null;
  resolvedBy: Types.ObjectId | null;
  /** Set exactly when status becomes 'resolved'; the open-alert unique index keys on it being null. */
  resolvedAt: Date | null;
  note: string | null;
  model: string | null;
  promptVersion: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const AlertSchema = new Schema<AlertDoc>(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    code: { type: String, required: true },
    flagKey: { type: String, required: true },
    severity: { type: String, required: true, enum: ALERT_SEVERITIES },
    category: { type: String, required: true, enum: ALERT_CATEGORIES },
    subject: { type: Schema.Types.Mixed, default: null },
    figures: { type: Schema.Types.Mixed, required: true },
    threshold: { type: Schema.Types.Mixed, required: true },
    currency: { type: String, required: true },
    title: { type: String, required: true },
    message: { type: String, required: true },
    status: { type: String, required: true, enum: ALERT_STATUSES, default: 'open' },
    stillFiring: { type: Boolean, default: true },
    detectedOn: { type: String, required: true },
    lastScreenedAt: { type: Date, required: true },
    acknowledgedBy: { type: Schema.Types.ObjectId, default: null },
    acknowledgedAt: { type: Date, default: null },
    resolvedBy: { type: Schema.Types.ObjectId, default: null },
    resolvedAt: { type: Date, default: null },
    note: { type: String, default: null },
    model: { type: String, default: null },
    promptVersion: { type: String, default: null },
  },
  { collection: 'alerts', timestamps: true, versionKey: false, minimize: false },
);
// At most one unresolved alert per user and flag, enforced by the database so concurrent screenings cannot
// both insert. Keyed on `resolvedAt` being null ($type works in partial indexes on every MongoDB since 3.2;
// `status: { $in: [...] }` would need 6.0).
AlertSchema.index(
  { userId: 1, flagKey: 1 },
  { unique: true, partialFilterExpression: { resolvedAt: { $type: 'null' } }, name: 'unresolved_alert_per_flag' },
);
// The admin list pages newest first, optionally narrowed by status or user.
AlertSchema.index({ createdAt: -1, _id: -1 });
AlertSchema.index({ status: 1, createdAt: -1, _id: -1 });
AlertSchema.index({ userId: 1, createdAt: -1, _id: -1 });
