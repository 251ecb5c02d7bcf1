import type { OutgoingHttpHeaders } from 'node:http';
import type { Exchange } from './exchange';

/**
 * Server-sent events in the framing the OpenAI SDK parses: `data: <json>\n\n` per event and a
 * final `data: [DONE]`. Every write is skipped once the client is gone.
 */
export class SseWriter {
  constructor(private readonly ex: Exchange) {}

  open(headers: OutgoingHttpHeaders = {}): void {
    if (this.ex.gone) return;
    this.ex.res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-request-id': this.ex.requestId,
      ...headers,
    });
  }

  event(data: unknown): boolean {
    return this.raw(JSON.stringify(data));
  }

  /** Sends a pre-serialised payload; also how deliberately broken events are produced. */
  raw(data: string): boolean {
    if (this.ex.gone) return false;
    // Multi-line payloads need one `data:` field per line or the tail would be dropped as noise.
    const fields = data.split(/\r?\n/).map((line) => `data: ${line}`);
    this.ex.res.write(`${fields.join('\n')}\n\n`);
    return true;
  }

  done(): void {
    if (this.ex.gone) return;
    this.ex.res.end('data: [DONE]\n\n');
  }
}
