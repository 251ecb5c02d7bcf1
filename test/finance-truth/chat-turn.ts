import { matchers, systemPrompt, type ChatRequest, type ScriptedToolCall } from '../../tools/fake-openai';
import { request } from '../support/http';
import type { Infra } from '../support/stack';

/**
 * A chat turn as the model saw it: the snapshot in its system prompt, and (when the scripted model called tools)
 * what each tool returned. This is where a chat user meets a figure: the snapshot's lines, or a tool's result the
 * answer is written from.
 */

export const SNAPSHOT_HEADER = '=== SNAPSHOT';

export interface ChatTurn {
  /** The system prompt of the turn's first model call. */
  prompt: string;
  /** The snapshot block's lines, header to footer. */
  snapshot: string[];
  /** Each tool result the model received, parsed from its JSON, in call order. */
  toolResults: unknown[];
  /** The same, exactly as the model read them. */
  toolContents: string[];
}

/** The snapshot line that starts with `heading` (e.g. 'DEBTS:'), or undefined. */
export const snapshotLine = (turn: ChatTurn, heading: string): string | undefined =>
  turn.snapshot.find((l) => l.startsWith(heading));

/**
 * Sends `text` as a new chat message. With `toolCalls`, the scripted model calls them in its first round and then
 * answers in words carrying no figure (so no corrective round muddies the record); without, it answers at once.
 * Titles are asked later, by the worker, with no snapshot: the scripted replies cannot be taken by them.
 */
export async function chatTurn(
  infra: Pick<Infra, 'model'>,
  apiUrl: string,
  token: string,
  text: string,
  toolCalls: ScriptedToolCall[] = [],
): Promise<ChatTurn> {
  const thisTurn = (req: ChatRequest): boolean =>
    matchers.systemIncludes(SNAPSHOT_HEADER)(req) && matchers.lastUserIncludes(text)(req);
  infra.model.enqueue(...(toolCalls.length ? [{ match: thisTurn, toolCalls }] : []), {
    match: thisTurn,
    content: 'Here is what I found.',
  });
  const before = infra.model.requests.length;
  const res = await request(apiUrl, 'POST', '/chat/messages', { token, body: { text } });
  expect(res.status).toBe(200);
  const rounds = infra.model.requests
    .slice(before)
    .flatMap((r) => (r.chat && !r.chat.response_format && thisTurn(r.chat) ? [r.chat] : []));
  expect(rounds).toHaveLength(toolCalls.length ? 2 : 1);
  const prompt = systemPrompt(rounds[0]);
  const lines = prompt.split('\n');
  const start = lines.findIndex((l) => l.startsWith(SNAPSHOT_HEADER));
  const end = lines.findIndex((l) => l.startsWith('=== END SNAPSHOT'));
  expect(start).toBeGreaterThanOrEqual(0);
  expect(end).toBeGreaterThan(start);
  const toolContents = rounds
    .slice(1)
    .flatMap((r) => r.messages.filter((m) => m.role === 'tool').map((m) => String(m.content)));
  expect(toolContents).toHaveLength(toolCalls.length);
  return {
    prompt,
    snapshot: lines.slice(start, end + 1),
    toolResults: toolContents.map((c) => JSON.parse(c) as unknown),
    toolContents,
  };
}
