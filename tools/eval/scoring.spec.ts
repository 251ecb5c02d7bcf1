import type { EvalQuestion } from './questions';
import { scoreQuestion, statesFigure, totals, type TurnOutcome } from './scoring';

const question: EvalQuestion = {
  id: 'q',
  lang: 'en',
  text: 'How much at Tesco?',
  expectTools: ['search_transactions'],
  expectFigures: ['£237.50', '4', '6 months', '94.2%'],
  forbidFigures: ['£999.99'],
  script: [],
};

const turn = (text: string, tools: TurnOutcome['tools'], unverified: string[] = []): TurnOutcome => ({
  tools,
  done: {
    text,
    status: 'complete',
    usage: { inputTokens: 100, outputTokens: 20 },
    verification: { checked: 3, unverified, corrected: false },
  },
  error: null,
  ms: 5,
});

describe('eval scoring', () => {
  it('finds a figure as the app writes it, never inside a longer number', () => {
    expect(statesFigure('You spent £237.50 there.', '£237.50')).toBe(true);
    expect(statesFigure('You spent £1,237.50 there.', '£237.50')).toBe(false);
    expect(statesFigure('You spent £237.500 there.', '£237.50')).toBe(false);
    expect(statesFigure('in 4 visits', '4')).toBe(true);
    expect(statesFigure('in 14 visits, £4.20 each', '4')).toBe(false);
    expect(statesFigure('debt-free in 6 months', '6 months')).toBe(true);
    expect(statesFigure('debt-free in 16 months', '6 months')).toBe(false);
    expect(statesFigure('94.2 % used', '94.2%')).toBe(true);
    expect(statesFigure('194.2% used', '94.2%')).toBe(false);
  });

  it('reads Bengali digits and Bengali month words', () => {
    expect(statesFigure('আপনি £২৩৭.৫০ খরচ করেছেন', '£237.50')).toBe(true);
    expect(statesFigure('৬ মাসে পৌঁছাবেন', '6 months')).toBe(true);
    expect(statesFigure('৪টি লেনদেন', '4')).toBe(true);
  });

  it('scores tool choice, precision, figures, verification and leaks of one answer', () => {
    const good = scoreQuestion(
      question,
      turn('£237.50 in 4 visits; 6 months; 94.2%', [
        { name: 'search_transactions', status: 'running', summary: '' },
        { name: 'search_transactions', status: 'done', summary: 'Found 4' },
      ]),
      (i, o) => (i + o) / 1e6,
    );
    expect(good).toMatchObject({
      toolChoice: true,
      toolPrecision: 1,
      figuresFound: 4,
      missingFigures: [],
      verified: true,
      leaks: [],
      costUsd: 0.00012,
    });

    const bad = scoreQuestion(
      question,
      turn(
        'You spent £999.99 at Tesco.',
        [
          { name: 'budget_status', status: 'done', summary: '' },
          { name: 'search_transactions', status: 'error', summary: 'Invalid arguments' },
        ],
        ['£999.99'],
      ),
      () => null,
    );
    expect(bad).toMatchObject({
      toolChoice: false,
      toolPrecision: 0,
      toolErrors: 1,
      figuresFound: 0,
      verified: false,
      leaks: ['£999.99'],
      costUsd: null,
    });

    const t = totals([good, bad]);
    expect(t).toMatchObject({
      questions: 2,
      toolChoice: 50,
      toolPrecision: 50,
      figureAccuracy: 50,
      verificationPass: 50,
    });
    expect(t.costUsd).toBeNull();
  });

  it('a turn that never finished scores nothing', () => {
    const s = scoreQuestion(question, { tools: [], done: null, error: 'timeout', ms: 30_000 }, () => 0);
    expect(s).toMatchObject({ toolChoice: false, figuresFound: 0, verified: false, error: 'timeout' });
    expect(s.missingFigures).toEqual(question.expectFigures);
  });
});
