import { Inject, Injectable } from '@nestjs/common';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AiUsageRepository } from '@app/database';
import { ModelMetrics } from '@app/metrics';
import { estimateCostUsd } from './cost';
import { classifyLlmError, LlmError } from './llm-error';
import {
  chargeForFailure,
  INPUT_RESERVE_FACTOR,
  LlmFeature,
  reservedUsage,
  TokenUsage,
  totalTokens,
} from './reservation';
import { Reservation, SpendingCaps } from './spending-caps';
import { parseStructured } from './structured-output';
import { estimatePromptTokens, estimateTokens } from './token-estimate';

export interface JsonTask {
  /** Feature name for usage accounting, spending caps and per-task model choice, e.g. 'expense-parse'. */
  feature: LlmFeature;
  /** Whose caps the call spends from; required for every feature but admin alerts. */
  userId?: string | null;
  messages: ChatCompletionMessageParam[];
  schemaName: string;
  schema: Record<string, unknown>;
  temperature?: number;
  /** Longest answer; OPENAI_MAX_OUTPUT_TOKENS by default. */
  maxOutputTokens?: number;
  signal?: AbortSignal;
  /** Held ahead of the prompt (reserveAhead): the call uses it, settles it, and marks it taken. */
  ahead?: ReservationAhead | null;
}

export interface ChatStreamTask {
  feature: LlmFeature;
  userId?: string | null;
  messages: ChatCompletionMessageParam[];
  maxOutputTokens?: number;
  temperature?: number;
  /** Functions the model may call this round; its calls come back in `toolCalls`, for the caller to run. */
  tools?: ChatCompletionTool[];
  /** Aborting ends the model request; the partial text is returned with `stopped: true`. */
  signal?: AbortSignal;
  /** Held ahead of the prompt (reserveAhead): the call uses it, settles it, and marks it taken. */
  ahead?: ReservationAhead | null;
}

/**
 * A reservation made before its call's prompt was built, from a bound on the prompt's size, so that it needs no
 * round trip of its own. Whoever holds one either gives it to its call (streamChat, completeJson) or releases it.
 */
export interface ReservationAhead {
  hold: Reservation | null;
  taken: boolean;
}

/** A function call the model asked for, assembled from its streamed pieces; `arguments` is the model's raw JSON. */
export interface ModelToolCall {
  id: string;
  name: string;
  arguments: string;
}

export interface ChatStreamResult {
  text: string;
  toolCalls: ModelToolCall[];
  usage: TokenUsage;
  model: string;
  stopped: boolean;
  /**
   * The call's charge written down (caps settled, usage row); never rejects. The caller awaits it before its turn
   * ends, not before its next call: the settlement is sent first, so a next call's reservation sees it anyway.
   */
  accounted: Promise<void>;
}

/**
 * The one place that talks to the model server: model choice, timeouts, spending caps, usage and cost accounting.
 * Every call reserves against the user's caps first (SpendingCapError when one is spent) and settles after, failed
 * calls included.
 */
