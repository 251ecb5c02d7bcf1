import { Inject, Injectable } from '@nestjs/common';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { APP_CONFIG, AppConfig } from '@app/config';
import type { MessageToolCall, MessageVerification } from '@app/database';
import { estimatePromptTokens, LlmService, ModelToolCall, ReservationAhead, TokenUsage } from '@app/llm';
import { type Fact, type FactSheet, verifyReply } from '@app/prompts';
import type { ToolContext, ToolLanguage } from './tools/chat-tool';
import { ChatToolRegistry, TOOL_CONTENT_MAX_CHARS } from './tools/tool-registry';

/** `message:tool`: a tool call starting (`running`) and how it ended, in the user's language. */
export interface ToolEvent {
  name: string;
  status: 'running' | 'done' | 'error';
  summary: string;
  round: number;
}

export interface AnswerInput {
  userId: string;
  messages: ChatCompletionMessageParam[];
  /** The figures the system prompt shows; tool results add theirs as they come. */
  facts: FactSheet;
  tools: ToolContext;
  maxOutputTokens: number;
  signal: AbortSignal;
  /** The turn's reservation, made ahead of the prompt: the first round's call takes it. */
  ahead?: ReservationAhead;
  onDelta(delta: string): void;
  onTool(event: ToolEvent): void;
}

export interface Answer {
  text: string;
  usage: TokenUsage;
  stopped: boolean;
  tools: MessageToolCall[];
  verification: MessageVerification;
}

/** Calls beyond this in one round are refused to the model: each result can be thousands of characters. */
const MAX_CALLS_PER_ROUND = 4;

/**
 * The most one tool result adds to the next round's prompt, as the reservation counts it: its content is cut to
 * TOOL_CONTENT_MAX_CHARS characters with an ASCII marker, and no content counts more than as many non-ASCII ones.
 */
const TOOL_MESSAGE_TOKENS_AT_MOST = estimatePromptTokens([
  { role: 'tool', tool_call_id: '', content: '\u0995'.repeat(TOOL_CONTENT_MAX_CHARS) },
]);

const TOO_MANY_CALLS = JSON.stringify({
  error: `At most ${MAX_CALLS_PER_ROUND} tool calls per round; call this one next round`,
});

/** What a call past MAX_CALLS_PER_ROUND adds instead: the same short refusal, whatever it asked for. */
const REFUSED_CALL_TOKENS = estimatePromptTokens([{ role: 'tool', tool_call_id: '', content: TOO_MANY_CALLS }]);

const ROUND_CAP_NOTE = (rounds: number) =>
  `You have used all ${rounds} tool rounds for this message. Answer now with what the tools have returned; ` +
  'say plainly what you could not look up. Do not ask to call more tools.';

const ROUND_CAP_FALLBACK: Record<ToolLanguage, (rounds: number) => string> = {
  en: (rounds) =>
    `I could not finish looking this up within ${rounds} steps. Please ask a narrower question, for example one ` +
    'month or one category.',
  bn: (rounds) =>
    `${rounds}টি ধাপের মধ্যে আমি এটি খুঁজে শেষ করতে পারিনি। অনুগ্রহ করে আরও নির্দিষ্ট প্রশ্ন করুন, যেমন একটি মাস বা একটি বিভাগ।`,
};

const CORRECTION_NOTE = (unverified: string[]) =>
  `Check before this answer is shown: these figures in it do not appear in the user's data or in any tool result: ` +
  `${unverified.join(', ')}. Rewrite the whole answer, in the same language, using only figures given to you ` +
  '(the snapshot or tool results), exactly as given. Where you would need a figure you were not given, say that ' +
  'you do not have it instead of working it out.';

/**
 * The model's side of a chat turn: rounds of streamed text and tool calls (up to CHAT_MAX_TOOL_ROUNDS; every call
 * through the registry, which validates, bounds and runs it for the session's user only), then every figure of the
 * answer checked against the turn's facts, with one corrective round when some are not the user's. Each round is a
 * model call of its own, so each reserves against and is charged to the user's spending caps.
 */
