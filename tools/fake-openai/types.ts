import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';

/**
 * The parsed body of a chat-completion request. We reuse the SDK's own parameter type so
 * responders and matchers see exactly what the application sent through the SDK.
 */
export type ChatRequest = ChatCompletionCreateParams;

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  /** Header names are lower-case, as Node delivers them. */
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body; `undefined` for an empty body, the raw text when it was not valid JSON. */
  body: unknown;
  /** Set only for a well-formed `POST /v1/chat/completions`, so tests get a typed view. */
  chat: ChatRequest | undefined;
  /** Epoch milliseconds at which the body had been fully received. */
  receivedAt: number;
}

export type RequestMatcher = (req: ChatRequest, http: RecordedRequest) => boolean;

export interface Timing {
  /**
   * Delay before the first byte, headers included, counted from the request's arrival: the time-to-first-token a
   * client observes, however long the fake takes to read the request.
   */
  delayMs?: number;
}

export interface StreamShape {
  /** Pause between streamed chunks. */
  chunkDelayMs?: number;
  /** Characters per streamed chunk; by default content is streamed a few words at a time. */
  chunkSize?: number;
}

export interface TokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
}

export interface ContentReply extends Timing, StreamShape {
  content: string;
  usage?: TokenUsage;
  /** Defaults to `stop`; use `length` to simulate truncation. */
  finishReason?: string;
}

export interface ScriptedToolCall {
  name: string;
  /** Objects are JSON-serialised; strings are sent verbatim, so malformed arguments can be scripted too. */
  arguments: string | object;
  id?: string;
}

export interface ToolCallsReply extends Timing, StreamShape {
  toolCalls: ScriptedToolCall[];
  usage?: TokenUsage;
}

export interface JsonReply extends Timing, StreamShape {
  /** Serialised as the assistant message content, as a `response_format` answer would be. */
  json: unknown;
  usage?: TokenUsage;
}

export interface ErrorReply extends Timing {
  error: {
    status: number;
    message?: string;
    type?: string;
    code?: string;
    /** Sent as both `retry-after` (seconds) and `retry-after-ms`, which the SDK prefers. */
    retryAfterSeconds?: number;
  };
}

export interface HangReply {
  hang: true;
}

export interface GarbageReply extends Timing {
  /**
   * Sent verbatim with a JSON content type so the SDK tries, and fails, to parse it.
   * For `stream: true` requests it is framed as one SSE `data:` event for the same reason.
   */
  garbage: string;
  status?: number;
}

/** What a responder produces: exactly one of the shapes below. */
export type Reply = ContentReply | ToolCallsReply | JsonReply | ErrorReply | HangReply | GarbageReply;

/**
 * A queued reply. With `match`, it is reserved for requests the predicate accepts, so features that
 * run concurrently can be scripted independently; without it, any chat request may consume it.
 */
export type ScriptedReply = Reply & { match?: RequestMatcher };

/** Used when no queued reply accepts the request. `match` on the returned value is ignored. */
export type Responder = (req: ChatRequest, http: RecordedRequest) => Reply | Promise<Reply>;

export interface FakeOpenAIOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1 so the fake is never reachable from outside the machine. */
  host?: string;
  /** Replaces the built-in demo responder; `reset()` returns to this one. */
  responder?: Responder;
}

export interface FakeOpenAIStats {
  /** Responses written to the end. */
  completed: number;
  /** Requests whose client disconnected before the response was finished. */
  aborted: number;
  /** Requests currently being answered (or hanging). */
  inFlight: number;
}

export interface FakeOpenAI {
  /** `http://HOST:PORT/v1`, ready for `new OpenAI({ baseURL })`. */
  readonly baseURL: string;
  readonly port: number;
  /** Every request received since start or the last `reset()`, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** A snapshot; read it again after awaiting to see later changes. */
  readonly stats: FakeOpenAIStats;
  enqueue(...replies: ScriptedReply[]): void;
  /** `undefined` restores the responder given at start (the demo responder unless overridden). */
  setResponder(fn: Responder | undefined): void;
  /** Forget the script, recorded requests and counters; requests still open stop counting. */
  reset(): void;
  /**
   * Resolves once no request is in flight. A client abort reaches the server asynchronously, so
   * await this before asserting on `stats.aborted`.
   */
  waitForIdle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}
