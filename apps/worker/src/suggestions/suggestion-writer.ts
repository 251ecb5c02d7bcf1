import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { SUGGESTION_CATEGORIES, SuggestionTip } from '@app/database';
import type { FinancialContext } from '@app/finance';
import { LlmService } from '@app/llm';
import {
  buildSuggestionsMessages,
  SUGGESTIONS_PROMPT_VERSION,
  SuggestionsModelAnswer,
  suggestionsSchema,
  type FactSheet,
  type FigureFact,
} from '@app/prompts';
import { toTips } from './to-tips';

export interface WrittenTips {
  tips: SuggestionTip[];
  model: string;
  promptVersion: string;
}

/** One model call that words three tips around figures we computed; the tips carry our figures, not its numbers. */
@Injectable()
export class SuggestionWriter {
  constructor(
    private readonly llm: LlmService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async write(
    userId: string,
    context: FinancialContext,
    sheet: FactSheet<FigureFact>,
    signal: AbortSignal,
  ): Promise<WrittenTips> {
    const figures = sheet.facts;
    const gaps = context.dataQuality.items.filter((i) => i.code.startsWith('no-')).map((i) => i.code);
    const { value, model, accounted } = await this.llm.completeJson<SuggestionsModelAnswer>({
      feature: 'suggestions',
      userId,
      schemaName: 'daily_tips',
      schema: suggestionsSchema({ categories: SUGGESTION_CATEGORIES, figureKeys: figures.map((f) => f.key) }),
      messages: buildSuggestionsMessages({
        assistantName: this.config.chat.assistantName,
        today: context.today,
        categories: SUGGESTION_CATEGORIES,
        figures,
        dataGaps: gaps,
      }),
      temperature: 0.4,
      signal,
    });
    await accounted;
    return {
      tips: toTips(value, sheet),
      model,
      promptVersion: SUGGESTIONS_PROMPT_VERSION,
    };
  }
}
