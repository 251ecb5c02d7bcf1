import { ExpenseTextOptions, readExpenseText } from './read-expense-text';

const DEFAULT_CATEGORIES = [
  'Groceries',
  'Dining',
  'Transport',
  'Housing',
  'Utilities',
  'Health',
  'Entertainment',
  'Shopping',
  'Subscriptions',
  'Travel',
  'Education',
  'Personal Care',
  'Gifts',
  'Other',
];

/**
 * 23:30 UTC on Monday 30 June 2025 is 00:30 on Tuesday 1 July in London (BST, UTC+1): "today" and "yesterday"
 * differ between the two zones, which is the point of most cases below.
 */
const NEAR_MIDNIGHT = new Date('2025-06-30T23:30:00Z');
const london: ExpenseTextOptions = {
  now: NEAR_MIDNIGHT,
  timeZone: 'Europe/London',
  locale: 'en-GB',
  defaultCurrency: 'GBP',
  categories: DEFAULT_CATEGORIES,
};
const utc: ExpenseTextOptions = { ...london, timeZone: 'UTC' };

const read = (text: string, options: Partial<ExpenseTextOptions> = {}) =>
  readExpenseText(text, { ...london, ...options });

describe('readExpenseText', () => {
  it('reads the README example: a dollar amount, a supermarket and no date (today, in the configured zone)', () => {
    expect(read('Bought groceries at Walmart for $45.50')).toEqual({
      amount: { value: 45.5, currency: 'USD', marked: true, certain: true },
      amounts: [{ value: 45.5, currency: 'USD', marked: true }],
      date: '2025-07-01',
      dateWords: null,
      category: 'Groceries',
      description: 'Groceries at Walmart',
    });
    // The same instant is still 30 June in UTC.
    expect(read('Bought groceries at Walmart for $45.50', utc).date).toBe('2025-06-30');
  });

  it('counts "yesterday" from the local date in the configured zone, not from UTC', () => {
    const note = 'Paid 12.50 for two cinema tickets yesterday';
    expect(read(note)).toMatchObject({
      amount: { value: 12.5, currency: 'GBP', marked: false, certain: true },
      date: '2025-06-30',
      dateWords: 'yesterday',
      category: 'Entertainment',
      description: 'Two cinema tickets',
    });
    expect(read(note, utc).date).toBe('2025-06-29');
    // New Year in London (GMT) is still New Year's Eve in New York: yesterday there is 30 December.
    const newYear = new Date('2025-01-01T00:30:00Z');
    expect(read(note, { now: newYear }).date).toBe('2024-12-31');
    expect(read(note, { now: newYear, timeZone: 'America/New_York' }).date).toBe('2024-12-30');
  });

  it.each([
    ['£12 taxi', 12, 'GBP'],
    ['Lunch 12.50 EUR', 12.5, 'EUR'],
    ['€3,50 coffee', 3.5, 'EUR'],
    ['1.234,50 € dinner', 1234.5, 'EUR'],
    ['50p chewing gum', 0.5, 'GBP'],
    ['ramen ¥1,200', 1200, 'JPY'],
    ['tea 1.235 BHD', 1.235, 'BHD'],
    ['Spent 20 quid at Tesco', 20, 'GBP'],
    ['US$15 souvenir', 15, 'USD'],
  ])('reads the amount and currency of %j', (note, value, currency) => {
    expect(read(note).amount).toMatchObject({ value, currency, marked: true, certain: true });
  });

  it('gives a symbol between two numbers to the one it is written against', () => {
    const currencies = (note: string) => read(note).amounts.map((a) => [a.value, a.marked ? a.currency : null]);
    expect(currencies('£5 £10 tip')).toEqual([
      [5, 'GBP'],
      [10, 'GBP'],
    ]);
    expect(currencies('30€ 20')).toEqual([
      [30, 'EUR'],
      [20, null],
    ]);
    expect(currencies('30 € 20')).toEqual([
      [30, null],
      [20, 'EUR'],
    ]);
  });

  it('takes the configured currency for a bare number, and for "$" when the configured currency writes it so', () => {
    expect(read('parking 12.50', { defaultCurrency: 'USD' }).amount).toMatchObject({ value: 12.5, currency: 'USD' });
    expect(read('Rent 1,150.00').amount).toEqual({ value: 1150, currency: 'GBP', marked: false, certain: true });
    expect(read('parking $12.50', { defaultCurrency: 'CAD' }).amount).toMatchObject({ value: 12.5, currency: 'CAD' });
    expect(read('parking $12.50', { defaultCurrency: 'GBP' }).amount).toMatchObject({ value: 12.5, currency: 'USD' });
  });

  it('never reads an amount as a time of day next to a date', () => {
    expect(read('Bus to town 4.50 this morning')).toMatchObject({ amount: { value: 4.5 }, date: '2025-07-01' });
    expect(read('lunch last Friday 12')).toMatchObject({ amount: { value: 12, certain: true }, date: '2025-06-27' });
  });

  it('does not read a time, a day of the month or a lower-case word as an amount or a currency', () => {
    expect(read('lunch at 12:30 for 9.99').amounts).toEqual([{ value: 9.99, currency: 'GBP', marked: false }]);
    expect(read('Dinner 30 5 March').amount).toMatchObject({ value: 30, certain: true });
    expect(read('tea 12.50 for two').amount).toMatchObject({ value: 12.5, currency: 'GBP', marked: false });
  });

  it('prefers the price to a count, and says when the note holds several numbers', () => {
    expect(read('2 coffees for 7').amount).toEqual({ value: 7, currency: 'GBP', marked: false, certain: false });
    expect(read('45 for lunch with 3 friends').amount).toMatchObject({ value: 45, certain: false });
    expect(read('2 coffees for £7').amount).toMatchObject({ value: 7, currency: 'GBP', certain: true });
  });

  it('finds no amount in a note without digits', () => {
    expect(read('hello there').amount).toBeNull();
    expect(read('twenty quid on a taxi').amount).toBeNull();
  });

  describe('dates (today is Tuesday 1 July 2025 in London)', () => {
    it.each([
      ['Lunch 12.50 last Friday', '2025-06-27', 'last Friday'],
      ['Spent 20 three days ago', '2025-06-28', 'three days ago'],
      ['Taxi 3 March £20', '2025-03-03', '3 March'],
      ['Dinner 2025-06-01 €30', '2025-06-01', '2025-06-01'],
      ['coffee 3.20 on the 5th', '2025-06-05', 'on the 5th'],
      ['coffee 3.20 on the 1st', '2025-07-01', 'on the 1st'],
      ['parking 30 on 12/06', '2025-06-12', '12/06'],
    ])('%j is %s', (note, date, words) => {
      expect(read(note)).toMatchObject({ date, dateWords: words });
    });

    it('never puts a day given in part in the future: it is the latest such day on or before today', () => {
      // 20 December, the 31st and Wednesday have not come yet this year, month or week.
      expect(read('Flowers 20 December £30').date).toBe('2024-12-20');
      expect(read('Taxi £9 on the 31st').date).toBe('2025-05-31'); // June has 30 days
      expect(read('Cinema £9 on Wednesday').date).toBe('2025-06-25');
      expect(read('parking 30 on 12/07').date).toBe('2024-07-12');
    });

    it('reads a two-digit number after a day and month as the amount, not as the year', () => {
      expect(read('March 3rd 40 dinner')).toMatchObject({ date: '2025-03-03', amount: { value: 40, certain: true } });
    });

    it('reads numeric dates month first in en-US only', () => {
      expect(read('dinner on 03/04 £25').date).toBe('2025-04-03');
      expect(read('dinner on 03/04 $25', { locale: 'en-US', defaultCurrency: 'USD' }).date).toBe('2025-03-04');
    });
  });

  describe('categories from EXPENSE_CATEGORIES', () => {
    it.each([
      ['Uber eats 23.40', 'Dining'],
      ['Uber to the station 23.40', 'Transport'],
      ['Netflix 10.99', 'Subscriptions'],
      ['Food shopping at Aldi 30', 'Groceries'],
      ['Haircut 25', 'Personal Care'],
      ['Chewing gum 1', 'Other'],
    ])('%j is %s', (note, category) => {
      expect(read(note).category).toBe(category);
    });

    it('maps to a customised list by alias, then to "Other" or a synonym, then to the last category', () => {
      const custom = ['Food', 'Getting around', 'Fun', 'Misc'];
      expect(read('Bought groceries at Walmart for $45.50', { categories: custom }).category).toBe('Food');
      expect(read('Cinema tickets 12', { categories: custom }).category).toBe('Fun');
      expect(read('Taxi 12', { categories: custom }).category).toBe('Misc');
      expect(read('Taxi 12', { categories: ['Food', 'Fun', 'Getting around'] }).category).toBe('Getting around');
      expect(read('Rent 900', { categories: ['Rent and bills', 'Everything else'] }).category).toBe('Everything else');
    });
  });

  it('describes the expense without its amount, date and opening verb, merchant kept', () => {
    expect(read('Spent 20 quid at Tesco 3 days ago').description).toBe('Tesco');
    expect(read('I paid £9.99 for Spotify yesterday').description).toBe('Spotify');
    expect(read('£4').description).toBe('Other');
  });
});
