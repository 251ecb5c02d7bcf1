import { LlmError } from '@app/llm';
import type { FactSheet } from '@app/prompts';
import { toStoredWords } from './report-writer';

const sheet: FactSheet = {
  currency: 'GBP',
  locale: 'en-GB',
  facts: [
    { key: 'debts.total_balance', label: 'Total balance owed', value: 130000, unit: 'money', text: '£1,300.00' },
    {
      key: 'payoff.avalanche.interest',
      label: 'Avalanche (highest APR first): total interest',
      value: 3387,
      unit: 'money',
      text: '£33.87',
    },
  ],
};

function invalidOutput(fn: () => unknown): LlmError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LlmError);
    expect((err as LlmError).kind).toBe('invalid_output');
    expect((err as LlmError).retryable).toBe(true);
    return err as LlmError;
  }
  throw new Error('expected a failure');
}

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
      sheet,
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
    const err = invalidOutput(() =>
      toStoredWords(
        {
          summary: 'You could save £250.00 a year.',
          insights: [{ title: 'Cut', detail: 'Cut 15% of wants.', impact: 'low', figureKeys: [] }],
        },
        sheet,
      ),
    );
    expect(err.message).toBe('Model answer used figures that are not in the report (£250.00, 15%)');
  });

  it('refuses a bare number that states a figure no fact shows', () => {
    const err = invalidOutput(() =>
      toStoredWords(
        {
          summary: 'You owe 1300.00 in total and will be debt-free in 14 months.',
          insights: [{ title: 'Pay', detail: 'Pay 250 more each month.', impact: 'low', figureKeys: [] }],
        },
        sheet,
      ),
    );
    expect(err.message).toBe('Model answer used figures that are not in the report (14 months, 250)');
  });

  it('refuses a key that names no fact', () => {
    const err = invalidOutput(() =>
      toStoredWords(
        { summary: 'Fine.', insights: [{ title: 'A', detail: 'B', impact: 'low', figureKeys: ['made.up'] }] },
        sheet,
      ),
    );
    expect(err.message).toBe('Model answer cited facts that are not in the report (made.up)');
  });
});
