import { SUGGESTION_CATEGORIES, SuggestionCategory, SuggestionTip } from '@app/database';
import { LlmError } from '@app/llm';
import { checkCitations, SuggestionsModelAnswer, TIPS_PER_SET, type FactSheet, type FigureFact } from '@app/prompts';

const clean = (s: string): string => s.replace(/\s+/g, ' ').trim();
const isCategory = (c: string): c is SuggestionCategory => (SUGGESTION_CATEGORIES as readonly string[]).includes(c);

/**
 * Checks a JSON schema cannot express, and swaps the cited keys for our own figures. Anything wrong is
 * `invalid_output`, which the queue retries: a set is stored only when all three tips are sound, and their words
 * state no figure that the offered ones do not show.
 */
export function toTips(answer: SuggestionsModelAnswer, sheet: FactSheet<FigureFact>): SuggestionTip[] {
  if (answer.tips.length !== TIPS_PER_SET)
    throw new LlmError('invalid_output', `Model returned ${answer.tips.length} tips instead of ${TIPS_PER_SET}`);
  const byKey = new Map(sheet.facts.map((f) => [f.key, f]));
  const titles = new Set<string>();
  const tips = answer.tips.map((tip) => {
    const title = clean(tip.title);
    const detail = clean(tip.detail);
    if (!title || !detail) throw new LlmError('invalid_output', 'Model returned an empty tip');
    if (titles.has(title.toLowerCase())) throw new LlmError('invalid_output', 'Model repeated a tip');
    titles.add(title.toLowerCase());
    if (!isCategory(tip.category)) throw new LlmError('invalid_output', 'Model chose a category outside the list');
    const keys = [...new Set(tip.figureKeys)];
    if (keys.length === 0) throw new LlmError('invalid_output', 'Model gave a tip without figures');
    return { title, detail, category: tip.category, keys };
  });
  const { uncited, unknownKeys } = checkCitations(
    sheet,
    tips.flatMap((t) => [t.title, t.detail]),
    tips.flatMap((t) => t.keys),
  );
  if (unknownKeys.length > 0) throw new LlmError('invalid_output', 'Model cited a figure it was not given');
  if (uncited.length > 0)
    throw new LlmError('invalid_output', `Model stated figures it was not given (${uncited.join(', ')})`);
  return tips.map(({ keys, ...tip }) => ({ ...tip, figures: keys.map((key) => byKey.get(key) as FigureFact) }));
}
