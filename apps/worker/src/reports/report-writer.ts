import { Injectable } from '@nestjs/common';
import type { StoredReportInsight } from '@app/database';
import type { ReportFigures } from '@app/finance';
import { LlmError, LlmService, type ReservationAhead } from '@app/llm';
import {
  buildReportMessages,
  checkCitations,
  FACT_PROMPT_MAX_TOKENS,
  factLine,
  REPORT_PROMPT_VERSION,
  REPORT_SCHEMA_NAMES,
  reportAnswerSchema,
  reportFacts,
  type FactSheet,
  type ReportModelAnswer,
} from '@app/prompts';

export interface ReportWords {
  summary: string;
  insights: StoredReportInsight[];
  model: string;
  promptVersion: string;
}

/**
 * Checks what a JSON schema cannot: the wording cites only figures we computed. Each insight carries the facts it
 * relies on as we formatted them, so the client shows our figures, not the model's rendering of them.
 */
export function toStoredWords(
  answer: ReportModelAnswer,
  sheet: FactSheet,
): Omit<ReportWords, 'model' | 'promptVersion'> {
  const { uncited, unknownKeys } = checkCitations(
    sheet,
    [answer.summary, ...answer.insights.flatMap((i) => [i.title, i.detail])],
    answer.insights.flatMap((i) => i.figureKeys),
  );
  if (uncited.length) {
    throw new LlmError(
      'invalid_output',
      `Model answer used figures that are not in the report (${uncited.slice(0, 5).join(', ')})`,
    );
  }
  if (unknownKeys.length) {
    throw new LlmError(
      'invalid_output',
      `Model answer cited facts that are not in the report (${unknownKeys.join(', ')})`,
    );
  }
  const lines = new Map(sheet.facts.map((f) => [f.key, factLine(f)]));
  return {
    summary: answer.summary.trim(),
    insights: answer.insights.map((i) => ({
      title: i.title.trim(),
      detail: i.detail.trim(),
      impact: i.impact,
      figures: [...new Set(i.figureKeys)].map((key) => ({ key, text: lines.get(key) as string })),
    })),
  };
}

@Injectable()
export class ReportWriter {
  constructor(private readonly llm: LlmService) {}

  /**
   * Holds the model call's tokens before the figures are read, from the bound every report prompt keeps to
   * (FACT_PROMPT_MAX_TOKENS), so that `write` needs no reservation round trip of its own (LlmService.holdAhead).
   * Whoever holds one gives it to `write` or to `release`.
   */
  reserve(userId: string): Promise<ReservationAhead | null> {
    return this.llm.holdAhead('report', userId, FACT_PROMPT_MAX_TOKENS);
  }

  /** Gives back a hold no model call took; nothing when the call took it. */
  release(ahead: ReservationAhead | null): Promise<void> {
    return this.llm.release(ahead);
  }

  /**
   * `previousProblem`: why the model's last answer was refused, so the retry does not repeat it. `accounted` is the
   * model call's charge being written down (LlmService.completeJson), for the caller to await beside its own writes.
   */
  async write(input: {
    userId: string;
    figures: ReportFigures;
    previousProblem: string | null;
    signal: AbortSignal;
    ahead?: ReservationAhead | null;
  }): Promise<{ words: ReportWords; accounted: Promise<void> }> {
    const { figures } = input;
    const sheet = reportFacts(figures);
    const { value, model, accounted } = await this.llm.completeJson<ReportModelAnswer>({
      feature: 'report',
      userId: input.userId,
      schemaName: REPORT_SCHEMA_NAMES[figures.type],
      schema: reportAnswerSchema(sheet.facts.map((f) => f.key)),
      messages: buildReportMessages({ type: figures.type, facts: sheet.facts, previousProblem: input.previousProblem }),
      signal: input.signal,
      ahead: input.ahead,
    });
    try {
      return { words: { ...toStoredWords(value, sheet), model, promptVersion: REPORT_PROMPT_VERSION }, accounted };
    } catch (err) {
      await accounted;
      throw err;
    }
  }
}
