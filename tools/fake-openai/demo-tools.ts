import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import { contentText, lastUserText } from './chat-text';
import { type JsonSchema, type JsonSchemaObject, sampleFromJsonSchema } from './schema-sampler';
import type { ChatRequest, ScriptedToolCall } from './types';

/**
 * How the offline demo model uses the chat's tools, so `npm start` shows the whole loop without a real model: the
 * user's question picks one offered tool by its words (English or Bengali), arguments are sampled from the tool's
 * own schema with the obvious ones filled from the question, and once the tool has answered, the demo replies by
 * quoting the lines of its result that carry figures (which our verification then finds in the tool's facts).
 */
const ROUTES: ReadonlyArray<[RegExp, string]> = [
  [/how (?:do|can) i|how to|where (?:do|can) i|what can you|can you|help|app|কিভাবে|কীভাবে/i, 'app_help'],
  [/subscription|netflix|spotify|cancel|সাবস্ক্রিপশন/i, 'subscriptions'],
  [/debt|loan|credit card|pay ?off|ঋণ|দেনা/i, 'debt_payoff_plan'],
  [/goal|saving for|লক্ষ্য/i, 'savings_goal_projection'],
  [/budget|বাজেট/i, 'budget_status'],
  [/breakdown|by category|by merchant|where does my money|categor|খাত/i, 'spending_breakdown'],
  [/transaction|spent on|spend on|purchase|find|search|লেনদেন|খরচ/i, 'search_transactions'],
];

/** The tool call the demo makes for this request, or null when it should answer in words. */
export function demoToolCall(req: ChatRequest): ScriptedToolCall | null {
  const last = req.messages[req.messages.length - 1];
  if (last?.role === 'tool') return retryWithSuggestion(req, contentText(last.content));
  if (!last || last.role !== 'user') return null;
  const offered = new Map(
    (req.tools ?? []).flatMap((t) => (t.type === 'function' ? [[t.function.name, t.function] as const] : [])),
  );
  if (!offered.size) return null;
  const question = lastUserText(req);
  const route = ROUTES.find(([words, name]) => offered.has(name) && words.test(question));
  if (!route) return null;
  const fn = offered.get(route[1])!;
  return { name: fn.name, arguments: JSON.stringify(argumentsFor(fn, question)) };
}

/** After tool results: the lines of those results that state figures (or a help passage), or null if none answered. */
export function demoToolAnswer(req: ChatRequest): string[] | null {
  const results = [];
  for (let i = req.messages.length - 1; i >= 0 && req.messages[i].role === 'tool'; i--) {
    results.unshift(contentText(req.messages[i].content));
  }
  if (!results.length) return null;
  const figures = results.flatMap((content) => figureStrings(content)).slice(0, 6);
  if (figures.length) return figures;
  return results.flatMap((content) => passage(content)).slice(0, 1);
}

/** A tool that refused with the names it knows ("The user's goals: "Holiday"."): the demo asks again with the first. */
function retryWithSuggestion(req: ChatRequest, content: string): ScriptedToolCall | null {
  const named = /The user['’]s goals: "([^"]+)"/.exec(content.replace(/\\"/g, '"'))?.[1];
  const offered = (req.tools ?? []).some((t) => t.type === 'function' && t.function.name === 'savings_goal_projection');
  return named && offered ? { name: 'savings_goal_projection', arguments: JSON.stringify({ goal: named }) } : null;
}

/** The first help passage of an app_help result, shortened. */
function passage(content: string): string[] {
  const text = /"text"\s*:\s*"((?:[^"\\]|\\.){20,})"/.exec(content)?.[1];
  if (!text) return [];
  const plain = (JSON.parse(`"${text}"`) as string).replace(/\s+/g, ' ').trim();
  return [plain.length > 300 ? `${plain.slice(0, 299)}…` : plain];
}

function argumentsFor(fn: ChatCompletionFunctionTool['function'], question: string): Record<string, unknown> {
  const schema = { type: 'object', ...fn.parameters } as JsonSchemaObject;
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  // Only what the schema requires is sampled; optional arguments are left to the tool's defaults.
  const required = new Set<string>((schema.required as string[] | undefined) ?? []);
  const sampled = sampleFromJsonSchema({ ...schema, properties: pick(properties, required) }) as Record<
    string,
    unknown
  >;
  const args: Record<string, unknown> = { ...sampled };
  const amount = /(\d+(?:\.\d{1,2})?)/.exec(question)?.[1];
  if ('query' in properties) args.query = question.slice(0, 200);
  // "at Tesco", "on Netflix": a capitalised name after the preposition is what to search for.
  const merchant = /\b(?:at|on|from)\s+([A-Z][\w&'-]*(?:\s+[A-Z][\w&'-]*)*)/.exec(question)?.[1];
  if ('text' in properties && merchant) args.text = merchant;
  if ('extraMonthly' in properties && amount && /extra|more|additional|বেশি/i.test(question))
    args.extraMonthly = Number(amount);
  return args;
}

function pick(properties: Record<string, JsonSchema>, keys: Set<string>): Record<string, JsonSchema> {
  return Object.fromEntries(Object.entries(properties).filter(([k]) => keys.has(k)));
}

/** "key": "£1,234.50" pairs of a JSON tool result, as `key: £1,234.50` lines: the figures as the app formats them. */
function figureStrings(content: string): string[] {
  const out: string[] = [];
  for (const m of content.matchAll(/"(\w+)"\s*:\s*"([^"]*\d[^"]*)"/g)) {
    if (/[£$€৳%]|\bmonths?\b/.test(m[2]) && m[2].length <= 80) out.push(`${m[1]}: ${m[2]}`);
  }
  return [...new Set(out)];
}
