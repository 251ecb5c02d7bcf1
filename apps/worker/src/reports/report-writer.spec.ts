import { LlmError } from '@app/llm';
import type { ReportFact } from '@app/prompts';
import { toStoredWords } from './report-writer';

const facts: ReportFact[] = [
  { key: 'debts.total_balance', text: 'Total balance owed: £1,300.00', amountsMinor: [130000], percents: [] },
  {
    key: 'payoff.avalanche.interest',
    text: 'Avalanche (highest APR first): total interest: £33.87',
    amountsMinor: [3387],
    percents: [],
  },
];
const gbp = { currency: 'GBP', locale: 'en-GB' };

describe('toStoredWords', () => {
  it('keeps the words and attaches our formatted facts to each insight, once each', () => {
    const words = toStoredWords(
      {
        summary: ' You owe £1,300.00 in total. ',
        insights: [
          {
            title: 'Avalanche first',
            detail: 'It costs £33.87 in interest.',
            impact: 'high',
            figureKeys: ['payoff.avalanche.interest', 'payoff.avalanche.interest'],
          },
        ],
      },
      facts,
      gbp,
    );
    expect(words).toEqual({
      summary: 'You owe £1,300.00 in total.',
      insights: [
        {
          title: 'Avalanche first',
          detail: 'It costs £33.87 in interest.',
          impact: 'high',
          figures: [
            { key: 'payoff.avalanche.interest', text: 'Avalanche (highest APR first): total interest: £33.87' },
          ],
        },
      ],
    });
  });

  it('refuses an answer that cites a figure we did not compute, as retryable invalid output', () => {
    try {
      toStoredWords(
        {
          summary: 'You could save £250.00 a year.',
          insights: [{ title: 'Cut', detail: 'Cut 15% of wants.', impact: 'low', figureKeys: [] }],
        },
        facts,
        gbp,
      );
      throw new Error('expected a failure');
    } catch (err) {
      expect(err).toBeInstanceOf(LlmError);
      expect((err as LlmError).kind).toBe('invalid_output');
      expect((err as LlmError).retryable).toBe(true);
      expect((err as Error).message).toBe('Model answer used figures that are not in the report (£250.00, 15%)');
    }
  });
});
