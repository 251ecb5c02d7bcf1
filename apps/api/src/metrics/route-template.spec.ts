import type { Request } from 'express';
import { routeTemplate } from './route-template';

const req = (fields: { route?: { path: unknown }; baseUrl?: string }) => ({ baseUrl: '', ...fields }) as Request;

describe('routeTemplate', () => {
  it('is the matched pattern under its mount point, never the raw path', () => {
    expect(routeTemplate(req({ route: { path: '/conversations/:id' } }))).toBe('/conversations/:id');
    expect(routeTemplate(req({ baseUrl: '/admin/queues', route: { path: '/api/queues/:queueName' } }))).toBe(
      '/admin/queues/api/queues/:queueName',
    );
  });

  it('labels a route with several patterns by its mount point, and unrouted requests as unmatched', () => {
    expect(routeTemplate(req({ baseUrl: '/admin/queues', route: { path: ['/', '/queue/:queueName'] } }))).toBe(
      '/admin/queues/*',
    );
    expect(routeTemplate(req({}))).toBe('unmatched');
  });
});
