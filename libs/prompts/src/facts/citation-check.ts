import { roundHalfAwayFromZero } from '@app/finance';
import type { FactSheet } from './fact-sheet';
import { FigureReader, type WrittenFigure } from './figure-reader';

export interface CitationCheck {
  /** Figures the words state that no fact shows, as written ('£131.88', '12%', '14 months'). */
  uncited: string[];
  /** Keys the answer cites that name no fact. */
  unknownKeys: string[];
}

/** Every figure the sheet shows: its values, and whatever each fact's label and text show. */
class KnownFigures {
  private readonly amountsMinor = new Set<number>([0]);
  private readonly wholeAmounts = new Set<number>([0]);
  private readonly percents: number[] = [0, 100];
  private readonly numbers: number[] = [0];
  private readonly scale: number;

  constructor(
    sheet: FactSheet,
    private readonly reader: FigureReader,
  ) {
    this.scale = 10 ** reader.minorDigits;
    for (const fact of sheet.facts) {
      if (fact.value !== null && fact.unit === 'money') this.addAmount(fact.value);
      else if (fact.value !== null && fact.unit === 'percent') this.addPercent(fact.value);
      else if (fact.value !== null) this.numbers.push(Math.abs(fact.value));
      for (const text of [fact.label, fact.text]) {
        for (const f of reader.typed(text)) {
          if (f.kind === 'money') this.addAmount(roundHalfAwayFromZero(f.value * this.scale));
          else this.addPercent(f.value);
        }
        this.numbers.push(...reader.numbers(text));
      }
    }
  }

  /**
   * A figure copied with its decimals must match exactly (a percentage to the shown tenth); one written in whole
   * units may be a fact rounded. A bare number may be any figure of the sheet, raw or formatted.
   */
  shows(f: WrittenFigure): boolean {
    const whole = f.decimals === 0;
    switch (f.kind) {
      case 'money': {
        const minor = roundHalfAwayFromZero(f.value * this.scale);
        return this.amountsMinor.has(minor) || (whole && this.wholeAmounts.has(f.value));
      }
      case 'percent':
        return this.percents.some((p) => Math.abs(p - f.value) < 0.05 + 1e-9 || (whole && Math.round(p) === f.value));
      case 'number': {
        const unit = 10 ** f.decimals;
        return this.numbers.some((n) => roundHalfAwayFromZero(n * unit) === roundHalfAwayFromZero(f.value * unit));
      }
    }
  }

  private addAmount(minor: number): void {
    const size = Math.abs(minor);
    this.amountsMinor.add(size);
    this.wholeAmounts.add(roundHalfAwayFromZero(size / this.scale));
    this.numbers.push(size / this.scale);
  }

  private addPercent(p: number): void {
    this.percents.push(Math.abs(p));
    this.numbers.push(Math.abs(p));
  }
}

/**
 * The one check of a model's words against the facts it was given (reports, tips, alerts): every amount of money,
 * percentage, and bare number that states a figure (decimals, three digits or more, or a count such as "14 months")
 * must be one the sheet shows, and every key it cites must be one of the sheet's. Money is read in the sheet's
 * currency and locale, which is how the facts were written for it.
 */
export function checkCitations(sheet: FactSheet, words: string[], citedKeys: Iterable<string> = []): CitationCheck {
  const keys = new Set(sheet.facts.map((f) => f.key));
  const reader = new FigureReader(sheet.currency, sheet.locale);
  const known = new KnownFigures(sheet, reader);
  const uncited = new Set<string>();
  for (const text of words) for (const f of reader.figures(text)) if (!known.shows(f)) uncited.add(f.written);
  return { uncited: [...uncited], unknownKeys: [...new Set(citedKeys)].filter((k) => !keys.has(k)) };
}