@Injectable()
export class LlmService {
  readonly client: OpenAI;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly usage: AiUsageRepository,
    private readonly metrics: ModelMetrics,
    private readonly caps: SpendingCaps,
  ) {
    this.client = new OpenAI({
      apiKey: config.llm.apiKey,
      baseURL: config.llm.baseURL,
      timeout: config.llm.timeoutMs,
      maxRetries: config.llm.maxRetries,
      // The SDK would print unparseable stream chunks (model output) with console.error, outside our
      // redacting JSON log; every failure reaches us as an error we classify and log ourselves.
      logLevel: 'off',
    });
  }

  modelFor(feature: string): string {
    return this.config.llm.taskModels[feature] ?? this.config.llm.defaultModel;
  }

  /**
   * Structured output (json_schema); an answer that fails the schema is an `invalid_output` LlmError. `accounted`
   * is the call's charge being written down, as in streamChat: the caller awaits it before its job ends, alongside
   * its own writes rather than before them.
   */
  async completeJson<T>(
    task: JsonTask,
  ): Promise<{ value: T; usage: TokenUsage; model: string; accounted: Promise<void> }> {
    const model = this.modelFor(task.feature);
    const maxOutputTokens = task.maxOutputTokens ?? this.config.llm.maxOutputTokens;
    const reserved = reservedUsage(task.messages, maxOutputTokens);
    const hold = await this.holdFor(task, model, reserved);
    const started = Date.now();
    let usage: TokenUsage | null = null;
    try {
      const completion = await this.client.chat.completions.create(
        {
          model,
          messages: task.messages,
          temperature: task.temperature ?? 0,
          max_tokens: maxOutputTokens,
          response_format: {
            type: 'json_schema',
            json_schema: { name: task.schemaName, schema: task.schema, strict: true },
          },
        },
        { signal: task.signal },
      );
      usage = {
        inputTokens: completion.usage?.prompt_tokens ?? 0,
        outputTokens: completion.usage?.completion_tokens ?? 0,
      };
      const value = parseStructured<T>(completion.choices[0]?.message?.content, task.schema);
      return { value, usage, model, accounted: this.finish(task, model, hold, usage, started, null) };
    } catch (err) {
      const llmErr = classifyLlmError(err, task.signal);
      const charged = chargeForFailure({ reported: usage, streamed: null, status: llmErr.status, reserved });
      await this.finish(task, model, hold, charged, started, llmErr);
      throw llmErr;
    }
  }

  /**
   * Streams a chat reply, calling onDelta for each piece of text as it arrives. A user's stop (the
   * signal) is not an error: the partial text comes back marked stopped and its tokens are accounted.
   */
  async streamChat(task: ChatStreamTask, onDelta: (text: string) => void): Promise<ChatStreamResult> {
    const model = this.modelFor(task.feature);
    const maxOutputTokens = task.maxOutputTokens ?? this.config.llm.maxOutputTokens;
    // A failure is charged by the prompt it sent, not by a reservation made ahead from a bound.
    const reserved = reservedUsage(task.messages, maxOutputTokens);
    const hold = await this.holdFor(task, model, reserved);
    const started = Date.now();
    let text = '';
    const calls = new ToolCallAssembler();
    let usage: TokenUsage | null = null;
    let answered = false;
    try {
      const stream = await this.client.chat.completions.create(
        {
          model,
          messages: task.messages,
          stream: true,
          stream_options: { include_usage: true },
          temperature: task.temperature ?? 0.4,
          max_tokens: maxOutputTokens,
          ...(task.tools?.length ? { tools: task.tools, tool_choice: 'auto' as const } : {}),
        },
        { signal: task.signal },
      );
      answered = true;
      for await (const chunk of stream) {
        const choice = chunk.choices[0]?.delta;
        if (choice?.content) {
          text += choice.content;
          onDelta(choice.content);
        }
        for (const piece of choice?.tool_calls ?? []) calls.add(piece);
        if (chunk.usage)
          usage = { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens };
      }
      const final = usage ?? this.estimateUsage(task.messages, text + calls.text());
      // The SDK ends the iteration quietly when the signal aborts it, so the signal says whether we stopped.
      const stopped = task.signal?.aborted === true;
      const accounted = this.finish(task, model, hold, final, started, null, stopped);
      return { text, toolCalls: stopped ? [] : calls.done(), usage: final, model, stopped, accounted };
    } catch (err) {
      const llmErr = classifyLlmError(err);
      const stopped = llmErr.kind === 'aborted' && task.signal?.aborted === true;
      const charged = chargeForFailure({
        reported: usage,
        streamed: answered || stopped ? this.estimateUsage(task.messages, text) : null,
        status: llmErr.status,
        reserved,
      });
      if (stopped) {
        const accounted = this.finish(task, model, hold, charged, started, null, true);
        return { text, toolCalls: [], usage: charged, model, stopped: true, accounted };
      }
      await this.finish(task, model, hold, charged, started, llmErr);
      throw llmErr;
    }
  }

  /**
   * Reserves a call's tokens before its prompt exists, for a prompt of at most `promptTokensAtMost` (and the
   * feature's longest answer), so the caller can ask alongside its other reads. Throws SpendingCapError as the call
   * would.
   */
  async reserveAhead(
    feature: LlmFeature,
    userId: string,
    promptTokensAtMost: number,
    maxOutputTokens = this.config.llm.maxOutputTokens,
  ): Promise<ReservationAhead> {
    const bound = { inputTokens: Math.ceil(promptTokensAtMost * INPUT_RESERVE_FACTOR), outputTokens: maxOutputTokens };
    return { hold: await this.caps.reserve(userId, feature, this.modelFor(feature), bound), taken: false };
  }

  /**
   * reserveAhead for work that goes on whatever the hold's answer: a hold refused (a cap already spent, or Redis
   * failing) is null, and the call then reserves for itself and meets that refusal where its caller handles the
   * call's failures. Never rejects.
   */
  holdAhead(
    feature: LlmFeature,
    userId: string,
    promptTokensAtMost: number,
    maxOutputTokens?: number,
  ): Promise<ReservationAhead | null> {
    return this.reserveAhead(feature, userId, promptTokensAtMost, maxOutputTokens).catch(() => null);
  }

  /** Gives back a reservation made ahead that no call took (its work ended before the model call). */
  async release(ahead: ReservationAhead | null | undefined): Promise<void> {
    if (!ahead || ahead.taken) return;
    ahead.taken = true;
    await this.caps.settle(ahead.hold, { inputTokens: 0, outputTokens: 0 });
  }

  /** The call's reservation: the one made ahead when it covers the prompt, else a new one (the other given back). */
  private async holdFor(
    task: Pick<JsonTask, 'ahead' | 'feature' | 'userId'>,
    model: string,
    needed: TokenUsage,
  ): Promise<Reservation | null> {
    const ahead = task.ahead;
    if (ahead && !ahead.taken) {
      ahead.taken = true;
      if (!ahead.hold || totalTokens(ahead.hold.reserved) >= totalTokens(needed)) return ahead.hold;
      await this.caps.settle(ahead.hold, { inputTokens: 0, outputTokens: 0 });
    }
    return this.caps.reserve(task.userId, task.feature, model, needed);
  }

  private estimateUsage(messages: ChatCompletionMessageParam[], output: string): TokenUsage {
    return { inputTokens: estimatePromptTokens(messages), outputTokens: estimateTokens(output) };
  }

  /** The call is over: its reservation becomes what it was charged, and the charge is written down. */
  private async finish(
    task: Pick<JsonTask, 'feature' | 'userId'>,
    model: string,
    hold: Reservation | null,
    charged: TokenUsage,
    started: number,
    error: LlmError | null,
    stopped = false,
  ): Promise<void> {
    // Neither throws, and the caller waits on both: together, not one after the other.
    await Promise.all([this.caps.settle(hold, charged), this.record(task, model, charged, started, error, stopped)]);
  }

  /**
   * Usage is accounted (ai_usage and metrics) even for failures; a usage write failing must not turn a good
   * answer into an error.
   */
  private async record(
    task: Pick<JsonTask, 'feature' | 'userId'>,
    model: string,
    usage: TokenUsage,
    started: number,
    error: LlmError | null,
    stopped = false,
  ): Promise<void> {
    const latencyMs = Date.now() - started;
    const costUsd = estimateCostUsd(this.config.llm.prices, model, usage.inputTokens, usage.outputTokens);
    this.metrics.record({
      feature: task.feature,
      model,
      seconds: latencyMs / 1000,
      ...usage,
      costUsd,
      outcome: error ? 'failed' : stopped ? 'stopped' : 'ok',
      reason: error?.kind,
    });
    await this.usage
      .record({
        userId: task.userId ?? null,
        feature: task.feature,
        model,
        inputTokens: usage.inputTokens,
        outputTokens: usage.outputTokens,
        costUsd,
        latencyMs,
        success: error === null,
        errorCode: error?.kind ?? null,
      })
      .catch(() => undefined);
  }
}

/**
 * Streamed tool calls arrive in pieces keyed by index: the first piece names the call (id, function name), later
 * ones append to its JSON arguments.
 */
class ToolCallAssembler {
  private readonly byIndex = new Map<number, ModelToolCall>();

  add(piece: { index: number; id?: string; function?: { name?: string; arguments?: string } }): void {
    const call = this.byIndex.get(piece.index) ?? { id: '', name: '', arguments: '' };
    if (piece.id) call.id = piece.id;
    if (piece.function?.name) call.name += piece.function.name;
    if (piece.function?.arguments) call.arguments += piece.function.arguments;
    this.byIndex.set(piece.index, call);
  }

  /** Calls in the order the model made them; one without an id gets one, so its result can answer it. */
  done(): ModelToolCall[] {
    return [...this.byIndex.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, call]) => ({ ...call, id: call.id || `call_${index}` }));
  }

  /** What the calls cost in output tokens when the server reports no usage. */
  text(): string {
    return [...this.byIndex.values()].map((c) => c.name + c.arguments).join('');
  }
}
