import type { Fact, FactSheet } from './fact-sheet';
import { KnownFigures } from './known-figures';

export interface ReplyVerification {
  /** Figures the reply states: every amount, percentage, count of months or days, and figure-stating bare number. */
  checked: number;
  /** Those no fact of the turn shows, as written and in the order written, each once ('£1,300', '১৪ মাস'). */
  unverified: string[];
}

/**
 * Checks a chat reply's figures against the turn's facts (the snapshot's, plus every tool result's), read and matched
 * exactly as report, tip and alert citations are (KnownFigures).
 *
 * What counts as a figure, in English and Bengali, with ASCII or Bengali digits:
 * - money: a number with a currency symbol or code before or after it (£ $ € ৳ ₹, GBP, BDT, Tk) or a currency word
 *   after it ("pounds", "taka", "টাকা"), any size, with a scale word ("£1.3k", "২ লাখ টাকা") read as a rounded figure;
 * - percentages ("12%", "12.5 per cent", "১২ শতাংশ");
 * - a number followed by a length of time or a count of the user's records ("14 months", "30 days", "3 debts",
 *   "১৪ মাসে", "৩টি ঋণ");
 * - any other number with decimals, group separators or three digits or more ("340", "1,234.50");
 * - the other end of a range whose end is one of these ("£10–20", "10-20%", "12 to 14 months").
 * Not figures: dates ("2026-04-15", "15 March", "March 2026", "in 2027", "১৫ এপ্রিল"), times of day, ordinals
 * ("the 28th"), list numbering at the start of a line, the 50/30/20 rule's name, links, and small numbers with no
 * unit ("tip 2", "3 ideas").
 *
 * A figure is verified when a fact shows it: exactly as copied, or rounded to whole units (money) or to the shown
 * precision (percentages, scaled amounts). The sign is not compared, nor the currency symbol's country ("$" for a
 * sheet in pounds is a wording slip, not an invented figure). A figure worked out from others ("£1,300 left" from
 * income £3,000 and spending £1,700) is unverified unless some fact states it: the model is to quote, and to call a
 * tool for arithmetic.
 */
export function verifyReply(text: string, sheet: FactSheet): ReplyVerification {
  const { figures, unshown } = new KnownFigures(sheet).check([text]);
  const inOrder = [...unshown].sort((a, b) => a.index - b.index);
  return { checked: figures.length, unverified: [...new Set(inOrder.map((f) => f.written))] };
}

/** One sheet for a turn: the snapshot's facts and those of every tool result, in the snapshot's money format. */
export function withFacts(sheet: FactSheet, ...more: Fact[][]): FactSheet {
  return { currency: sheet.currency, locale: sheet.locale, facts: [...sheet.facts, ...more.flat()] };
}
