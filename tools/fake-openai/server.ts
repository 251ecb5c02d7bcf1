import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { demoResponder } from './demo-responder';
import { Exchange } from './exchange';
import { IdSource, writeReply } from './reply-writer';
import { ScriptQueue } from './script-queue';
import type {
  ChatRequest,
  FakeOpenAI,
  FakeOpenAIOptions,
  FakeOpenAIStats,
  RecordedRequest,
  Reply,
  Responder,
  ScriptedReply,
} from './types';

const MODELS = ['gpt-4o-mini', 'gpt-4o', 'fake-openai-demo'];
/** Fixed so the model list is stable across runs. */
const MODELS_CREATED = 1_700_000_000;

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const fake = new FakeOpenAIServer(options.responder ?? demoResponder);
  await fake.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return fake;
}

class FakeOpenAIServer implements FakeOpenAI {
  baseURL = '';
  port = 0;

  private readonly server: Server;
  private readonly script = new ScriptQueue();
  private readonly ids = new IdSource();
  private recorded: RecordedRequest[] = [];
  private responder: Responder;
  private counters = { completed: 0, aborted: 0 };
  /** Open exchanges of the current generation; older ones finish without touching new stats. */
  private live = new Set<Exchange>();
  /** Bumped by reset() so requests that straddle it cannot leak into the fresh state. */
  private generation = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly defaultResponder: Responder) {
    this.responder = defaultResponder;
    this.server = createServer((req, res) => this.accept(req, res));
  }

  get requests(): readonly RecordedRequest[] {
    return this.recorded;
  }

  get stats(): FakeOpenAIStats {
    return { ...this.counters, inFlight: this.live.size };
  }

  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        this.port = (this.server.address() as AddressInfo).port;
        this.baseURL = `http://${urlHost(host)}:${this.port}/v1`;
        resolve();
      });
    });
  }

  enqueue(...replies: ScriptedReply[]): void {
    this.script.push(replies);
  }

  setResponder(fn: Responder | undefined): void {
    this.responder = fn ?? this.defaultResponder;
  }

  reset(): void {
    this.generation++;
    this.script.clear();
    this.ids.reset();
    this.recorded = [];
    this.counters = { completed: 0, aborted: 0 };
    this.responder = this.defaultResponder;
    this.live = new Set();
    this.notifyIfIdle();
  }

  waitForIdle(timeoutMs = 5000): Promise<void> {
    if (this.live.size === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== done);
        reject(new Error(`fake-openai: still ${this.live.size} request(s) in flight after ${timeoutMs}ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.idleWaiters.push(done);
    });
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Hanging and streaming responses would otherwise keep close() waiting forever.
    this.server.closeAllConnections();
    await closed;
  }

  private accept(req: IncomingMessage, res: ServerResponse): void {
    const generation = this.generation;
    const abort = new AbortController();
    const ex = new Exchange(req, res, abort.signal, this.ids.take('req_fake_'));
    const live = this.live;
    live.add(ex);

    let settled = false;
    const settle = (outcome: 'completed' | 'aborted') => {
      if (settled) return;
      settled = true;
      if (outcome === 'aborted') abort.abort();
      if (generation !== this.generation) return;
      this.counters[outcome]++;
      live.delete(ex);
      this.notifyIfIdle();
    };
    res.on('finish', () => settle('completed'));
    // 'close' without a prior 'finish' means the socket went away mid-reply.
    res.on('close', () => settle('aborted'));

    this.handle(ex, generation).catch((err: unknown) => {
      // A bug in a responder or in the fake itself should fail the test loudly, not hang it.
      if (!res.headersSent) ex.error(500, { message: `fake-openai internal error: ${describeError(err)}` });
      else res.destroy();
    });
  }

  private async handle(ex: Exchange, generation: number): Promise<void> {
    const { req } = ex;
    const raw = await readBody(req);
    // Nobody is listening any more: do not record it or let it consume a scripted reply.
    if (ex.gone) return;
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const parsed = parseJson(raw);
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      headers: { ...req.headers },
      body: raw === '' ? undefined : parsed.ok ? parsed.value : raw,
      chat: undefined,
      receivedAt: Date.now(),
    };
    if (generation === this.generation) this.recorded.push(recorded);

    const route = `${recorded.method} ${path}`;
    const isChat = route === 'POST /v1/chat/completions';
    const isModels = route === 'GET /v1/models' || (recorded.method === 'GET' && path.startsWith('/v1/models/'));
    if (!isChat && !isModels) {
      return ex.error(404, { message: `Invalid URL (${recorded.method} ${url.pathname})` });
    }
    if (!/^Bearer\s+\S+/i.test(req.headers.authorization ?? '')) {
      return ex.error(401, {
        message:
          "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      });
    }
    if (isModels) return this.answerModels(ex, path);

    if (!parsed.ok) {
      return ex.error(400, {
        message:
          "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload.)",
      });
    }
    const problem = validateChat(parsed.value);
    if (problem) return ex.error(400, problem);

    const chat = parsed.value as ChatRequest;
    recorded.chat = chat;
    const reply = this.script.take(chat, recorded) ?? (await this.respond(chat, recorded));
    if (ex.gone) return;
    await writeReply(ex, chat, reply, this.ids);
  }

  private async respond(chat: ChatRequest, recorded: RecordedRequest): Promise<Reply> {
    try {
      return await this.responder(chat, recorded);
    } catch (err) {
      return { error: { status: 500, message: `fake-openai responder threw: ${describeError(err)}` } };
    }
  }

  private answerModels(ex: Exchange, path: string): void {
    const model = (id: string) => ({ id, object: 'model', created: MODELS_CREATED, owned_by: 'fake-openai' });
    if (path === '/v1/models') return ex.json(200, { object: 'list', data: MODELS.map(model) });
    const id = decodeURIComponent(path.slice('/v1/models/'.length));
    if (MODELS.includes(id)) return ex.json(200, model(id));
    ex.error(404, { message: `The model '${id}' does not exist`, code: 'model_not_found', param: 'model' });
  }

  private notifyIfIdle(): void {
    if (this.live.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    // A client that disconnects mid-body never sends 'end'; the caller sees the exchange is gone.
    req.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(raw: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false };
  }
}

/** Only the checks the real API would reject outright; the rest is the responder's business. */
function validateChat(body: unknown): { message: string; param: string } | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return { message: 'The request body must be a JSON object.', param: 'body' };
  }
  const { model, messages } = body as Record<string, unknown>;
  if (typeof model !== 'string' || model === '') {
    return { message: 'you must provide a model parameter', param: 'model' };
  }
  if (!Array.isArray(messages) || messages.length === 0) {
    return { message: "Missing required parameter: 'messages'.", param: 'messages' };
  }
  const bad = messages.findIndex(
    (m: unknown) => !m || typeof m !== 'object' || typeof (m as { role?: unknown }).role !== 'string',
  );
  if (bad !== -1) return { message: `Invalid message at index ${bad}: a role is required.`, param: `messages[${bad}]` };
  return undefined;
}

/** A wildcard bind address is not something a client can connect to. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
