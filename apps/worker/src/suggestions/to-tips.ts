import { SUGGESTION_CATEGORIES, SuggestionCategory, SuggestionTip, TipFigure } from '@app/database';
import { LlmError } from '@app/llm';
import { SuggestionsModelAnswer, TIPS_PER_SET, uncitedFigures } from '@app/prompts';
import { OfferedFigure } from './tip-figures';

const clean = (s: string): string => s.replace(/\s+/g, ' ').trim();
const isCategory = (c: string): c is SuggestionCategory => (SUGGESTION_CATEGORIES as readonly string[]).includes(c);

/**
 * Checks a JSON schema cannot express, and swaps the cited keys for our own figures. Anything wrong is
 * `invalid_output`, which the queue retries: a set is stored only when all three tips are sound, and their words
 * state no amount or percentage that the offered figures do not show.
 */
export function toTips(
  answer: SuggestionsModelAnswer,
  offered: OfferedFigure[],
  money: { currency: string; locale: string },
): SuggestionTip[] {
  if (answer.tips.length !== TIPS_PER_SET)
    throw new LlmError('invalid_output', `Model returned ${answer.tips.length} tips instead of ${TIPS_PER_SET}`);
  const byKey = new Map(offered.map((o) => [o.figure.key, o.figure]));
  const titles = new Set<string>();
  const tips = answer.tips.map((tip) => {
    const title = clean(tip.title);
    const detail = clean(tip.detail);
    if (!title || !detail) throw new LlmError('invalid_output', 'Model returned an empty tip');
    if (titles.has(title.toLowerCase())) throw new LlmError('invalid_output', 'Model repeated a tip');
    titles.add(title.toLowerCase());
    if (!isCategory(tip.category)) throw new LlmError('invalid_output', 'Model chose a category outside the list');
    const cited = [...new Set(tip.figureKeys)].map((key) => byKey.get(key));
    if (cited.length === 0) throw new LlmError('invalid_output', 'Model gave a tip without figures');
    if (cited.some((f) => f === undefined))
      throw new LlmError('invalid_output', 'Model cited a figure it was not given');
    return { title, detail, category: tip.category, figures: cited as TipFigure[] };
  });
  const facts = offered.map((o) => ({
    key: o.figure.key,
    text: o.figure.text,
    amountsMinor: o.amountsMinor,
    percents: o.percents,
  }));
  const invented = uncitedFigures(
    tips.flatMap((t) => [t.title, t.detail]),
    facts,
    money,
  );
  if (invented.length > 0)
    throw new LlmError('invalid_output', `Model stated figures it was not given (${invented.join(', ')})`);
  return tips;
}
