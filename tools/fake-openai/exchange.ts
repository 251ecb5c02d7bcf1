import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/**
 * One request/response pair. `signal` fires when the client goes away before we finished, which
 * is how delays and streams learn to stop instead of writing into a dead socket.
 */
export class Exchange {
  /** When the request arrived (performance.now()): a reply's first-token delay counts from here. */
  readonly arrivedAt = performance.now();

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly signal: AbortSignal,
    readonly requestId: string,
  ) {}

  get gone(): boolean {
    return this.signal.aborted;
  }

  /** Resolves `false` instead of rejecting when the client left, so callers can simply return. */
  pause(ms: number | undefined): Promise<boolean> {
    if (this.gone) return Promise.resolve(false);
    if (!ms || ms <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const onAbort = () => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      this.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Waits until `ms` after the request arrived: reading, parsing and answering a large prompt here is part of the
   * model's time to first token, as it is on a real server, not time added by the client that sent it.
   */
  pauseSinceArrival(ms: number | undefined): Promise<boolean> {
    return this.pause((ms ?? 0) - (performance.now() - this.arrivedAt));
  }

  send(status: number, contentType: string, body: string, headers: OutgoingHttpHeaders = {}): void {
    if (this.gone || this.res.headersSent) return;
    this.res.writeHead(status, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(body),
      'x-request-id': this.requestId,
      ...headers,
    });
    this.res.end(body);
  }

  json(status: number, body: unknown, headers?: OutgoingHttpHeaders): void {
    this.send(status, 'application/json', JSON.stringify(body), headers);
  }

  error(status: number, error: Partial<OpenAIErrorBody['error']>, headers?: OutgoingHttpHeaders): void {
    const body: OpenAIErrorBody = {
      error: {
        message: error.message ?? defaultErrorMessage(status),
        type: error.type ?? defaultErrorType(status),
        param: error.param ?? null,
        code: error.code ?? null,
      },
    };
    this.json(status, body, headers);
  }
}

function defaultErrorType(status: number): string {
  if (status === 429) return 'requests';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

function defaultErrorMessage(status: number): string {
  if (status === 429) return 'Rate limit reached for requests (fake-openai).';
  if (status >= 500) return 'The server had an error while processing your request (fake-openai).';
  return `Request failed with status ${status} (fake-openai).`;
}
