import type { NextFunction, Request, Response } from 'express';
import { sendError } from './queue-board-auth';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function fromAnotherSite(req: Request): boolean {
  // Browsers say where a request comes from; trusting that first keeps working behind proxies that rewrite Host.
  const site = req.headers['sec-fetch-site'];
  if (site) return site === 'cross-site' || site === 'same-site';
  const origin = req.headers.origin;
  if (!origin) return false;
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true; // "null" (sandboxed frames, some redirects) or garbage: not our page.
  }
}

/**
 * Refuses board writes (retry, clean, pause, add job; sign-in and sign-out) that a page on another site made
 * the browser send. The session cookie is SameSite=Strict, so it never rides such a request, but a browser's
 * remembered basic-auth login does: SameSite does not apply to it. Browsers mark their requests with
 * Sec-Fetch-Site and Origin; curl and scripts send neither and are not affected.
 */
export function refuseCrossSiteWrites(req: Request, res: Response, next: NextFunction): void {
  if (SAFE_METHODS.has(req.method) || !fromAnotherSite(req)) return next();
  sendError(req, res, 403, 'cross_site_request', 'Board changes must come from the board itself');
}
