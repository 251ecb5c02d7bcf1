import type { FinancialContext } from '@app/finance';
import type { Fact } from '@app/prompts';

/** The languages replies and tool summaries are written in; anything else is answered in English. */
export type ToolLanguage = 'en' | 'bn';

/**
 * What a tool knows of the turn that calls it. The user comes from the authenticated session, never from the
 * model's arguments: a tool has no way to name another user.
 */
export interface ToolContext {
  userId: string;
  now: Date;
  /** The user's zone (the snapshot's), for month edges and dates. */
  timeZone: string;
  currency: string;
  locale: string;
  /** The language of the user's message: summaries are written in it. */
  language: ToolLanguage;
  /** This turn's financial snapshot: figures a tool may reuse rather than recompute. */
  snapshot: FinancialContext;
  signal?: AbortSignal;
}

export interface ToolResult {
  /** What the model reads, as JSON: bounded in rows and characters by the tool itself. */
  data: unknown;
  /** One short line for the client (`message:tool`), in the turn's language, e.g. "Found 12 transactions, £340.20". */
  summary: string;
  /** Every figure `data` states, formatted as the app shows it: what the reply's figures are verified against. */
  facts: Fact[];
}

/**
 * One read-only function the chat model may call. `parameters` is a JSON Schema (draft-07 subset the OpenAI API
 * accepts: type object, properties, required, enums, minimum/maximum, maxLength, additionalProperties false); the
 * registry validates arguments against it before `run` sees them, so `run` may trust their shape.
 */
export interface ChatTool<A = Record<string, unknown>> {
  name: string;
  /** For the model: when to use it, in one or two sentences. */
  description: string;
  parameters: Record<string, unknown>;
  run(args: A, ctx: ToolContext): Promise<ToolResult>;
}

/** A tool's refusal the model should see and may correct (bad arguments, nothing found): never a 500. */
export class ToolInputError extends Error {}

/** Injection token: every ChatTool provider is registered under it (multi). */
export const CHAT_TOOLS = Symbol('CHAT_TOOLS');
