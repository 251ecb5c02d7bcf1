import type { Response } from 'express';
import { reportView } from './report-views';
import type { RequestOutcome } from './reports.service';

/**
 * 202 with the report's id while it is queued or running; 200 with the whole stored report when the cache
 * answered, so the client has its result without polling.
 */
export function answerRequest(res: Response, outcome: RequestOutcome) {
  const { report } = outcome;
  if (outcome.kind === 'cached') {
    res.status(200);
    return { ...reportView(report), cached: true };
  }
  res.status(202);
  return { id: String(report._id), type: report.type, status: report.status, progress: report.progress, cached: false };
}
