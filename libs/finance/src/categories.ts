import { normaliseName } from './normalise';

/**
 * Expenses carry no category of their own. The category of an expense is its budget's `category` when it has
 * a budget; otherwise a deterministic keyword classifier on its name picks one of the canonical categories
 * below. Every category (including free-text ones users typed on budgets) maps to one 50/30/20 bucket.
 */

export type Bucket = 'needs' | 'wants' | 'savings';

export const CATEGORY_NEEDS = 'Essential(Needs)';
export const CATEGORY_WANTS = 'Discretionary(Wants)';
export const CATEGORY_SAVINGS = 'Savings';
/**
 * Expenses neither a budget nor the classifier could place. They count as WANTS for 50/30/20: that is the
 * conservative choice for advice (it never makes needs look covered, and an unexplained spend is the kind the
 * user can most likely cut); the summary still lists them under their own name so the assistant can say so.
 */
export const CATEGORY_UNCATEGORISED = 'Uncategorised';

/** Exact category strings the main backend uses, and the bucket each one counts in. */
export const CATEGORY_BUCKETS: Readonly<Record<string, Bucket>> = Object.freeze({
  [CATEGORY_NEEDS]: 'needs',
  [CATEGORY_WANTS]: 'wants',
  [CATEGORY_SAVINGS]: 'savings',
  [CATEGORY_UNCATEGORISED]: 'wants',
});

/** One of the exact category strings above (own keys only: "constructor" is user text, not ours). */
export function isKnownCategory(category: string): boolean {
  return Object.prototype.hasOwnProperty.call(CATEGORY_BUCKETS, category);
}

/**
 * Bucket of any category string. Known strings map exactly; other free text is matched on words
 * (need/essential -> needs, saving/invest/pension -> savings); anything else counts as wants, like
 * Uncategorised, for the reason given there.
 */
export function bucketForCategory(category: string | null | undefined): Bucket {
  if (!category) return 'wants';
  if (isKnownCategory(category)) return CATEGORY_BUCKETS[category];
  const n = normaliseName(category);
  if (/\b(needs?|essentials?|bills?)\b/.test(n)) return 'needs';
  if (/\b(savings?|invest\w*|pensions?)\b/.test(n)) return 'savings';
  return 'wants';
}

/** Keywords matched as whole words of the normalised name (with an optional plural 's'/'es'). */
export const NEEDS_KEYWORDS: readonly string[] = Object.freeze([
  'rent',
  'mortgage',
  'groceries',
  'grocery',
  'supermarket',
  'electricity',
  'electric',
  'water',
  'gas',
  'energy',
  'utilities',
  'utility',
  'council tax',
  'insurance',
  'transport',
  'train',
  'rail',
  'bus',
  'tube',
  'oyster',
  'tfl',
  'fuel',
  'petrol',
  'diesel',
  'parking',
  'medical',
  'doctor',
  'dentist',
  'dental',
  'pharmacy',
  'prescription',
  'hospital',
  'childcare',
  'nursery',
  'school',
  'tuition',
  'loan',
  'credit card',
  'broadband',
  'internet',
  'phone bill',
  'mobile',
  'tv licence',
  'tesco',
  'sainsburys',
  'asda',
  'aldi',
  'lidl',
  'morrisons',
  'waitrose',
  'co op',
  'ocado',
  'mot',
  'car tax',
]);

export const WANTS_KEYWORDS: readonly string[] = Object.freeze([
  'restaurant',
  'takeaway',
  'take away',
  'cinema',
  'netflix',
  'spotify',
  'disney',
  'prime video',
  'amazon prime',
  'youtube premium',
  'apple music',
  'shopping',
  'holiday',
  'hotel',
  'flight',
  'bar',
  'pub',
  'coffee',
  'cafe',
  'starbucks',
  'costa',
  'pret',
  'deliveroo',
  'uber eats',
  'just eat',
  'gaming',
  'game',
  'steam',
  'xbox',
  'playstation',
  'concert',
  'ticket',
  'gym',
  'beauty',
  'salon',
  'haircut',
  'clothes',
  'clothing',
  'fashion',
  'gift',
  'hobby',
  'entertainment',
  'dining',
  'eating out',
  'alcohol',
  'wine',
  'beer',
]);

export const SAVINGS_KEYWORDS: readonly string[] = Object.freeze([
  'savings',
  'saving',
  'isa',
  'pension',
  'investment',
  'investments',
  'emergency fund',
]);

interface KeywordRule {
  keyword: string;
  category: string;
  re: RegExp;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Longest keyword wins ("uber eats" over a shorter one); equal lengths keep list order (needs, savings, wants),
// so the result never depends on object or engine ordering.
const RULES: KeywordRule[] = [
  ...NEEDS_KEYWORDS.map((k) => ({ keyword: k, category: CATEGORY_NEEDS })),
  ...SAVINGS_KEYWORDS.map((k) => ({ keyword: k, category: CATEGORY_SAVINGS })),
  ...WANTS_KEYWORDS.map((k) => ({ keyword: k, category: CATEGORY_WANTS })),
]
  .map((r, i) => ({ ...r, i, re: new RegExp(`(?:^| )${escape(r.keyword)}(?:s|es)?(?= |$)`) }))
  .sort((a, b) => b.keyword.length - a.keyword.length || a.i - b.i);

export interface Classification {
  category: string;
  /** The keyword that decided it, or null for Uncategorised. */
  keyword: string | null;
}

/** Category of an expense without a budget, from its name alone. */
export function classifyExpenseName(name: string | null | undefined): Classification {
  const n = normaliseName(name);
  if (n) {
    for (const r of RULES) if (r.re.test(n)) return { category: r.category, keyword: r.keyword };
  }
  return { category: CATEGORY_UNCATEGORISED, keyword: null };
}