@Injectable()
export class ChatAnswerer {
  constructor(
    private readonly llm: LlmService,
    private readonly registry: ChatToolRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Returns once every model call it made is accounted: the turn's cost is written down before it ends. A hold
   * made for a round that never ran (the turn failed first) is given back.
   */
  async answer(input: AnswerInput): Promise<Answer> {
    const accounting: Promise<void>[] = [];
    const holds: Promise<ReservationAhead | null>[] = [];
    try {
      return await this.rounds(input, accounting, holds);
    } finally {
      await Promise.all(holds.map(async (hold) => this.llm.release(await hold)));
      await Promise.all(accounting);
    }
  }

  /** The rounds and the check; each model call's accounting runs alongside what follows it. */
  private async rounds(
    input: AnswerInput,
    accounting: Promise<void>[],
    holds: Promise<ReservationAhead | null>[],
  ): Promise<Answer> {
    const maxRounds = this.config.chat.maxToolRounds;
    const definitions = maxRounds > 0 ? this.registry.definitions() : [];
    const messages = [...input.messages];
    const facts: Fact[] = [...input.facts.facts];
    const records: MessageToolCall[] = [];
    const usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
    let text = '';
    let ahead = input.ahead;

    for (let round = 1; ; round++) {
      const withTools = definitions.length > 0 && round <= maxRounds;
      if (!withTools && round > 1) messages.push({ role: 'system', content: ROUND_CAP_NOTE(maxRounds) });
      const result = await this.llm.streamChat(
        {
          feature: 'chat',
          userId: input.userId,
          messages,
          maxOutputTokens: input.maxOutputTokens,
          tools: withTools ? definitions : undefined,
          signal: input.signal,
          ahead,
        },
        (delta) => {
          text += delta;
          input.onDelta(delta);
        },
      );
      accounting.push(result.accounted);
      add(usage, result.usage);
      if (result.stopped) return { text, usage, stopped: true, tools: records, verification: unchecked() };
      // Without tools offered a model has nothing to call: anything it asks for anyway is not run.
      if (!result.toolCalls.length || !withTools) break;
      messages.push(assistantCalls(result.text, result.toolCalls));
      const next = this.holdNextRound(input, messages, result.toolCalls.length, maxRounds);
      holds.push(next);
      for (const [i, call] of result.toolCalls.entries()) {
        const content = await this.run(call, i, round, input, facts, records);
        messages.push({ role: 'tool', tool_call_id: call.id, content });
      }
      ahead = (await next) ?? undefined;
    }
    if (!text.trim()) text = ROUND_CAP_FALLBACK[input.tools.language](maxRounds);
    return this.verified(text, usage, records, { ...input.facts, facts }, messages, input, accounting);
  }

  /**
   * The next round's tokens, held while the tools run instead of after them, from a bound on its prompt: this round's,
   * the calls' results (each cut to TOOL_CONTENT_MAX_CHARS, or the refusal of a call past MAX_CALLS_PER_ROUND) and the
   * note that ends the rounds (LlmService.holdAhead).
   */
  private holdNextRound(
    input: AnswerInput,
    messages: ChatCompletionMessageParam[],
    calls: number,
    maxRounds: number,
  ): Promise<ReservationAhead | null> {
    const answered = Math.min(calls, MAX_CALLS_PER_ROUND);
    const atMost =
      estimatePromptTokens([...messages, { role: 'system', content: ROUND_CAP_NOTE(maxRounds) }]) +
      answered * TOOL_MESSAGE_TOKENS_AT_MOST +
      (calls - answered) * REFUSED_CALL_TOKENS;
    return this.llm.holdAhead('chat', input.userId, atMost, input.maxOutputTokens);
  }

  private async run(
    call: ModelToolCall,
    index: number,
    round: number,
    input: AnswerInput,
    facts: Fact[],
    records: MessageToolCall[],
  ): Promise<string> {
    if (index >= MAX_CALLS_PER_ROUND) return TOO_MANY_CALLS;
    input.onTool({ name: call.name, status: 'running', summary: '', round });
    const out = await this.registry.call(call.name, call.arguments, input.tools);
    const record: MessageToolCall = out.ok
      ? { name: call.name, status: 'done', summary: out.result.summary, round }
      : { name: call.name, status: 'error', summary: out.error, round };
    if (out.ok) facts.push(...out.result.facts);
    records.push(record);
    input.onTool(record);
    return out.content;
  }

  /**
   * The answer's figures against the turn's facts. Some not found: one corrective round, not streamed (the client
   * already has the first text); its answer replaces the first only if it checks out better.
   */
  private async verified(
    text: string,
    usage: TokenUsage,
    tools: MessageToolCall[],
    sheet: FactSheet,
    messages: ChatCompletionMessageParam[],
    input: AnswerInput,
    accounting: Promise<void>[],
  ): Promise<Answer> {
    const first = verifyReply(text, sheet);
    if (!first.unverified.length)
      return { text, usage, stopped: false, tools, verification: { ...first, corrected: false } };
    const correction = await this.llm.streamChat(
      {
        feature: 'chat',
        userId: input.userId,
        messages: [
          ...messages,
          { role: 'assistant', content: text },
          { role: 'system', content: CORRECTION_NOTE(first.unverified) },
        ],
        maxOutputTokens: input.maxOutputTokens,
        signal: input.signal,
      },
      () => undefined,
    );
    accounting.push(correction.accounted);
    add(usage, correction.usage);
    const second = correction.text.trim() && !correction.stopped ? verifyReply(correction.text, sheet) : null;
    if (!second || second.unverified.length >= first.unverified.length) {
      return { text, usage, stopped: false, tools, verification: { ...first, corrected: false } };
    }
    return { text: correction.text, usage, stopped: false, tools, verification: { ...second, corrected: true } };
  }
}

function assistantCalls(text: string, calls: ModelToolCall[]): ChatCompletionMessageParam {
  return {
    role: 'assistant',
    content: text || null,
    tool_calls: calls.map((c) => ({
      id: c.id,
      type: 'function' as const,
      function: { name: c.name, arguments: c.arguments },
    })),
  };
}

function add(total: TokenUsage, more: TokenUsage): void {
  total.inputTokens += more.inputTokens;
  total.outputTokens += more.outputTokens;
}

function unchecked(): MessageVerification {
  return { checked: 0, unverified: [], corrected: false };
}
