import type { ReportDoc, ReportListItem } from '@app/database';

/** Everything a client shows for one report: our figures, the model's words beside them, or why it failed. */
export function reportView(doc: ReportDoc) {
  return {
    id: String(doc._id),
    type: doc.type,
    status: doc.status,
    progress: doc.progress,
    figures: doc.figures ?? null,
    summary: doc.summary ?? null,
    insights: doc.insights ?? [],
    error: doc.error ?? null,
    /** Set while a failed attempt waits to be retried. */
    retryReason: doc.status === 'queued' ? (doc.lastError ?? null) : null,
    attempts: doc.attempts,
    createdAt: doc.createdAt,
    startedAt: doc.startedAt ?? null,
    completedAt: doc.completedAt ?? null,
  };
}

export function reportListItem(doc: ReportListItem) {
  return {
    id: String(doc._id),
    type: doc.type,
    status: doc.status,
    progress: doc.progress,
    summary: doc.summary ?? null,
    error: doc.error ?? null,
    createdAt: doc.createdAt,
    completedAt: doc.completedAt ?? null,
  };
}
