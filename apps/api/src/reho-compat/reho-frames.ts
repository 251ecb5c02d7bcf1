import type { RawData } from 'ws';
import type { SocketError } from '../chat/socket-error';

/**
 * The Reho chat protocol on /chat/ws (Reho-AI-Service app/routers/chat.py): the client sends plain text, the server
 * answers JSON `{ type, data }`:
 * - `conversation_id`: the new conversation's id, before the first reply of a connection opened without one;
 * - `stream`: a piece of the reply, in order;
 * - `status`: `done` ends every answer to a message, a failed one too (after its `error`);
 * - `title`: the conversation's title, once named (after the first exchange);
 * - `error`: why a message was not answered (Reho's later versions' frame); `data` is the text to show, and
 *   `status`, `code`, `retryAfterMs` are ours, as on every other transport.
 */
export type OutFrame =
  | { type: 'conversation_id'; data: string }
  | { type: 'stream'; data: string }
  | { type: 'status'; data: 'done' }
  | { type: 'title'; data: string }
  | ({ type: 'error'; data: string; clientMessageId: string | null } & Omit<SocketError, 'message'>);

export const DONE: OutFrame = { type: 'status', data: 'done' };

export function errorFrame(error: SocketError, clientMessageId: string | null = null): OutFrame {
  const { message, ...rest } = error;
  return { type: 'error', data: message, clientMessageId, ...rest };
}

/** What a frame from the client asks for. */
export type InFrame =
  /** Blank: Reho skipped these without an answer. */
  | { kind: 'blank' }
  | { kind: 'message'; text: string; clientMessageId?: unknown }
  | { kind: 'refused'; error: SocketError; clientMessageId?: unknown };

const refused = (code: string, message: string, clientMessageId?: unknown): InFrame => ({
  kind: 'refused',
  error: { status: 400, code, message },
  clientMessageId,
});

/**
 * A text frame is the message, as Reho's first clients sent it. Reho's later clients send `{"message": "..."}`,
 * which is read the same way, and may add our `clientMessageId` so a resend is not answered twice.
 */
export function readFrame(data: RawData, isBinary: boolean, maxChars: number): InFrame {
  if (isBinary) return refused('unsupported_frame', 'Send messages as text frames');
  const raw = textOf(data);
  let text = raw;
  let clientMessageId: unknown;
  if (raw.trimStart().startsWith('{')) {
    const json = parseObject(raw);
    if (json) {
      clientMessageId = json.clientMessageId;
      if (typeof json.message !== 'string')
        return refused(
          'validation_failed',
          'A JSON frame carries the message as a string in "message"',
          clientMessageId,
        );
      text = json.message;
    }
  }
  const trimmed = text.trim();
  if (!trimmed) return { kind: 'blank' };
  if (trimmed.length > maxChars)
    return refused('message_too_long', `Message is longer than ${maxChars} characters`, clientMessageId);
  return { kind: 'message', text, clientMessageId };
}

function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return (Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8');
}

/** A JSON object, or null: text that merely starts with a brace is an ordinary message. */
function parseObject(raw: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(raw);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
