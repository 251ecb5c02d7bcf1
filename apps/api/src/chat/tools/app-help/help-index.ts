import MiniSearch from 'minisearch';
import { findHelpDocsDir, loadHelpSections, type HelpSection } from './help-docs';

/** Bounds of what one search returns: the model reads all of it, so it costs tokens on every call. */
export const HELP_PASSAGE_MAX_CHARS = 1200;
export const HELP_TOTAL_MAX_CHARS = 4000;
/** A passage cut shorter than this says too little to be worth its tokens. */
const MIN_USEFUL_PASSAGE_CHARS = 200;
/**
 * Hits scoring below this share of the best one matched only a common word or a fuzzy near-miss: they would cost
 * tokens and pull the answer off topic.
 */
const MIN_RELATIVE_SCORE = 0.2;

export interface HelpPassage {
  source: string;
  title: string;
  heading: string;
  text: string;
  /** The section's id, for citing it as a fact. */
  id: string;
}

// Words that say nothing about which help topic is meant; with prefix search on, "a" or "i" would match half the index.
const STOP_WORDS = [
  'a an the and or of to in on at for from with by as is are was were be been am do does did done how what which who',
  'when where why can could would should will shall may might must i me my mine we our you your it its this that',
  'these those there here please about into if so get got have has had use using app',
  // Bengali: question words, pronouns and auxiliary verbs ("how", "I", "my", "will do", "can", "is").
  'কি কী কিভাবে কীভাবে কেমনে কেমন কেন কোথায় আমি আমার আমাকে আমরা আমাদের তুমি তোমার আপনি আপনার সে তার এই এটা এটি ওই',
  'করব করবো করবে করতে করে করা করি করেন কর পারি পারো পারব পারবো পারেন পারে হয় হবে হয়েছে ও এবং বা যে দিয়ে',
]
  .join(' ')
  .split(/\s+/)
  .filter(Boolean);

const clean = (term: string): string =>
  term
    .normalize('NFC')
    .replace(/[\u200c\u200d]/g, '')
    .toLowerCase();

const STOP = new Set(STOP_WORDS.map(clean));

// Bengali case endings and classifiers ("বাজেটের" of the budget, "বাজেটে" in it, "খরচগুলো" the expenses), longest first.
const BENGALI_SUFFIXES = ['গুলো', 'গুলি', 'দের', 'ের', 'কে', 'টি', 'টা', 'ে'].map(clean);

const stemBengali = (term: string): string => {
  for (const suffix of BENGALI_SUFFIXES) {
    if (term.endsWith(suffix) && term.length - suffix.length >= 2) return term.slice(0, -suffix.length);
  }
  return term;
};

/**
 * A light suffix strip so "budgets", "adding", "moved" and "savings" meet "budget", "add", "move" and "save" both
 * ways; a final "e" goes too, as "mov" is where "move" and "moved" meet.
 */
const stemEnglish = (term: string): string => {
  let t = term;
  if (t.length > 4 && t.endsWith('ies')) t = `${t.slice(0, -3)}y`;
  else if (t.length > 3 && t.endsWith('s') && !t.endsWith('ss') && !t.endsWith('us')) t = t.slice(0, -1);
  if (t.length > 5 && t.endsWith('ing')) t = t.slice(0, -3);
  else if (t.length > 4 && t.endsWith('ed')) t = t.slice(0, -2);
  if (t.length > 3 && t.endsWith('e')) t = t.slice(0, -1);
  return t;
};

/**
 * How the index and a query's words meet: the same cleaning and stemming on both sides. Stop words are indexed, so a
 * question made only of them ("what can you do?") can still be matched word for word.
 */
export function processHelpTerm(term: string): string | null {
  const t = clean(term);
  if (!t) return null;
  if (/[\u0980-\u09ff]/.test(t)) return stemBengali(t);
  if (t.length < 2) return null;
  return stemEnglish(t);
}

/** A query's words without the stop words, which would otherwise match nearly every section. */
export function processHelpQueryTerm(term: string): string | null {
  return STOP.has(clean(term)) ? null : processHelpTerm(term);
}

const splitWords = MiniSearch.getDefault('tokenize') as (text: string) => string[];

/** "can't" and "cannot" are one word, and "doesn't" is "does not": split at the apostrophe they would mean nothing. */
export const tokenizeHelpText = (text: string): string[] =>
  splitWords(
    text
      .replace(/\bcan['’]t\b|\bcan not\b/gi, 'cannot')
      .replace(/\bwon['’]t\b/gi, 'will not')
      .replace(/n['’]t\b/gi, ' not'),
  );

/** Cuts at a word boundary and says it was cut. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = text.slice(0, max - 1);
  const space = head.search(/\s\S*$/);
  return `${(space > max / 2 ? head.slice(0, space) : head).trimEnd()}…`;
}

/** The knowledge base's sections in a MiniSearch index, built once. */
export class HelpIndex {
  private readonly mini: MiniSearch<HelpSection>;
  private readonly byId: Map<string, HelpSection>;

  constructor(readonly sections: HelpSection[]) {
    this.byId = new Map(sections.map((s) => [s.id, s]));
    this.mini = new MiniSearch<HelpSection>({
      fields: ['title', 'heading', 'body', 'keywords'],
      tokenize: tokenizeHelpText,
      processTerm: processHelpTerm,
      searchOptions: {
        processTerm: processHelpQueryTerm,
        boost: { heading: 3, title: 2, keywords: 2 },
        fuzzy: 0.2,
        prefix: true,
        combineWith: 'OR',
      },
    });
    this.mini.addAll(sections);
  }

  static fromDir(dir = findHelpDocsDir()): HelpIndex {
    return new HelpIndex(loadHelpSections(dir));
  }

  /** The best sections for the query: at most `limit`, each cut to its bound, all of them within the total. */
  find(query: string, limit: number): HelpPassage[] {
    const meaningful = tokenizeHelpText(query).some((t) => processHelpQueryTerm(t) !== null);
    // Only stop words: match them exactly, as prefixes and near-misses of "a" or "do" would match everything.
    const hits = meaningful
      ? this.mini.search(query)
      : this.mini.search(query, { processTerm: processHelpTerm, prefix: false, fuzzy: false });
    if (hits.length === 0) return [];
    const floor = hits[0].score * MIN_RELATIVE_SCORE;
    const passages: HelpPassage[] = [];
    let total = 0;
    for (const hit of hits) {
      if (passages.length >= limit || hit.score < floor) break;
      const section = this.byId.get(hit.id as string);
      if (!section) continue;
      const overhead = section.source.length + section.title.length + section.heading.length;
      const room = Math.min(HELP_PASSAGE_MAX_CHARS, HELP_TOTAL_MAX_CHARS - total - overhead);
      if (room < Math.min(MIN_USEFUL_PASSAGE_CHARS, section.body.length)) break;
      const text = cut(section.body, room);
      total += overhead + text.length;
      passages.push({ id: section.id, source: section.source, title: section.title, heading: section.heading, text });
    }
    return passages;
  }
}
