import { buildFinancialContext, compactContextLines, renderCompactContext, type FinancialContext } from '@app/finance';
import { strainedInputs } from '../../../finance/src/compact-fixtures.testing';
import { hugeInputs, inputs, richInputs } from '../../../finance/src/fixtures.testing';
import { FigureReader, verifyReply } from '../facts';
import { chatContextFacts } from './chat-facts';

const now = new Date('2026-04-15T10:00:00Z');

/** Users of every shape the snapshot has lines for, in the money formats the app is configured with. */
const contexts: Array<[string, FinancialContext]> = [
  ['a bit of everything (GBP, en-GB)', buildFinancialContext(richInputs(), { now, timeZone: 'Europe/London' })],
  [
    'rows recorded for later this month, money moved to savings',
    buildFinancialContext(
      richInputs({
        incomeByMonth: [
          { month: '2026-03', total: 2000, count: 1 },
          { month: '2026-04', total: 2000, count: 1, upcoming: true },
        ],
        expensesByMonth: [
          { month: '2026-04', budgetId: null, name: 'rent', total: 900, count: 1 },
          { month: '2026-04', budgetId: null, name: 'isa transfer', total: 100, count: 1 },
          { month: '2026-04', budgetId: null, name: 'gym', total: 30, count: 1, upcoming: true },
        ],
      }),
      { now, timeZone: 'Europe/London' },
    ),
  ],
  ['under strain: every kind of red flag', buildFinancialContext(strainedInputs(), { now })],
  [
    'a debt that never pays off',
    buildFinancialContext(
      strainedInputs({
        debts: [{ id: 'x', name: 'Store card', amount: 9000, monthlyPayment: 10, userInterestRate: 30 }],
      }),
      { now },
    ),
  ],
  ['nothing recorded', buildFinancialContext(inputs(), { now })],
  ['thousands of records', buildFinancialContext(hugeInputs(), { now })],
  [
    'taka in Bengali (BDT, bn-BD)',
    buildFinancialContext(strainedInputs(), { now, currency: 'BDT', locale: 'bn-BD', timeZone: 'Asia/Dhaka' }),
  ],
  ['euros in German (EUR, de-DE)', buildFinancialContext(richInputs(), { now, currency: 'EUR', locale: 'de-DE' })],
  ['dollars (USD, en-US)', buildFinancialContext(strainedInputs(), { now, currency: 'USD', locale: 'en-US' })],
];

describe('chatContextFacts', () => {
  describe.each(contexts)('%s', (_name, ctx) => {
    const text = renderCompactContext(ctx);
    const sheet = chatContextFacts(ctx);

    it('verifies every figure the compact snapshot shows', () => {
      const reader = new FigureReader(ctx.currency, ctx.locale);
      const read = reader.figures(text).length;
      expect(read).toBeGreaterThan(0);
      expect(verifyReply(text, sheet)).toEqual({ checked: read, unverified: [] });
    });

    it('holds nothing the snapshot does not show, one fact per figure', () => {
      const figures = compactContextLines(ctx).flatMap((l) => l.figures);
      expect(sheet.facts.map((f) => f.key)).toEqual(figures.map((f) => f.key));
      for (const fact of sheet.facts) expect(text).toContain(fact.text);
      expect(sheet).toMatchObject({ currency: ctx.currency, locale: ctx.locale });
    });
  });

  it('catches a snapshot figure changed by a penny, a point or a month', () => {
    const [, ctx] = contexts[0];
    const sheet = chatContextFacts(ctx);
    const text = renderCompactContext(ctx)
      .replace('spending £1,281.49', 'spending £1,281.48')
      .replace('savings rate 35.9%', 'savings rate 36.9%')
      .replace('(24 months', '(23 months');
    expect(verifyReply(text, sheet).unverified).toEqual(['£1,281.48', '36.9%', '23 months']);
  });

  it('reads replies in another locale of the same currency, and refuses another currency', () => {
    const [, ctx] = contexts[0];
    const sheet = chatContextFacts(ctx, { currency: 'GBP', locale: 'bn-BD' });
    expect(verifyReply('এই মাসে খরচ ১,২৮১.৪৯£, সঞ্চয়ের হার ৩৫.৯%', sheet)).toEqual({ checked: 2, unverified: [] });
    expect(() => chatContextFacts(ctx, { currency: 'USD', locale: 'en-GB' })).toThrow(RangeError);
  });
});
