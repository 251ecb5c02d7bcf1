import type { EvalQuestion } from './questions';

/** What one chat turn produced, as the client saw it. */
export interface TurnOutcome {
  /** Every `message:tool` event of the turn. */
  tools: { name: string; status: 'running' | 'done' | 'error'; summary: string }[];
  /** `message:done`, or null when the turn ended in `message:error` or timed out. */
  done: {
    text: string;
    status: string;
    usage: { inputTokens: number; outputTokens: number };
    verification: { checked: number; unverified: string[]; corrected: boolean } | null;
  } | null;
  error: string | null;
  ms: number;
}

export interface QuestionScore {
  id: string;
  lang: EvalQuestion['lang'];
  expectedTools: string[];
  /** Tools that ran and answered (`message:tool` done), each once. */
  calledTools: string[];
  /** Tool calls that ended in an error (bad arguments, unknown tool). */
  toolErrors: number;
  /** Every expected tool ran. */
  toolChoice: boolean;
  /** Share of the tools that ran that were expected (1 when none ran and none was expected). */
  toolPrecision: number;
  figuresExpected: number;
  figuresFound: number;
  missingFigures: string[];
  /** Forbidden figures (another user's, a deleted row's) that appeared. */
  leaks: string[];
  /** `verification.unverified` was empty. */
  verified: boolean;
  unverified: string[];
  corrected: boolean;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
  ms: number;
  error: string | null;
}

const BENGALI_ZERO = 0x09e6;
/** Bengali digits as ASCII: a Bengali answer may write "£২৩৭.৫০" for "£237.50". */
export const asciiDigits = (text: string): string =>
  text.replace(/[০-৯]/g, (c) => String.fromCharCode(48 + c.charCodeAt(0) - BENGALI_ZERO));

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether `text` states `figure` as the app writes it: the same characters, not inside a longer number ("£37.50" is
 * not in "£237.50", "4" not in "14" or "4.5"), with Bengali digits read as ASCII. "N months" may be written
 * "N month(s)" or "N মাস", and "94.2%" as "94.2 %".
 */
export function statesFigure(text: string, figure: string): boolean {
  const plain = asciiDigits(text);
  const months = /^(\d+) months?$/.exec(figure);
  const body = months ? `${months[1]}\\s*(?:months?|মাস)` : escape(figure).replace(/%$/, '\\s?%').replace(/ /g, '\\s+');
  return new RegExp(`(?<![\\d.,])${body}(?![\\d]|[.,]\\d)`, 'iu').test(plain);
}

export function scoreQuestion(
  q: EvalQuestion,
  turn: TurnOutcome,
  cost: (inputTokens: number, outputTokens: number) => number | null,
): QuestionScore {
  const called = [...new Set(turn.tools.filter((t) => t.status === 'done').map((t) => t.name))];
  const expected = new Set<string>(q.expectTools);
  const text = turn.done?.text ?? '';
  const missing = q.expectFigures.filter((f) => !statesFigure(text, f));
  const usage = turn.done?.usage ?? { inputTokens: 0, outputTokens: 0 };
  const verification = turn.done?.verification ?? null;
  return {
    id: q.id,
    lang: q.lang,
    expectedTools: q.expectTools,
    calledTools: called,
    toolErrors: turn.tools.filter((t) => t.status === 'error').length,
    toolChoice: turn.done !== null && q.expectTools.every((t) => called.includes(t)),
    toolPrecision: called.length ? called.filter((t) => expected.has(t)).length / called.length : 1,
    figuresExpected: q.expectFigures.length,
    figuresFound: turn.done ? q.expectFigures.length - missing.length : 0,
    missingFigures: turn.done ? missing : q.expectFigures,
    leaks: (q.forbidFigures ?? []).filter((f) => statesFigure(text, f)),
    verified: verification !== null && verification.unverified.length === 0,
    unverified: verification?.unverified ?? [],
    corrected: verification?.corrected ?? false,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    costUsd: cost(usage.inputTokens, usage.outputTokens),
    ms: turn.ms,
    error: turn.error,
  };
}

export interface EvalTotals {
  questions: number;
  bengali: number;
  /** Percentages, one decimal. */
  toolChoice: number;
  toolPrecision: number;
  figureAccuracy: number;
  verificationPass: number;
  leaks: number;
  toolsExercised: string[];
  inputTokens: number;
  outputTokens: number;
  tokens: number;
  /** null when the model has no price in the configuration. */
  costUsd: number | null;
}

const percent = (part: number, whole: number): number => (whole ? Math.round((part / whole) * 1000) / 10 : 100);

export function totals(scores: QuestionScore[]): EvalTotals {
  const n = scores.length;
  const figuresExpected = scores.reduce((s, q) => s + q.figuresExpected, 0);
  const inputTokens = scores.reduce((s, q) => s + q.inputTokens, 0);
  const outputTokens = scores.reduce((s, q) => s + q.outputTokens, 0);
  const priced = scores.every((q) => q.costUsd !== null);
  return {
    questions: n,
    bengali: scores.filter((q) => q.lang === 'bn').length,
    toolChoice: percent(scores.filter((q) => q.toolChoice).length, n),
    toolPrecision: percent(
      scores.reduce((s, q) => s + q.toolPrecision, 0),
      n,
    ),
    figureAccuracy: percent(
      scores.reduce((s, q) => s + q.figuresFound, 0),
      figuresExpected,
    ),
    verificationPass: percent(scores.filter((q) => q.verified).length, n),
    leaks: scores.reduce((s, q) => s + q.leaks.length, 0),
    toolsExercised: [...new Set(scores.flatMap((q) => q.calledTools))].sort(),
    inputTokens,
    outputTokens,
    tokens: inputTokens + outputTokens,
    costUsd: priced ? Math.round(scores.reduce((s, q) => s + (q.costUsd ?? 0), 0) * 1e6) / 1e6 : null,
  };
}
