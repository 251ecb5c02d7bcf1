import { estimateTokens, promptTokens } from './chat-text';
import type { Exchange } from './exchange';
import { SseWriter } from './sse';
import type {
  ChatRequest,
  ContentReply,
  ErrorReply,
  GarbageReply,
  JsonReply,
  Reply,
  StreamShape,
  TokenUsage,
  ToolCallsReply,
} from './types';

/** Sequential ids keep test failures readable and reproducible; `reset()` restarts them. */
export class IdSource {
  private next = 1;

  take(prefix: string): string {
    return `${prefix}${String(this.next++).padStart(6, '0')}`;
  }

  reset(): void {
    this.next = 1;
  }
}

interface Answer {
  content: string | null;
  toolCalls: { id: string; name: string; arguments: string }[];
  finishReason: string;
  usage: TokenUsage & { total_tokens: number };
  shape: StreamShape;
}

/** Marks every completion so a captured response can be traced back to the fake. */
const SYSTEM_FINGERPRINT = 'fp_fake_openai';
const WORDS_PER_CHUNK = 3;
/** JSON has no words to split on; small character slices mimic how models stream it. */
const JSON_CHARS_PER_CHUNK = 16;

/** Answers a chat-completion request with `reply`, honouring its timing and the request's `stream`. */
export async function writeReply(ex: Exchange, chat: ChatRequest, reply: Reply, ids: IdSource): Promise<void> {
  // Accept and say nothing: the exchange stays open until the client (or close()) drops it.
  if ('hang' in reply) return;
  if (!(await ex.pauseSinceArrival(reply.delayMs))) return;

  if ('error' in reply) return writeError(ex, reply);
  if ('garbage' in reply) return writeGarbage(ex, chat, reply);

  const answer = toAnswer(chat, reply, ids);
  if (chat.stream) return streamAnswer(ex, chat, answer, ids);
  ex.json(200, completionBody(chat, answer, ids));
}

function writeError(ex: Exchange, { error }: ErrorReply): void {
  const headers: Record<string, string> = {};
  if (error.retryAfterSeconds !== undefined) {
    headers['retry-after'] = String(error.retryAfterSeconds);
    headers['retry-after-ms'] = String(Math.round(error.retryAfterSeconds * 1000));
  }
  const code = error.code ?? (error.status === 429 ? 'rate_limit_exceeded' : undefined);
  ex.error(error.status, { message: error.message, type: error.type, code }, headers);
}

function writeGarbage(ex: Exchange, chat: ChatRequest, reply: GarbageReply): void {
  const status = reply.status ?? 200;
  // A successful streaming response is parsed event by event, so the garbage has to arrive as an
  // event for the SDK to choke on it; anywhere else the raw body is what gets parsed.
  if (chat.stream && status < 400) {
    const sse = new SseWriter(ex);
    sse.open();
    sse.raw(reply.garbage);
    sse.done();
    return;
  }
  ex.send(status, 'application/json', reply.garbage);
}

function toAnswer(chat: ChatRequest, reply: ContentReply | ToolCallsReply | JsonReply, ids: IdSource): Answer {
  const shape: StreamShape = { chunkDelayMs: reply.chunkDelayMs, chunkSize: reply.chunkSize };
  let content: string | null;
  let toolCalls: Answer['toolCalls'] = [];
  let finishReason = 'stop';

  if ('toolCalls' in reply) {
    content = null;
    toolCalls = reply.toolCalls.map((call) => ({
      id: call.id ?? ids.take('call_fake_'),
      name: call.name,
      arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
    }));
    finishReason = 'tool_calls';
  } else if ('json' in reply) {
    content = JSON.stringify(reply.json);
    shape.chunkSize ??= JSON_CHARS_PER_CHUNK;
  } else if (typeof reply.content === 'string') {
    content = reply.content;
    finishReason = reply.finishReason ?? 'stop';
  } else {
    // Responders are plain JS at runtime; name the mistake rather than stream `undefined`.
    throw new Error(
      `unrecognised reply ${JSON.stringify(reply)}: expected content, toolCalls, json, error, hang or garbage`,
    );
  }

  const generated = (content ?? '') + toolCalls.map((c) => c.name + c.arguments).join('');
  const usage = reply.usage ?? { prompt_tokens: promptTokens(chat), completion_tokens: estimateTokens(generated) };
  return {
    content,
    toolCalls,
    finishReason,
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
    shape,
  };
}

function completionBody(chat: ChatRequest, answer: Answer, ids: IdSource) {
  const message = {
    role: 'assistant' as const,
    content: answer.content,
    refusal: null,
    annotations: [],
    ...(answer.toolCalls.length > 0 && {
      tool_calls: answer.toolCalls.map((call) => ({
        id: call.id,
        type: 'function' as const,
        function: { name: call.name, arguments: call.arguments },
      })),
    }),
  };
  return {
    id: ids.take('chatcmpl-fake'),
    object: 'chat.completion' as const,
    created: nowSeconds(),
    model: chat.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: answer.finishReason }],
    usage: answer.usage,
    system_fingerprint: SYSTEM_FINGERPRINT,
  };
}

async function streamAnswer(ex: Exchange, chat: ChatRequest, answer: Answer, ids: IdSource): Promise<void> {
  const includeUsage = chat.stream_options?.include_usage === true;
  const base = {
    id: ids.take('chatcmpl-fake'),
    object: 'chat.completion.chunk' as const,
    created: nowSeconds(),
    model: chat.model,
    system_fingerprint: SYSTEM_FINGERPRINT,
  };
  // OpenAI sends `usage: null` on every chunk once usage was requested, then one usage-only chunk.
  const chunk = (delta: object, finishReason: string | null = null) => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage && { usage: null }),
  });

  const deltas: object[] = [{ role: 'assistant', content: answer.content === null ? null : '', refusal: null }];
  for (const piece of splitText(answer.content ?? '', answer.shape.chunkSize)) deltas.push({ content: piece });
  answer.toolCalls.forEach((call, index) => {
    // The first delta of a call carries its identity; later ones only append argument text.
    deltas.push({
      tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }],
    });
    for (const fragment of splitChars(call.arguments, answer.shape.chunkSize ?? JSON_CHARS_PER_CHUNK)) {
      deltas.push({ tool_calls: [{ index, function: { arguments: fragment } }] });
    }
  });

  const sse = new SseWriter(ex);
  sse.open();
  const events: object[] = [...deltas.map((delta) => chunk(delta)), chunk({}, answer.finishReason)];
  if (includeUsage) events.push({ ...base, choices: [], usage: answer.usage });

  for (const [i, event] of events.entries()) {
    if (i > 0 && !(await ex.pause(answer.shape.chunkDelayMs))) return;
    if (!sse.event(event)) return;
  }
  sse.done();
}

/** A few words per chunk by default, like a real model's token stream; whitespace is preserved. */
function splitText(text: string, chunkSize: number | undefined): string[] {
  if (chunkSize) return splitChars(text, chunkSize);
  const words = text.match(/\s*\S+\s*/g) ?? (text ? [text] : []);
  const pieces: string[] = [];
  for (let i = 0; i < words.length; i += WORDS_PER_CHUNK) pieces.push(words.slice(i, i + WORDS_PER_CHUNK).join(''));
  return pieces;
}

/** Splits by code point so a chunk boundary never cuts a surrogate pair in half. */
function splitChars(text: string, size: number): string[] {
  const chars = Array.from(text);
  const step = Math.max(1, Math.floor(size));
  const pieces: string[] = [];
  for (let i = 0; i < chars.length; i += step) pieces.push(chars.slice(i, i + step).join(''));
  return pieces;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
