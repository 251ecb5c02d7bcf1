import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import { contentText, lastUserText, systemPrompt } from './chat-text';
import { demoToolAnswer, demoToolCall } from './demo-tools';
import { wordCitingAnswer } from './demo-wording';
import { type JsonSchema, sampleFromJsonSchema } from './schema-sampler';
import type { ChatRequest, Reply, Responder, StreamShape, Timing } from './types';

/** Leads every free-text demo answer so nobody mistakes it for a real model's output. */
export const DEMO_LABEL = '[offline demo model]';

const MAX_FIGURES = 5;
const MAX_LINE_CHARS = 160;
const MAX_QUOTE_CHARS = 200;

/** A small `chunkDelayMs` makes streaming visible in the dev UI; tests keep the default of 0. */
export type DemoResponderOptions = Timing & Pick<StreamShape, 'chunkDelayMs'>;

/**
 * The answer used when nothing was scripted: schema-valid JSON for structured outputs (worded from the
 * prompt's figures, labelled, when the schema asks for items that cite figure keys), a schema-valid tool
 * call when one is forced, otherwise a labelled text reply that echoes the figures our prompts put in the
 * system message, so the dev UI shows something plausible.
 */
export function createDemoResponder(options: DemoResponderOptions = {}): Responder {
  const timing = { delayMs: options.delayMs, chunkDelayMs: options.chunkDelayMs };
  return (req: ChatRequest): Reply => {
    const format = req.response_format;
    if (format?.type === 'json_schema') {
      const schema = (format.json_schema.schema ?? { type: 'object' }) as JsonSchema;
      const lines = req.messages.flatMap((m) => contentText(m.content).split(/\r?\n/));
      return { json: wordCitingAnswer(schema, sampleFromJsonSchema(schema), lines, DEMO_LABEL), ...timing };
    }

    const forced = forcedFunction(req);
    if (forced) {
      // Function parameters are always an object, even when the schema leaves `type` out.
      const parameters = { type: 'object', ...forced.parameters } as JsonSchema;
      return {
        toolCalls: [{ name: forced.name, arguments: JSON.stringify(sampleFromJsonSchema(parameters)) }],
        ...timing,
      };
    }

    const call = demoToolCall(req);
    if (call) return { toolCalls: [call], ...timing };

    const text = demoText(req);
    if (format?.type === 'json_object') return { json: { reply: text }, ...timing };
    return { content: text, ...timing };
  };
}

export const demoResponder: Responder = createDemoResponder();

/** The function the request obliges the model to call, if any. */
function forcedFunction(req: ChatRequest): ChatCompletionFunctionTool['function'] | undefined {
  const functions = (req.tools ?? []).flatMap((tool) => (tool.type === 'function' ? [tool.function] : []));
  const choice = req.tool_choice;
  if (choice === 'required') return functions[0];
  if (typeof choice !== 'object' || choice === null) return undefined;
  if (choice.type === 'function') {
    // Honour the forced name even if the tool list omits it: the caller's code expects that name.
    return functions.find((fn) => fn.name === choice.function.name) ?? { name: choice.function.name };
  }
  if (choice.type === 'allowed_tools' && choice.allowed_tools.mode === 'required') {
    const allowed = new Set(
      choice.allowed_tools.tools.map((tool) => (tool as { function?: { name?: string } }).function?.name),
    );
    return functions.find((fn) => allowed.has(fn.name));
  }
  return undefined;
}

function demoText(req: ChatRequest): string {
  const lines = [`${DEMO_LABEL} This reply was produced offline, without a real AI model.`];

  const question = lastUserText(req).replace(/\s+/g, ' ').trim();
  if (question) lines.push(`You asked: "${truncate(question, MAX_QUOTE_CHARS)}"`);

  const fromTools = demoToolAnswer(req);
  if (fromTools) {
    lines.push(
      fromTools.length ? 'From the tools:' : 'The tools found nothing to report.',
      ...fromTools.map((l) => `- ${l}`),
    );
    return lines.join('\n');
  }
  const figures = figureLines(systemPrompt(req));
  if (figures.length > 0) {
    lines.push('Figures from your data:', ...figures.map((line) => `- ${line}`));
  } else {
    lines.push('No figures were provided in the context.');
  }
  return lines.join('\n');
}

const CURRENCY_CODES = 'USD|EUR|GBP|CHF|JPY|CNY|INR|CAD|AUD|NZD|SEK|NOK|DKK|PLN|CZK|HUF|RON|UAH|TRY|BRL|MXN|ZAR';
const FIGURE = new RegExp(
  [
    String.raw`[$€£¥₹₩₺₽]\s?\d`, // symbol before the amount: $12, € 3.50
    String.raw`\d\s?[$€£¥₹₩₺₽]`, // symbol after the amount: 12,50 €
    String.raw`\b(?:${CURRENCY_CODES})\s?\d`, // code before: EUR 40
    String.raw`\d\s?(?:${CURRENCY_CODES})\b`, // code after: 40 EUR
    String.raw`\d\s?%`, // percentages
  ].join('|'),
);

/** Lines of the system prompt that carry money amounts or percentages, bullets stripped. */
function figureLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/^\s*(?:[-*•]|\d+[.)])\s+/, '').trim())
    .filter((line) => FIGURE.test(line))
    .slice(0, MAX_FIGURES)
    .map((line) => truncate(line, MAX_LINE_CHARS));
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
