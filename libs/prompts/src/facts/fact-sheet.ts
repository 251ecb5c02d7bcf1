import { formatMoney, formatPct } from '@app/finance';

/**
 * The figures the model may cite, for every feature that lets it word our numbers (reports, tips, alerts, and
 * chat later). We compute and format each fact; the model picks keys and words, and `checkCitations` refuses
 * words that state a figure no fact shows.
 */

export type FactUnit = 'money' | 'percent' | 'count' | 'months';

/**
 * The most tokens (libs/llm `estimateTokens`) a report, tips or alert-wording prompt takes, for any user: its lists
 * are capped (REPORT_LIST_LIMIT, REPORT_FACT_DEBTS, the tips' top three or four, ALERT_FLAGS_PER_RUN flags) with the
 * rest summed into one fact, and every name is quoted to MAX_QUOTED_LENGTH characters.
 */
export const FACT_PROMPT_MAX_TOKENS = 4000;

export interface Fact {
  /** Stable key the model cites, e.g. 'debts.total_balance' or 'budget_1'. */
  key: string;
  /** What the figure is, e.g. 'Total balance owed'; user-typed names in it are quoted. */
  label: string;
  /** Minor units for money; null when the fact is words, or several figures (all of them are in `text`). */
  value: number | null;
  unit: FactUnit | null;
  /** The value as the user sees it ('£1,300.00', or '£330.50 of £300.00 (110.2%)'); empty for a fact in words. */
  text: string;
}

/** A fact with one value in a unit: what a tip stores beside its words. */
export interface FigureFact extends Fact {
  value: number;
  unit: FactUnit;
}

/** Facts plus the money format they are written in, which is how the model's words are read too. */
export interface FactSheet<F extends Fact = Fact> {
  currency: string;
  locale: string;
  facts: F[];
}

/** The fact as one line: 'Total balance owed: £1,300.00'. */
export const factLine = (f: Fact): string => (f.text ? `${f.label}: ${f.text}` : f.label);

/** Builds a sheet in one money format: every fact is formatted the way the app shows it. */
export class FactSheetBuilder {
  readonly facts: Fact[] = [];

  constructor(
    readonly currency: string,
    readonly locale: string,
  ) {}

  money = (minor: number): string => formatMoney(minor, { currency: this.currency, locale: this.locale });
  pct = (p: number | null): string => formatPct(p, this.locale);

  /** One value in its unit; `text` replaces the formatted value when the line shows more (other amounts, a share). */
  figure(key: string, label: string, value: number | null, unit: FactUnit, text?: string): void {
    this.facts.push({ key, label, value, unit, text: text ?? this.value(value, unit) });
  }

  /** Words, or several figures in one text. */
  line(key: string, label: string, text = ''): void {
    this.facts.push({ key, label, value: null, unit: null, text });
  }

  sheet(): FactSheet {
    return { currency: this.currency, locale: this.locale, facts: this.facts };
  }

  /** A value formatted in its unit, as the app shows it. */
  value(value: number | null, unit: FactUnit): string {
    if (unit === 'money') return value === null ? 'n/a' : this.money(value);
    if (unit === 'percent') return this.pct(value);
    if (value === null) return 'n/a';
    return unit === 'months' ? `${value} months` : String(value);
  }
}
