import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { contentText, lastUserText, systemPrompt, type ChatRequest, type Responder } from '../fake-openai';
import type { EvalQuestion } from './questions';

/**
 * The fake model of a scripted eval run. For each question it calls the question's tools with the scripted
 * arguments (one round), then answers by quoting every figure the tool results state, as a model that copies figures
 * would; a question without tools is answered by quoting the snapshot lines it names. It never computes or rounds a
 * figure, so the answer holds the expected figures exactly when the app computed them: the run scores 100% when the
 * system works and tells which figure is wrong when it does not.
 */

export interface AnswerInput {
  question: EvalQuestion;
  /** This turn's tool results, as the model read them. */
  toolResults: string[];
  /** The system prompt, snapshot included. */
  system: string;
}

export type AnswerWriter = (input: AnswerInput) => string;

/** Lines quoted at most: a search result can list 50 rows. */
const MAX_LINES = 80;

const OPENING: Record<EvalQuestion['lang'], string> = {
  en: 'Here is what your records show:',
  bn: 'আপনার হিসাব অনুযায়ী:',
};

export function scriptedResponder(questions: EvalQuestion[], write: AnswerWriter = quoteFigures): Responder {
  const byText = new Map(questions.map((q) => [q.text, q]));
  return (req: ChatRequest) => {
    const question = byText.get(lastUserText(req).trim());
    if (!question) return { content: 'That is not one of the evaluation questions.' };
    const turn = messagesAfterLastUser(req.messages);
    const toolResults = turn.filter((m) => m.role === 'tool').map((m) => contentText(m.content));
    const offered = (req.tools ?? []).length > 0;
    if (!toolResults.length && question.script.length && offered) {
      return { toolCalls: question.script.map((c) => ({ name: c.name, arguments: c.arguments })) };
    }
    return { content: write({ question, toolResults, system: systemPrompt(req) }) };
  };
}

/** The default writer: every figure of the tool results (or the named snapshot lines), quoted as written. */
export function quoteFigures({ question, toolResults, system }: AnswerInput): string {
  const lines = toolResults.length
    ? toolResults.flatMap((content) => figureLines(parse(content), ''))
    : snapshotLines(system, question.snapshotLines ?? []);
  return [OPENING[question.lang], ...[...new Set(lines)].slice(0, MAX_LINES).map((l) => `- ${l}`)].join('\n');
}

function messagesAfterLastUser(messages: ChatCompletionMessageParam[]): ChatCompletionMessageParam[] {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i].role === 'user') return messages.slice(i + 1);
  return [];
}

function parse(content: string): unknown {
  try {
    return JSON.parse(content);
  } catch {
    // A result cut short by the registry's character bound is not JSON: quote nothing from it.
    return null;
  }
}

/** Keys whose number is a count of months, written "N months" as the app writes it. */
const MONTH_COUNT = /^months(?:[A-Z].*)?$/;
/** Words for the model to read, not figures to quote (a help passage's text, a plan's ordering rule, notes). */
const PROSE_KEYS = new Set(['text', 'source', 'title', 'order', 'note', 'upcomingNote', 'rowsNote']);
/** Strings that state a figure: money, a percentage or months. Dates and names are left out. */
const FIGURE_TEXT = /[£$€৳%]|\bmonths?\b/;

/**
 * `label key: value` lines for the figures of a tool's JSON: strings that state money, a percentage or months, and
 * numbers (counts, months); raw minor units (`...Minor`) are for arithmetic, never shown. An object in a list is
 * labelled by its name, category, merchant, month or strategy; app help passages by their heading.
 */
function figureLines(value: unknown, label: string): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => figureLines(v, label));
  if (!value || typeof value !== 'object') return [];
  const obj = value as Record<string, unknown>;
  const own = ['name', 'category', 'merchant', 'strategy', 'goal', 'month'].map((k) => obj[k]).find(isText);
  const prefix = own ?? label;
  const out: string[] = [];
  for (const [key, v] of Object.entries(obj)) {
    if (key.endsWith('Minor') || PROSE_KEYS.has(key)) continue;
    const where = prefix ? `${prefix} ${key}` : key;
    if (key === 'heading' && typeof v === 'string') out.push(v);
    else if (typeof v === 'string' && /\d/.test(v) && FIGURE_TEXT.test(v)) out.push(`${where}: ${v}`);
    else if (typeof v === 'number')
      out.push(`${where}: ${MONTH_COUNT.test(key) ? `${v} ${v === 1 ? 'month' : 'months'}` : v}`);
    else if (v && typeof v === 'object') out.push(...figureLines(v, where));
  }
  return out;
}

/** A label: words, or a month ('2026-03'); never a bare number. */
const isText = (v: unknown): v is string =>
  typeof v === 'string' && v.length > 0 && (!/^\d/.test(v) || /^\d{4}-\d{2}$/.test(v));

function snapshotLines(system: string, starts: string[]): string[] {
  return system.split('\n').filter((line) => starts.some((s) => line.startsWith(s)));
}
