import type { ReportDoc, ReportListItem } from '@app/database';

/** A report in a list: its state and summary, without the figures and insights. */
export function reportListItem(doc: ReportListItem) {
  return {
    id: String(doc._id),
    type: doc.type,
    /** A debt report's what-if money (minor units), null for a plain report. */
    whatIf: doc.params ?? null,
    status: doc.status,
    progress: doc.progress,
    summary: doc.summary ?? null,
    error: doc.error ?? null,
    createdAt: doc.createdAt,
    completedAt: doc.completedAt ?? null,
  };
}

/** Everything a client shows for one report: our figures, the model's words beside them, or why it failed. */
export function reportView(doc: ReportDoc) {
  return {
    ...reportListItem(doc),
    figures: doc.figures ?? null,
    insights: doc.insights ?? [],
    /** Set while a failed attempt waits to be retried. */
    retryReason: doc.status === 'queued' ? (doc.lastError ?? null) : null,
    attempts: doc.attempts,
    startedAt: doc.startedAt ?? null,
  };
}
