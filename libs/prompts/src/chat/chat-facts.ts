import { compactContextLines, type FinancialContext } from '@app/finance';
import { FactSheetBuilder, type FactSheet } from '../facts';

/**
 * The facts of a chat turn's snapshot: exactly the figures renderCompactContext shows the model (one fact per
 * figure, keyed and labelled as the snapshot line has it), so a reply quoting the system prompt verifies. Tool
 * results add their own facts for the turn (withFacts).
 *
 * The sheet reads replies in `format`, which defaults to the snapshot's own; its values are the snapshot's minor
 * units, so the currency cannot differ.
 */
export function chatContextFacts(
  context: FinancialContext,
  format: { currency: string; locale: string } = { currency: context.currency, locale: context.locale },
): FactSheet {
  if (format.currency.toUpperCase() !== context.currency.toUpperCase()) {
    throw new RangeError(`chatContextFacts: the snapshot is in ${context.currency}, not ${format.currency}`);
  }
  const sheet = new FactSheetBuilder(context.currency, format.locale);
  const localeMatches = format.locale === context.locale;
  for (const line of compactContextLines(context)) {
    for (const f of line.figures) {
      // Money and percentages are formatted again in the sheet's locale when it differs; counts read the same.
      const text = localeMatches || f.unit === 'count' || f.unit === 'months' ? f.text : undefined;
      sheet.figure(f.key, f.label, f.value, f.unit, text);
    }
  }
  return sheet.sheet();
}
