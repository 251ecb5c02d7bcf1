import { LlmError } from '@app/llm';
import { formatMoney, formatPct, isKnownCategory, localDateKey, quoteUserText, type RedFlag } from '@app/finance';
import { checkCitations, type AlertWordingAnswer, type Fact, type FactSheet, type FlagToWord } from '@app/prompts';

/** Names a flag across screenings: its code, plus the budget or debt it is about (two overrun budgets are two alerts). */
export function flagKey(flag: Pick<RedFlag, 'code' | 'subject'>): string {
  return flag.subject ? `${flag.code}:${flag.subject.id}` : flag.code;
}

// Figure values that are our own tokens (month keys, enums) print bare; other strings were typed by users.
const BARE_STRING_KEYS = new Set(['month', 'fromMonth', 'toMonth', 'incomeBasis', 'incomeExpectation', 'ownership']);

export interface FigureFormat {
  currency: string;
  locale: string;
  timeZone: string;
}

/** The flag's figures as the app would show them ("debtToIncome=48.0%"); money in the user's currency. */
export function formatFlagFigures(figures: RedFlag['figures'], f: FigureFormat): string {
  return Object.entries(figures)
    .map(([key, value]) => {
      const name = key.replace(/(Minor|Pct)$/, '');
      if (value === null) return `${name}=n/a`;
      if (typeof value === 'number') {
        if (key.endsWith('Minor')) return `${name}=${formatMoney(value, { currency: f.currency, locale: f.locale })}`;
        if (key.endsWith('Pct') || key.endsWith('PctOfIncome')) return `${name}=${formatPct(value, f.locale)}`;
        return `${name}=${value}`;
      }
      if (typeof value === 'boolean') return `${name}=${value}`;
      if (key === 'payDueDate') return `${name}=${localDateKey(new Date(value), f.timeZone)}`;
      if (key === 'category') return `${name}=${isKnownCategory(value) ? value : quoteUserText(value)}`;
      return `${name}=${BARE_STRING_KEYS.has(key) ? value.replace(/[^\w:.-]/g, '') : quoteUserText(value)}`;
    })
    .join(', ');
}

export function flagToWord(flag: RedFlag, key: string, f: FigureFormat): FlagToWord {
  return {
    key,
    code: flag.code,
    severity: flag.severity,
    subject: flag.subject ? `${flag.subject.type} ${quoteUserText(flag.subject.name)}` : null,
    figures: formatFlagFigures(flag.figures, f),
    threshold: `${flag.threshold.name}=${flag.threshold.value}`,
  };
}

/** The one fact a flag's wording may quote: its figures and its threshold, formatted as the app shows them. */
export function flagFact(flag: RedFlag, key: string, f: FigureFormat): Fact {
  const threshold = formatFlagFigures({ [flag.threshold.name]: flag.threshold.value }, f);
  return {
    key,
    label: flag.code,
    value: null,
    unit: null,
    text: `${formatFlagFigures(flag.figures, f)}; ${threshold}`,
  };
}

export interface Wording {
  title: string;
  message: string;
}

const clean = (s: string): string => s.replace(/\s+/g, ' ').trim();

/**
 * Every flag worded exactly once, stating no figure beyond the flag's own, or the answer is `invalid_output`
 * (retried).
 */
export function toWording(answer: AlertWordingAnswer, sheet: FactSheet): Map<string, Wording> {
  const out = new Map<string, Wording>();
  for (const a of answer.alerts) {
    if (out.has(a.key)) throw new LlmError('invalid_output', 'Model worded one flag twice');
    const title = clean(a.title);
    const message = clean(a.message);
    if (!title || !message) throw new LlmError('invalid_output', 'Model returned an empty alert');
    const own = { ...sheet, facts: sheet.facts.filter((f) => f.key === a.key) };
    const { uncited, unknownKeys } = checkCitations(own, [title, message], [a.key]);
    if (unknownKeys.length > 0) throw new LlmError('invalid_output', 'Model worded a flag it was not given');
    if (uncited.length > 0)
      throw new LlmError('invalid_output', `Model stated figures it was not given (${uncited.join(', ')})`);
    out.set(a.key, { title, message });
  }
  if (out.size !== sheet.facts.length) throw new LlmError('invalid_output', 'Model did not word every flag');
  return out;
}
