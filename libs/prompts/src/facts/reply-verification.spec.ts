import { FactSheetBuilder, type FactSheet } from './fact-sheet';
import { verifyReply, withFacts } from './reply-verification';

/** Income £3,000.00, spending £1,700.00, a £340.00 yearly saving, 14 months to debt-free, 3 subscriptions, 43.3%. */
function gbpSheet(): FactSheet {
  const b = new FactSheetBuilder('GBP', 'en-GB');
  b.figure('income', 'Income this month', 300000, 'money');
  b.figure('spending', 'Spending this month', 170000, 'money');
  b.figure('saving', 'Cancelling saves per year', 34000, 'money');
  b.figure('short', 'Short by', -2500, 'money');
  b.figure('rate', 'Savings rate', 43.3, 'percent');
  b.figure('months', 'Debt-free in', 14, 'months');
  b.figure('subs', 'Active subscriptions', 3, 'count');
  return b.sheet();
}

describe('verifyReply', () => {
  const sheet = gbpSheet();

  it('verifies figures copied from the facts, rounded to whole units, and bare', () => {
    const reply =
      'Your income is £3,000.00 and spending £1,700 (1,700.00 as a bare figure). You could save 340 a year by ' +
      'cancelling your 3 subscriptions, be debt-free in 14 months, and you kept 43.3% (about 43%) of your income.';
    expect(verifyReply(reply, sheet)).toEqual({ checked: 8, unverified: [] });
  });

  it('names a figure worked out from others: "£1,300 left" is not on the sheet', () => {
    expect(verifyReply('That leaves you £1,300 left this month.', sheet)).toEqual({
      checked: 1,
      unverified: ['£1,300'],
    });
  });

  it('checks bare numbers that state a figure: three digits, decimals, group separators, months and days', () => {
    const reply = 'Put 250 aside, or 1,500 over the year, 12.75 a week, for 18 months, or 30 days, across 2 debts.';
    expect(verifyReply(reply, sheet)).toEqual({
      checked: 6,
      unverified: ['250', '1,500', '12.75', '18 months', '30 days', '2 debts'],
    });
  });

  it('names each unverified figure once, in the order written', () => {
    const reply = 'Spend 12% less: 12% of £3,000.00 is £360, and £360 is 12% again.';
    expect(verifyReply(reply, sheet)).toEqual({ checked: 6, unverified: ['12%', '£360'] });
  });

  it('reads negatives by their size, with a hyphen or a minus sign', () => {
    expect(verifyReply('You are -£25.00 (−£25) short; net −£26.', sheet)).toEqual({
      checked: 3,
      unverified: ['£26'],
    });
  });

  it('checks both ends of a range, whichever end carries the unit', () => {
    expect(verifyReply('Aim for £340–£3,000, or £340-3,000.', sheet).unverified).toEqual([]);
    expect(verifyReply('Cut £10–£20 a week.', sheet)).toEqual({ checked: 2, unverified: ['£10', '£20'] });
    expect(verifyReply('Cut £10–20 a week.', sheet)).toEqual({ checked: 2, unverified: ['£10', '20'] });
    expect(verifyReply('Save 10–20% of income.', sheet)).toEqual({ checked: 2, unverified: ['10', '20%'] });
    expect(verifyReply('Debt-free in 12–14 months, or 12 to 14 months.', sheet).unverified).toEqual(['12']);
  });

  it('leaves prose alone: dates, times, years, ordinals, list numbering, the 50/30/20 rule, small counts', () => {
    const reply = [
      '1. Follow the 50/30/20 rule (50-30-20 is not a range of ours).',
      '2) Pay on the 28th, by 15 March 2026, on 2026-04-30 or 30/04/2026, at 09:30, in 2027.',
      '3. Here are 3 tips and 2 ideas; see step 4.',
      'Tip 2 – £340 a year.',
    ].join('\n');
    expect(verifyReply(reply, sheet)).toEqual({ checked: 1, unverified: [] });
  });

  it('reads amounts written with any currency marker, before or after, as money', () => {
    const reply = 'Spending is $1,700, €1,700.00, GBP 1,700, 1,700 GBP, 1,700 pounds; not US$1,701 or 1,702 quid.';
    expect(verifyReply(reply, sheet)).toEqual({ checked: 7, unverified: ['US$1,701', '1,702 quid'] });
  });

  it('does not take an amount for a percentage or a count for an amount', () => {
    expect(verifyReply('£3, 3% and £14, 14%.', sheet).unverified).toEqual(['£3', '3%', '£14', '14%']);
  });

  it('reads scaled amounts as rounded figures', () => {
    expect(verifyReply('About £1.7k spent of £3k, roughly 1.7 thousand.', sheet).unverified).toEqual([]);
    expect(verifyReply('About £1.8k spent.', sheet).unverified).toEqual(['£1.8k']);
  });

  describe('in Bengali', () => {
    it('reads Bengali digits, months and counts with their endings and counting words', () => {
      const reply =
        'আপনার আয় £৩,০০০.০০ এবং খরচ £১,৭০০। বছরে ৩৪০ সাশ্রয় হতে পারে, ১৪ মাসে ঋণমুক্ত হবেন, ৩টি সাবস্ক্রিপশন আছে, সঞ্চয়ের হার ৪৩.৩%।';
      expect(verifyReply(reply, sheet)).toEqual({ checked: 6, unverified: [] });
    });

    it('names unverified figures as written, Bengali digits included', () => {
      const reply = '১৫ মাসের মধ্যে ২টি ঋণ শোধ হবে; মাসে ১,৩০০ টাকা বাকি থাকে, বা ১২ শতাংশ।';
      expect(verifyReply(reply, sheet)).toEqual({
        checked: 4,
        unverified: ['১৫ মাস', '২টি ঋণ', '১,৩০০ টাকা', '১২ শতাংশ'],
      });
    });

    it('leaves dates, years and small numbers alone', () => {
      const reply = '১৫ এপ্রিল ২০২৬ তারিখে, ২০২৭ সালের জুনে, ২৮শে মার্চ; ৩টি পরামর্শ: ১. খরচ কমান';
      expect(verifyReply(reply, sheet)).toEqual({ checked: 0, unverified: [] });
    });
  });

  describe('in the sheet’s currency and locale', () => {
    it('taka in bn-BD: Bengali digits, Indian grouping, ৳ before or after, codes and words, lakh', () => {
      const b = new FactSheetBuilder('BDT', 'bn-BD');
      b.figure('income', 'আয়', 12345675, 'money');
      b.figure('rent', 'ভাড়া', 15000000, 'money');
      b.figure('rate', 'সঞ্চয়ের হার', 35.9, 'percent');
      const sheetBn = b.sheet();
      expect(b.money(12345675)).toBe('১,২৩,৪৫৬.৭৫৳');
      const reply =
        'আয় ১,২৩,৪৫৬.৭৫৳ (৳1,23,456.75, BDT 123,456.75, Tk 1,23,457, ১২৩৪৫৭ টাকা); ভাড়া ১.৫ লাখ টাকা; হার ৩৫.৯%.';
      expect(verifyReply(reply, sheetBn)).toEqual({ checked: 7, unverified: [] });
      expect(verifyReply('আয় ৳১,২৩,৪৫৬.৭৬', sheetBn).unverified).toEqual(['৳১,২৩,৪৫৬.৭৬']);
    });

    it('euros in de-DE: the locale’s separators', () => {
      const b = new FactSheetBuilder('EUR', 'de-DE');
      b.figure('balance', 'Saldo', 123456, 'money');
      expect(verifyReply('Sie schulden 1.234,56 € (EUR 1.234,56), nicht 1.234,57 €.', b.sheet())).toEqual({
        checked: 3,
        unverified: ['1.234,57 €'],
      });
    });

    it('dollars in en-US', () => {
      const b = new FactSheetBuilder('USD', 'en-US');
      b.figure('balance', 'Balance', 123456, 'money');
      expect(verifyReply('You owe $1,234.56 (US$1,234.56, 1,234.56 USD), not $1,234.65.', b.sheet())).toEqual({
        checked: 4,
        unverified: ['$1,234.65'],
      });
    });
  });

  it("verifies against a turn's snapshot and tool facts together", () => {
    const tool = new FactSheetBuilder('GBP', 'en-GB');
    tool.figure('tesco', 'Tesco in March', 41250, 'money');
    const reply = 'You spent £412.50 at Tesco, out of £1,700.00 in all.';
    expect(verifyReply(reply, sheet).unverified).toEqual(['£412.50']);
    expect(verifyReply(reply, withFacts(sheet, tool.sheet().facts))).toEqual({ checked: 2, unverified: [] });
  });
});
