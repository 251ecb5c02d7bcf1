import type { MessageToolCall, MessageVerification } from '@app/database';
import type { TokenUsage } from '@app/llm';
import type { TurnResult } from './chat.service';

/**
 * A finished chat turn as every transport sends it: `message:done` on sockets, the body of POST /chat/messages and
 * the `done` event of its SSE variant. The flat fields are what sockets have always had, `message` what HTTP has.
 */
export interface ChatTurnView {
  conversationId: string;
  clientMessageId: string;
  userMessageId: string;
  messageId: string | null;
  text: string;
  /** in_progress (HTTP only): a resend of a message whose reply is still being written by another request. */
  status: TurnResult['status'];
  usage: TokenUsage;
  message: { id: string | null; content: string; status: TurnResult['status']; usage: TokenUsage };
  duplicate: boolean;
  /** The tools the model called, in order: `{ name, status: "done" | "error", summary, round }`. */
  tools: MessageToolCall[];
  /**
   * Every amount, percentage and count in `text` checked against this turn's figures (the snapshot and tool
   * results): `unverified` lists, as written, those that are not from the user's data. `corrected`: a corrective
   * round rewrote the streamed text, and `text` is the rewritten one. Null for a reply stopped or still in progress.
   */
  verification: MessageVerification | null;
}

export function chatTurnView(r: TurnResult): ChatTurnView {
  return {
    conversationId: r.conversationId,
    clientMessageId: r.clientMessageId,
    userMessageId: r.userMessageId,
    messageId: r.messageId,
    text: r.text,
    status: r.status,
    usage: r.usage,
    message: { id: r.messageId, content: r.text, status: r.status, usage: r.usage },
    duplicate: r.duplicate,
    tools: r.tools ?? [],
    verification: r.verification ?? null,
  };
}
