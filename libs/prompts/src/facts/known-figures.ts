import { roundHalfAwayFromZero } from '@app/finance';
import type { Fact, FactSheet } from './fact-sheet';
import { FigureReader, type WrittenFigure } from './figure-reader';

/** What one fact shows, read once per money format: a chat turn's snapshot facts are the same objects turn after turn. */
interface FactFigures {
  amountsMinor: number[];
  percents: number[];
  numbers: number[];
}

const readFacts = new WeakMap<Fact, Map<string, FactFigures>>();

/**
 * Every figure a sheet shows (its values, and whatever each fact's label and text show), and the one rule for
 * whether a written figure is one of them. Report, tip and alert citations and chat replies are all judged here.
 */
export class KnownFigures {
  readonly reader: FigureReader;
  private readonly amountsMinor = new Set<number>([0]);
  private readonly wholeAmounts = new Set<number>([0]);
  private readonly percents: number[] = [0, 100];
  private readonly numbers: number[] = [0];
  private readonly scale: number;

  constructor(sheet: FactSheet) {
    this.reader = new FigureReader(sheet.currency, sheet.locale);
    this.scale = 10 ** this.reader.minorDigits;
    const format = `${sheet.currency}|${sheet.locale}`;
    for (const fact of sheet.facts) {
      let byFormat = readFacts.get(fact);
      if (!byFormat) readFacts.set(fact, (byFormat = new Map()));
      let figures = byFormat.get(format);
      if (!figures) byFormat.set(format, (figures = this.read(fact)));
      for (const minor of figures.amountsMinor) this.addAmount(minor);
      this.percents.push(...figures.percents);
      this.numbers.push(...figures.numbers);
    }
  }

  private read(fact: Fact): FactFigures {
    const out: FactFigures = { amountsMinor: [], percents: [], numbers: [] };
    const percent = (p: number) => {
      out.percents.push(Math.abs(p));
      out.numbers.push(Math.abs(p));
    };
    if (fact.value !== null && fact.unit === 'money') out.amountsMinor.push(fact.value);
    else if (fact.value !== null && fact.unit === 'percent') percent(fact.value);
    else if (fact.value !== null) out.numbers.push(Math.abs(fact.value));
    for (const text of [fact.label, fact.text]) {
      for (const f of this.reader.typed(text)) {
        if (f.kind === 'money') out.amountsMinor.push(roundHalfAwayFromZero(f.value * f.scale * this.scale));
        else percent(f.value);
      }
      out.numbers.push(...this.reader.numbers(text));
    }
    return out;
  }

  /** The figures of the texts, in the reader's order, and those no fact shows. */
  check(texts: Iterable<string>): { figures: WrittenFigure[]; unshown: WrittenFigure[] } {
    const figures = [...texts].flatMap((t) => this.reader.figures(t));
    return { figures, unshown: figures.filter((f) => !this.shows(f)) };
  }

  /**
   * A figure copied with its decimals must match exactly (a percentage to the shown tenth); one written in whole
   * units may be a fact rounded. A bare number may be any figure of the sheet, raw or formatted. A scaled figure
   * ("£1.3k", "১.৫ লাখ") matches a figure that rounds to it at the precision written.
   */
  shows(f: WrittenFigure): boolean {
    const whole = f.decimals === 0;
    const unit = 10 ** f.decimals;
    const sameAt = (n: number): boolean =>
      roundHalfAwayFromZero((n / f.scale) * unit) === roundHalfAwayFromZero(f.value * unit);
    switch (f.kind) {
      case 'money': {
        if (f.scale !== 1) return [...this.amountsMinor].some((minor) => sameAt(minor / this.scale));
        const minor = roundHalfAwayFromZero(f.value * this.scale);
        return this.amountsMinor.has(minor) || (whole && this.wholeAmounts.has(f.value));
      }
      case 'percent':
        return this.percents.some((p) => Math.abs(p - f.value) < 0.05 + 1e-9 || (whole && Math.round(p) === f.value));
      case 'number':
        return this.numbers.some(sameAt);
    }
  }

  private addAmount(minor: number): void {
    const size = Math.abs(minor);
    this.amountsMinor.add(size);
    this.wholeAmounts.add(roundHalfAwayFromZero(size / this.scale));
    this.numbers.push(size / this.scale);
  }
}
