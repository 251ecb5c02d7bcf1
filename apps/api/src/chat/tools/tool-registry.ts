import { Inject, Injectable, Optional } from '@nestjs/common';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import { AppLogger } from '@app/logging';
import { CHAT_TOOLS, ToolInputError, type ChatTool, type ToolContext, type ToolResult } from './chat-tool';

/** The most characters of a tool result the model reads back; more is cut, and says so. */
export const TOOL_CONTENT_MAX_CHARS = 6000;

/** The most characters of arguments read: every schema's bounded fields fit many times over. */
export const TOOL_ARGUMENTS_MAX_CHARS = 4000;

/** Validation errors named back to the model; one more is noise it cannot act on. */
const ERRORS_SHOWN = 3;

export type ToolCallOutcome =
  { ok: true; result: ToolResult; content: string } | { ok: false; error: string; content: string };

interface Registered {
  tool: ChatTool;
  validate: ValidateFunction;
}

/**
 * The chat model's functions. Each call is checked before its tool runs: a known name, arguments that are one
 * JSON object of bounded size matching the tool's schema (compiled once, here). Whatever goes wrong, bad input
 * or a failing tool, becomes `ok: false` with a message the model can act on, never a throw, so one bad call
 * cannot fail the turn. What the model reads back (`content`) is bounded in characters.
 */
@Injectable()
export class ChatToolRegistry {
  private readonly tools = new Map<string, Registered>();

  constructor(
    @Inject(CHAT_TOOLS) tools: ChatTool[],
    @Optional() private readonly logger: AppLogger | null = null,
  ) {
    // strict: a misspelt keyword in a schema would otherwise be ignored and leave an argument unchecked.
    const ajv = new Ajv({ allErrors: true, strict: true, coerceTypes: false, useDefaults: false });
    for (const tool of tools) {
      if (this.tools.has(tool.name)) throw new Error(`two chat tools are named ${tool.name}`);
      assertBoundedSchema(tool.name, tool.parameters);
      this.tools.set(tool.name, { tool, validate: ajv.compile(tool.parameters) });
    }
  }

  names(): string[] {
    return [...this.tools.keys()];
  }

  /** The OpenAI `tools` array. */
  definitions(): ChatCompletionFunctionTool[] {
    return [...this.tools.values()].map(({ tool }) => ({
      type: 'function',
      function: { name: tool.name, description: tool.description, parameters: tool.parameters },
    }));
  }

  async call(name: string, rawArguments: string, ctx: ToolContext): Promise<ToolCallOutcome> {
    const entry = this.tools.get(name);
    if (!entry) return refused(`Unknown tool "${shortName(name)}". Available tools: ${this.names().join(', ')}.`);
    const parsed = parseArguments(rawArguments);
    if (typeof parsed === 'string') return refused(`Invalid arguments for ${name}: ${parsed}`);
    if (!entry.validate(parsed)) return refused(`Invalid arguments for ${name}: ${describe(entry.validate.errors)}`);
    if (ctx.signal?.aborted) return refused('The reply was cancelled before this tool ran.');

    let result: ToolResult;
    let content: string;
    try {
      result = await entry.tool.run(parsed, ctx);
      content = bounded(JSON.stringify(result.data ?? null));
    } catch (err) {
      if (err instanceof ToolInputError) return refused(err.message);
      if (ctx.signal?.aborted) return refused('The reply was cancelled while this tool ran.');
      // Never the error's message: it may quote the user's records or the arguments.
      this.logger?.event('error', 'chat.tool_failed', { tool: name, error: errorCode(err) });
      return refused(`The ${name} tool failed. Answer without it, or try again once with other arguments.`);
    }
    return { ok: true, result, content };
  }
}

function refused(error: string): ToolCallOutcome {
  return { ok: false, error, content: bounded(JSON.stringify({ error })) };
}

/** The arguments as an object, or why not. An empty string is a call with no arguments. */
function parseArguments(raw: string): Record<string, unknown> | string {
  if (typeof raw !== 'string') return 'arguments must be a JSON object';
  if (raw.length > TOOL_ARGUMENTS_MAX_CHARS) {
    return `arguments are ${raw.length} characters; at most ${TOOL_ARGUMENTS_MAX_CHARS} are accepted`;
  }
  if (!raw.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return 'arguments are not valid JSON; send one JSON object';
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'arguments must be a JSON object';
  return value as Record<string, unknown>;
}

/** Ajv's errors in words the model can act on: which argument, and what it must be. */
function describe(errors: ErrorObject[] | null | undefined): string {
  const list = (errors ?? []).slice(0, ERRORS_SHOWN).map((e) => {
    if (e.keyword === 'additionalProperties') {
      return `unknown argument "${shortName(String((e.params as { additionalProperty?: unknown }).additionalProperty))}"`;
    }
    const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : 'arguments';
    if (e.keyword === 'enum') {
      return `${where} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    }
    return `${where} ${e.message ?? 'is invalid'}`;
  });
  const more = (errors?.length ?? 0) - list.length;
  return list.join('; ') + (more > 0 ? ` (and ${more} more)` : '') || 'arguments do not match the schema';
}

/** Cut to TOOL_CONTENT_MAX_CHARS with a marker the model can read; never through a surrogate pair. */
export function bounded(content: string, max = TOOL_CONTENT_MAX_CHARS): string {
  if (content.length <= max) return content;
  const marker = (cut: number) =>
    ` …[truncated: ${content.length - cut} of ${content.length} characters not shown; ask for fewer rows or a narrower range]`;
  let cut = max - marker(max).length;
  const code = content.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return content.slice(0, cut) + marker(cut);
}

/** A name the model sent, safe to repeat back: printable and short. */
function shortName(name: string): string {
  return name.replace(/[^\w.-]/g, '?').slice(0, 64);
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string' || typeof code === 'number') return String(code);
  return err instanceof Error ? err.name : 'unknown';
}

/**
 * Every tool's schema must bound what a model may send: an object that refuses unknown arguments, strings with a
 * maximum length (or an enum), numbers with a minimum and a maximum. A schema that does not is a programming error,
 * refused at start-up rather than found by a model.
 */
export function assertBoundedSchema(tool: string, schema: Record<string, unknown>): void {
  const fail = (why: string) => {
    throw new Error(`chat tool ${tool}: ${why}`);
  };
  if (schema.type !== 'object') fail('parameters must be a JSON Schema of type object');
  if (schema.additionalProperties !== false) fail('parameters must set additionalProperties: false');
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  for (const [name, p] of Object.entries(properties)) {
    if (p.type === 'string' && p.enum === undefined && typeof p.maxLength !== 'number') {
      fail(`string argument ${name} needs a maxLength`);
    }
    if (
      (p.type === 'number' || p.type === 'integer') &&
      (typeof p.minimum !== 'number' || typeof p.maximum !== 'number')
    ) {
      fail(`number argument ${name} needs a minimum and a maximum`);
    }
    if (p.type !== 'string' && p.type !== 'number' && p.type !== 'integer' && p.type !== 'boolean') {
      fail(`argument ${name} must be a string, number, integer or boolean`);
    }
  }
}
