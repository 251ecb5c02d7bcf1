import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

/**
 * Rough token count for budgeting when the server reports none (stopped streams) and for trimming
 * history: about four characters per token in Latin scripts, fewer for others such as Bengali.
 */
export function estimateTokens(text: string): number {
  let ascii = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 128) ascii++;
  return Math.ceil(ascii / 4 + (text.length - ascii) / 1.5);
}

/** Each message also costs its role and framing, about four tokens in OpenAI's chat format. */
const PER_MESSAGE_TOKENS = 4;

/**
 * Estimated input tokens of a whole request. An assistant turn's tool calls are part of the prompt the next round
 * sends: their names and arguments (up to TOOL_ARGUMENTS_MAX_CHARS each) count as well.
 */
export function estimatePromptTokens(messages: ChatCompletionMessageParam[]): number {
  return messages.reduce((n, m) => {
    const content = typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? '');
    const calls = m.role === 'assistant' && m.tool_calls?.length ? JSON.stringify(m.tool_calls) : '';
    return n + PER_MESSAGE_TOKENS + estimateTokens(content) + estimateTokens(calls);
  }, 0);
}
