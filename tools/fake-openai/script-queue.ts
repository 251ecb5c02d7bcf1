import { contentText, lastUserText } from './chat-text';
import type { ChatRequest, RecordedRequest, Reply, ScriptedReply } from './types';

/**
 * FIFO of scripted replies. A request takes the oldest entry that accepts it, which keeps plain
 * scripts strictly ordered while letting `match`ed entries wait for the request they were meant for,
 * whatever order concurrent requests happen to arrive in.
 */
export class ScriptQueue {
  private entries: ScriptedReply[] = [];

  push(replies: ScriptedReply[]): void {
    this.entries.push(...replies);
  }

  take(req: ChatRequest, http: RecordedRequest): Reply | undefined {
    const index = this.entries.findIndex((entry) => !entry.match || entry.match(req, http));
    if (index === -1) return undefined;
    const [entry] = this.entries.splice(index, 1);
    const { match: _match, ...reply } = entry;
    return reply as Reply;
  }

  get size(): number {
    return this.entries.length;
  }

  clear(): void {
    this.entries = [];
  }
}

/** Ready-made predicates for `match`, for the common ways concurrent features differ. */
export const matchers = {
  model:
    (model: string) =>
    (req: ChatRequest): boolean =>
      req.model === model,

  /** True when any system or developer message contains `marker`. */
  systemIncludes:
    (marker: string) =>
    (req: ChatRequest): boolean =>
      req.messages.some(
        (m) => (m.role === 'system' || m.role === 'developer') && contentText(m.content).includes(marker),
      ),

  /** True when the latest user message contains `marker`. */
  lastUserIncludes:
    (marker: string) =>
    (req: ChatRequest): boolean =>
      lastUserText(req).includes(marker),
};
