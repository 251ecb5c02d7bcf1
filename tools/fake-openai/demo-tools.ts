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

/** After tool results: the lines of those results that state figures, quoted, or null if no tool has answered. */
export function demoToolAnswer(req: ChatRequest): string[] | null {
  const results = [];
  for (let i = req.messages.length - 1; i >= 0 && req.messages[i].role === 'tool'; i--) {
    results.unshift(contentText(req.messages[i].content));
  }
  if (!results.length) return null;
  return results.flatMap((content) => figureStrings(content)).slice(0, 6);
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
