import type { ChatRequest } from './types';

/** Flattens message content, which the API allows as a string or an array of typed parts. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) =>
      part && typeof part === 'object' && 'text' in part && typeof part.text === 'string' ? part.text : '',
    )
    .join('');
}

/** All system and developer messages joined, which is where our prompts put their context. */
export function systemPrompt(req: ChatRequest): string {
  return req.messages
    .filter((m) => m.role === 'system' || m.role === 'developer')
    .map((m) => contentText(m.content))
    .join('\n');
}

export function lastUserText(req: ChatRequest): string {
  for (let i = req.messages.length - 1; i >= 0; i--) {
    const message = req.messages[i];
    if (message.role === 'user') return contentText(message.content);
  }
  return '';
}

/** ~4 characters per token: deterministic, and close enough for the budget and cost code under test. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Everything that would count towards prompt tokens: message text plus tool definitions. */
export function promptTokens(req: ChatRequest): number {
  const messages = req.messages.map((m) => contentText(m.content)).join('\n');
  const tools = req.tools ? JSON.stringify(req.tools) : '';
  return estimateTokens(messages + tools);
}
