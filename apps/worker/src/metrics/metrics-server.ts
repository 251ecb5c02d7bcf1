import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Registry } from 'prom-client';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AppLogger } from '@app/logging';
import { scrapeAuthorized } from '@app/metrics';

const REASONS: Record<number, string> = { 401: 'Unauthorized', 404: 'Not Found', 500: 'Internal Server Error' };

function refuse(req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string): void {
  if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(
    JSON.stringify({
      statusCode: status,
      error: REASONS[status],
      code,
      message,
      path: (req.url ?? '/').split('?')[0],
      timestamp: new Date().toISOString(),
    }),
  );
}

/**
 * The worker has no HTTP api, so it serves its own GET /metrics for Prometheus on WORKER_METRICS_HOST:PORT
 * (loopback unless configured), with the same METRICS_TOKEN as the api. Off when no token is set.
 */
@Injectable()
export class WorkerMetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: Server | null = null;

  constructor(
    private readonly registry: Registry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly logger: AppLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const token = this.config.metrics.token;
    if (!token) return;
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET' || path !== '/metrics') return refuse(req, res, 404, 'not_found', 'Not found');
      if (!scrapeAuthorized(req.headers.authorization, token))
        return refuse(req, res, 401, 'metrics_token_required', 'A valid metrics token is required');
      this.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(text),
        () => refuse(req, res, 500, 'internal_error', 'Metrics could not be collected'),
      );
    });
    const { workerHost, workerPort } = this.config.metrics;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) =>
        reject(new Error(`worker metrics endpoint cannot listen on ${workerHost}:${workerPort} (${err.message})`)),
      );
      server.listen(workerPort, workerHost, () => resolve());
    });
    this.server = server;
    this.logger.event('info', 'worker.metrics_listening', { url: this.url() });
  }

  /** Where Prometheus scrapes this worker; null when metrics are off. */
  url(): string | null {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) return null;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}/metrics`;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
