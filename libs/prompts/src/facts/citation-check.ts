import type { FactSheet } from './fact-sheet';
import { KnownFigures } from './known-figures';

export interface CitationCheck {
  /** Figures the words state that no fact shows, as written ('£131.88', '12%', '14 months'). */
  uncited: string[];
  /** Keys the answer cites that name no fact. */
  unknownKeys: string[];
}

/**
 * The check of a model's keyed answer against the facts it was given (reports, tips, alerts): every amount of money,
 * percentage, and bare number that states a figure (decimals, three digits or more, or a count such as "14 months")
 * must be one the sheet shows, and every key it cites must be one of the sheet's. Money is read in the sheet's
 * currency and locale, which is how the facts were written for it. Chat replies are read and matched the same way
 * (verifyReply).
 */
export function checkCitations(sheet: FactSheet, words: string[], citedKeys: Iterable<string> = []): CitationCheck {
  const keys = new Set(sheet.facts.map((f) => f.key));
  const { unshown } = new KnownFigures(sheet).check(words);
  return {
    uncited: [...new Set(unshown.map((f) => f.written))],
    unknownKeys: [...new Set(citedKeys)].filter((k) => !keys.has(k)),
  };
}
