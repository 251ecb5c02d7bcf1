/** Longest description we write; the model's is capped at 120 characters by its schema. */
export const DESCRIPTION_MAX_CHARS = 80;

/** Words that open a note but say nothing about the expense ("Bought groceries" is "Groceries"). */
const LEADING_VERBS =
  /^(?:(?:i|we)\s+)?(?:just\s+)?(?:bought|buy|paid\s+for|paid|pay|spent|spend|got|purchased|purchase|ordered|had)\b\s*/i;
/** Small words left dangling at either end once the amount and the date are taken out ("for", "on", "at"). */
const DANGLING = /^(?:for|on|at|in|of|to|with|and|from|by|the|a|an|was|it|-|–|,|:|\+)$/i;

/**
 * A short phrase for the expense: the note without its amount, its date and its opening verb, merchant kept
 * ("Bought groceries at Walmart for $45.50" reads "Groceries at Walmart"). Falls back to the category.
 */
export function describeExpense(text: string, remove: Array<{ start: number; end: number }>, category: string): string {
  const kept = [...remove]
    .sort((a, b) => b.start - a.start)
    .reduce((t, s) => `${t.slice(0, s.start)} ${t.slice(s.end)}`, text);
  const words = kept.replace(/\s+/g, ' ').trim().replace(LEADING_VERBS, '').split(' ').filter(Boolean);
  while (words.length > 0 && DANGLING.test(words[0])) words.shift();
  while (words.length > 0 && DANGLING.test(words[words.length - 1])) words.pop();
  let phrase = words.join(' ').replace(/[\s,.;:!?-]+$/, '');
  if (phrase.length > DESCRIPTION_MAX_CHARS) {
    const cut = phrase.slice(0, DESCRIPTION_MAX_CHARS - 1);
    phrase = `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 1))}…`;
  }
  if (!phrase) return category;
  return phrase.charAt(0).toUpperCase() + phrase.slice(1);
}
