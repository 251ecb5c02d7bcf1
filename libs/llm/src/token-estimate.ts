/**
 * Rough token count for budgeting when the server reports none (stopped streams) and for trimming
 * history: about four characters per token in Latin scripts, fewer for others such as Bengali.
 */
export function estimateTokens(text: string): number {
  let ascii = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 128) ascii++;
  return Math.ceil(ascii / 4 + (text.length - ascii) / 1.5);
}
