import type { Request } from 'express';

/**
 * The matched route's pattern (`/conversations/:id`), never the raw URL: ids in paths would make one metric
 * series per conversation. A route declared with several patterns (or a RegExp) is labelled by its mount point
 * (`/admin/queues/*`); requests no route matched (404s, preflights, static files) share one label.
 */
export function routeTemplate(req: Request): string {
  if (!req.route) return 'unmatched';
  const pattern: unknown = req.route.path;
  return req.baseUrl + (typeof pattern === 'string' ? pattern : '/*');
}
