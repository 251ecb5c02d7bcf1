import { Injectable } from '@nestjs/common';
import { ReportDoc, ReportsRepository } from '@app/database';
import { AppLogger } from '@app/logging';
import { UserEventSubscriber } from './user-event-subscriber';

/** First re-read of an unfinished report; each later one waits twice as long, up to MAX_POLL_MS. */
const FIRST_POLL_MS = 250;
const MAX_POLL_MS = 2000;

const isFinal = (r: ReportDoc) => r.status === 'completed' || r.status === 'failed';

/** Resolves after `ms`, or at once when the signal aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

/**
 * Waits for a report the worker is making. The worker's `report:done` event (through Redis, heard on this instance
 * whichever instance queued the report) wakes the wait at once; re-reading the report with backoff is what makes it
 * correct: an event lost in a Redis blip, or published before the subscription, only costs a later read.
 */
@Injectable()
export class ReportCompletion {
  constructor(
    private readonly reports: ReportsRepository,
    private readonly events: UserEventSubscriber,
    private readonly logger: AppLogger,
  ) {}

  /** The report once completed or failed; as it stands when `waitMs` runs out or `signal` aborts; null if gone. */
  async settle(userId: string, reportId: string, waitMs: number, signal: AbortSignal): Promise<ReportDoc | null> {
    let wake: () => void = () => undefined;
    const woken = new Promise<void>((resolve) => (wake = resolve));
    const stop = await this.events
      .listen(userId, (e) => {
        if (e.event === 'report:done' && e.payload.id === reportId) wake();
      })
      .catch((err: unknown) => {
        this.logger.event('warn', 'reho.report_events_unavailable', { reportId, error: err });
        return () => undefined;
      });
    const deadline = Date.now() + waitMs;
    let next = FIRST_POLL_MS;
    try {
      for (;;) {
        const report = await this.reports.findForUser(reportId, userId);
        const left = deadline - Date.now();
        if (!report || isFinal(report) || left <= 0 || signal.aborted) return report;
        await Promise.race([woken, pause(Math.min(next, left), signal)]);
        next = Math.min(next * 2, MAX_POLL_MS);
      }
    } finally {
      stop();
    }
  }
}
