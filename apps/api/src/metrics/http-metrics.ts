import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Histogram, Registry } from 'prom-client';
import { routeTemplate } from './route-template';

/** Request latency by method, route pattern and status. */
@Injectable()
export class HttpMetrics {
  private readonly duration: Histogram<'method' | 'route' | 'status'>;

  constructor(registry: Registry) {
    this.duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by method, route pattern and status (streams: until the response ends)',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    });
  }

  /** Express middleware; `close` also fires for a client that hung up mid-stream, which `finish` would miss. */
  middleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      const end = this.duration.startTimer();
      res.once('close', () => end({ method: req.method, route: routeTemplate(req), status: String(res.statusCode) }));
      next();
    };
  }
}
