import { LlmError } from '@app/llm';
import type { FactSheet, FigureFact } from '@app/prompts';
import { toTips } from './to-tips';

const figures: FigureFact[] = [
  {
    key: 'this_month_spending',
    label: 'Spending this month so far',
    value: 45000,
    unit: 'money',
    text: '£450.00',
  },
  {
    key: 'budget_1',
    label: 'Budget "Food" used this month',
    value: 110.2,
    unit: 'percent',
    text: '£330.50 of £300.00 (110.2%), over by £30.50',
  },
];
const sheet: FactSheet<FigureFact> = { currency: 'GBP', locale: 'en-GB', facts: figures };
const tip = (
  title: string,
  figureKeys = ['this_month_spending'],
  category = 'spending',
  detail = ' Do   this  week. ',
) => ({ title, detail, category, figureKeys });

function invalid(fn: () => unknown, message: RegExp): void {
  try {
    fn();
    throw new Error('expected a failure');
  } catch (err) {
    expect(err).toBeInstanceOf(LlmError);
    expect((err as LlmError).kind).toBe('invalid_output');
    expect((err as Error).message).toMatch(message);
  }
}

describe('toTips', () => {
  it('keeps the words and replaces cited keys with our figures', () => {
    const tips = toTips(
      {
        tips: [
          tip('Cut takeaways'),
          tip('Review the food budget', ['budget_1', 'budget_1'], 'budgeting'),
          tip('Save the rest', ['this_month_spending', 'budget_1'], 'saving'),
        ],
      },
      sheet,
    );
    expect(tips[0]).toEqual({
      title: 'Cut takeaways',
      detail: 'Do this week.',
      category: 'spending',
      figures: [figures[0]],
    });
    expect(tips[1].figures).toEqual([figures[1]]);
    expect(tips[2].figures).toEqual(figures);
  });

  it('accepts figures quoted from the offered ones, exactly or in whole pounds', () => {
    const quoting = tip(
      'Rein in food',
      ['budget_1'],
      'budgeting',
      'Food is at £330.50 of £300 (110.2%); you have spent £450.00 so far.',
    );
    expect(() => toTips({ tips: [quoting, tip('Two'), tip('Three')] }, sheet)).not.toThrow();
  });

  it('refuses words that state an amount or percentage it was not given', () => {
    const inventing = tip('Save £75 a week', ['this_month_spending'], 'saving', 'That would be 17% of your spending.');
    invalid(() => toTips({ tips: [inventing, tip('Two'), tip('Three')] }, sheet), /not given \(£75, 17%\)/);
  });

  it('refuses a bare number that states a figure it was not given', () => {
    const counting = tip(
      'Cancel two',
      ['this_month_spending'],
      'subscriptions',
      'You pay for 4 subscriptions; keep 2.',
    );
    invalid(() => toTips({ tips: [counting, tip('Two'), tip('Three')] }, sheet), /not given \(4 subscriptions\)/);
    const raw = tip('Spend less', ['this_month_spending'], 'spending', 'You spent 450.00 so far; aim for 400.');
    invalid(() => toTips({ tips: [raw, tip('Two'), tip('Three')] }, sheet), /not given \(400\)/);
  });

  it('refuses a figure it did not offer', () => {
    invalid(
      () => toTips({ tips: [tip('A'.repeat(5)), tip('B'.repeat(5), ['made_up']), tip('C'.repeat(5))] }, sheet),
      /cited a figure it was not given/,
    );
  });

  it('refuses the same tip twice', () => {
    invalid(() => toTips({ tips: [tip('Cut takeaways'), tip('cut  takeaways'), tip('Save')] }, sheet), /repeated/);
  });

  it('refuses anything but three tips, a category off the list, or a tip without figures', () => {
    invalid(() => toTips({ tips: [tip('One'), tip('Two')] }, sheet), /2 tips instead of 3/);
    invalid(() => toTips({ tips: [tip('One'), tip('Two', undefined, 'crypto'), tip('Three')] }, sheet), /category/);
    invalid(() => toTips({ tips: [tip('One'), tip('Two', []), tip('Three')] }, sheet), /without figures/);
  });
});
