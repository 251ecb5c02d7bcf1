import {
  bucketForCategory,
  CATEGORY_BUCKETS,
  CATEGORY_NEEDS,
  CATEGORY_SAVINGS,
  CATEGORY_UNCATEGORISED,
  CATEGORY_WANTS,
  classifyExpenseName,
} from './categories';
import { normaliseName } from './normalise';

describe('normaliseName', () => {
  it('lower-cases, trims, collapses spaces', () => {
    expect(normaliseName('  Netflix   Monthly ')).toBe('netflix monthly');
  });

  it('strips card refs, store numbers and punctuation noise', () => {
    expect(normaliseName('TESCO STORES 2341')).toBe('tesco stores');
    expect(normaliseName('Tesco Stores #77')).toBe('tesco stores');
    expect(normaliseName('AMZN Mktp UK*2X4RT56')).toBe('amzn mktp uk');
    expect(normaliseName('SPOTIFY P1234ABC')).toBe('spotify');
    expect(normaliseName('Tesco-1234')).toBe('tesco');
    expect(normaliseName('Sainsbury\u2019s  (Card ref: 99812)')).toBe('sainsburys card ref');
  });

  it('folds accents and keeps non-Latin letters', () => {
    expect(normaliseName('Café Nero')).toBe('cafe nero');
    expect(normaliseName('বাজার ২০২৬')).toBe('বাজার');
  });

  it('falls back when nothing but digits is left, and handles bad input', () => {
    expect(normaliseName('12345')).toBe('12345');
    expect(normaliseName('#12 / 34')).toBe('12 34');
    expect(normaliseName('')).toBe('');
    expect(normaliseName(null)).toBe('');
  });

  it('is idempotent, so the repository may apply it too', () => {
    for (const s of ['TESCO STORES 2341', 'Café Nero', '12345', 'Uber *Eats 88', 'a  b']) {
      expect(normaliseName(normaliseName(s))).toBe(normaliseName(s));
    }
  });
});

describe('categories', () => {
  it('exports the bucket mapping; Uncategorised counts as wants', () => {
    expect(CATEGORY_BUCKETS[CATEGORY_NEEDS]).toBe('needs');
    expect(CATEGORY_BUCKETS[CATEGORY_WANTS]).toBe('wants');
    expect(CATEGORY_BUCKETS[CATEGORY_SAVINGS]).toBe('savings');
    expect(CATEGORY_BUCKETS[CATEGORY_UNCATEGORISED]).toBe('wants');
  });

  it('maps free-text budget categories by word, defaulting to wants', () => {
    expect(bucketForCategory('Essential(Needs)')).toBe('needs');
    expect(bucketForCategory('Household bills')).toBe('needs');
    expect(bucketForCategory('Investments')).toBe('savings');
    expect(bucketForCategory('Fun money')).toBe('wants');
    expect(bucketForCategory(null)).toBe('wants');
    expect(bucketForCategory('constructor')).toBe('wants'); // user text, not an Object.prototype key
  });

  it('classifies names by keyword', () => {
    const c = (n: string): string => classifyExpenseName(n).category;
    expect(c('Monthly RENT')).toBe(CATEGORY_NEEDS);
    expect(c('Council Tax Apr')).toBe(CATEGORY_NEEDS);
    expect(c('TESCO STORES 2341')).toBe(CATEGORY_NEEDS);
    expect(c('British Gas')).toBe(CATEGORY_NEEDS);
    expect(c('Car insurance')).toBe(CATEGORY_NEEDS);
    expect(c('Netflix')).toBe(CATEGORY_WANTS);
    expect(c('Friday drinks at the bar')).toBe(CATEGORY_WANTS);
    expect(c('Restaurants')).toBe(CATEGORY_WANTS); // plural
    expect(c('Costa Coffee')).toBe(CATEGORY_WANTS);
    expect(c('ISA top-up')).toBe(CATEGORY_SAVINGS);
    expect(c('Misc thing')).toBe(CATEGORY_UNCATEGORISED);
  });

  it('matches whole words only and lets the longest keyword win', () => {
    const c = (n: string): string => classifyExpenseName(n).category;
    expect(c('Barber')).toBe(CATEGORY_UNCATEGORISED); // not "bar"
    expect(c('Gastro pub')).toBe(CATEGORY_WANTS); // "pub", not "gas"
    expect(classifyExpenseName('Uber Eats order').keyword).toBe('uber eats');
    expect(classifyExpenseName('Car rental')).toEqual({ category: CATEGORY_UNCATEGORISED, keyword: null }); // not "rent"
  });
});

describe('normaliseName web noise', () => {
  it('drops www. and domain endings attached to a word', () => {
    expect(normaliseName('NETFLIX.COM 1234')).toBe('netflix');
    expect(normaliseName('www.tesco.co.uk')).toBe('tesco');
    expect(normaliseName('Amazon.co.uk*MK12')).toBe('amazon');
    expect(normaliseName('Dot.net Conf')).toBe('dot conf');
    expect(normaliseName('Co-op')).toBe('co op');
  });
});
