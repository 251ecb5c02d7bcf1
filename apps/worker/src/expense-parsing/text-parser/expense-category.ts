import { normaliseName } from '@app/finance';

/**
 * Merchants and words that place an expense, by the default EXPENSE_CATEGORIES names. A merchant is also the
 * name the description uses for it. Matched as whole words of the normalised note (an optional plural s).
 */
const KEYWORDS: Record<string, string[]> = {
  Groceries: [
    'grocery',
    'groceries',
    'supermarket',
    'food shop',
    'food shopping',
    'walmart',
    'tesco',
    'sainsburys',
    'asda',
    'aldi',
    'lidl',
    'waitrose',
    'morrisons',
    'co op',
    'kroger',
    'costco',
    'whole foods',
    'trader joes',
    'safeway',
    'carrefour',
    'milk',
    'bread',
    'vegetable',
    'fruit',
  ],
  Dining: [
    'restaurant',
    'lunch',
    'dinner',
    'breakfast',
    'brunch',
    'cafe',
    'coffee',
    'takeaway',
    'takeout',
    'meal',
    'pizza',
    'burger',
    'sushi',
    'pub',
    'bar',
    'drinks',
    'starbucks',
    'costa',
    'pret',
    'mcdonalds',
    'kfc',
    'nandos',
    'subway',
    'deliveroo',
    'uber eats',
    'just eat',
    'doordash',
  ],
  Transport: [
    'taxi',
    'cab',
    'uber',
    'lyft',
    'bolt',
    'bus',
    'train',
    'tube',
    'metro',
    'tram',
    'rail',
    'railcard',
    'oyster',
    'fuel',
    'petrol',
    'diesel',
    'parking',
    'toll',
    'car wash',
    'mot',
  ],
  Housing: ['rent', 'mortgage', 'landlord', 'council tax', 'home insurance', 'plumber', 'repair'],
  Utilities: [
    'electricity',
    'electric bill',
    'gas bill',
    'water bill',
    'energy bill',
    'internet',
    'broadband',
    'wifi',
    'phone bill',
    'mobile bill',
    'utility',
    'utilities',
  ],
  Health: [
    'pharmacy',
    'chemist',
    'doctor',
    'dentist',
    'medicine',
    'prescription',
    'hospital',
    'clinic',
    'optician',
    'glasses',
    'vitamin',
    'gym',
  ],
  Entertainment: [
    'cinema',
    'movie',
    'film',
    'theatre',
    'theater',
    'concert',
    'gig',
    'festival',
    'museum',
    'bowling',
    'game',
    'steam',
    'playstation',
    'xbox',
  ],
  Shopping: [
    'amazon',
    'clothes',
    'clothing',
    'shoes',
    'trainers',
    'jacket',
    'shirt',
    'dress',
    'ikea',
    'argos',
    'zara',
    'primark',
    'laptop',
    'headphones',
    'electronics',
    'furniture',
  ],
  Subscriptions: [
    'subscription',
    'netflix',
    'spotify',
    'disney plus',
    'prime',
    'icloud',
    'youtube premium',
    'membership',
    'patreon',
  ],
  Travel: [
    'hotel',
    'flight',
    'airbnb',
    'airline',
    'holiday',
    'vacation',
    'hostel',
    'ryanair',
    'easyjet',
    'booking com',
  ],
  Education: ['course', 'tuition', 'school', 'textbook', 'book', 'class', 'lesson', 'udemy', 'university', 'exam'],
  'Personal Care': ['haircut', 'hairdresser', 'barber', 'salon', 'nails', 'manicure', 'spa', 'cosmetics', 'makeup'],
  Gifts: ['gift', 'present', 'birthday', 'donation', 'charity', 'wedding'],
};

/** Other names a customised list may give a default category ("Food" for Groceries, "Bills" for Utilities). */
const ALIASES: Record<string, string[]> = {
  Groceries: ['food', 'groceries', 'grocery', 'supermarket'],
  Dining: ['dining', 'eating out', 'restaurants', 'food', 'food and drink'],
  Transport: ['transport', 'transportation', 'travel', 'car', 'commute'],
  Housing: ['housing', 'home', 'rent', 'household'],
  Utilities: ['utilities', 'bills', 'household'],
  Health: ['health', 'healthcare', 'medical', 'fitness'],
  Entertainment: ['entertainment', 'leisure', 'fun', 'hobbies'],
  Shopping: ['shopping', 'clothing', 'clothes', 'personal'],
  Subscriptions: ['subscriptions', 'memberships', 'bills'],
  Travel: ['travel', 'holidays', 'vacation'],
  Education: ['education', 'learning', 'books'],
  'Personal Care': ['personal care', 'personal', 'beauty'],
  Gifts: ['gifts', 'gifts and donations', 'donations', 'charity'],
};

const OTHER_NAMES = ['other', 'others', 'miscellaneous', 'misc', 'general', 'uncategorised', 'uncategorized'];

interface Rule {
  category: string;
  keyword: string;
  re: RegExp;
}

const wordRe = (phrase: string): RegExp => new RegExp(`(?:^| )${phrase}(?:s|es)?(?= |$)`);

const RULES: Rule[] = Object.entries(KEYWORDS).flatMap(([category, words]) =>
  words.map((keyword) => ({ category, keyword, re: wordRe(keyword) })),
);

export interface CategoryReading {
  category: string;
  /** The word of the note that decided it, or null when nothing did (the fallback category). */
  keyword: string | null;
}

/** The configured category a default one stands for: itself, else an alias in the list, else none. */
function configuredFor(defaultName: string, configured: string[]): string | null {
  const byName = new Map(configured.map((c) => [normaliseName(c), c]));
  for (const name of [defaultName, ...(ALIASES[defaultName] ?? [])]) {
    const hit = byName.get(normaliseName(name));
    if (hit) return hit;
  }
  return null;
}

/**
 * A category from `categories` (EXPENSE_CATEGORIES). The longest match wins among the configured names the note
 * uses ("groceries") and the keywords and merchants whose category the list has, under its own name or an alias
 * ("food shopping" is Groceries before "shopping" is Shopping). Nothing matched: "Other" (or a synonym), else the
 * last category of the list.
 */
export function categoryIn(text: string, categories: string[]): CategoryReading {
  const note = normaliseName(text);
  const named: Rule[] = categories
    .map((category) => ({ category, keyword: normaliseName(category) }))
    .filter((r) => r.keyword && !OTHER_NAMES.includes(r.keyword))
    .map((r) => ({ ...r, re: wordRe(r.keyword) }));
  const candidates = [...named, ...RULES].sort((a, b) => b.keyword.length - a.keyword.length);
  for (const rule of candidates) {
    if (!rule.re.test(note)) continue;
    const category = named.includes(rule) ? rule.category : configuredFor(rule.category, categories);
    if (category) return { category, keyword: rule.keyword };
  }
  const other = categories.find((c) => OTHER_NAMES.includes(normaliseName(c)));
  return { category: other ?? categories[categories.length - 1], keyword: null };
}
