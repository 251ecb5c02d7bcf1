import { buildFinancialContext, renderContextForPrompt } from '@app/finance';
import { d, hugeInputs, inputs, richInputs } from '../../../finance/src/fixtures.testing';
import { figuresValidUntil, nextLocalMidnight } from './figures-valid-until';

const NOW = d('2026-04-15T10:00:00Z');

describe('a cached context survives Redis exactly', () => {
  it.each([
    ['rich', richInputs()],
    ['huge', hugeInputs()],
    ['empty', inputs()],
  ])('the %s context and its prompt equal their JSON round trip', (_name, data) => {
    const context = buildFinancialContext(data, { now: NOW, timeZone: 'Europe/London' });
    const back = JSON.parse(JSON.stringify(context));
    // Strict: an undefined field, a Date, a Map or a NaN would not come back as it went in.
    expect(back).toStrictEqual(context);
    expect(renderContextForPrompt(back)).toBe(renderContextForPrompt(context));
  });
});

describe('figuresValidUntil', () => {
  const quiet = buildFinancialContext(inputs(), { now: NOW, timeZone: 'Europe/London' });

  it('is the next local midnight when nothing comes sooner (BST: 23:00 UTC)', () => {
    expect(figuresValidUntil(quiet, null, NOW)).toEqual(d('2026-04-15T23:00:00Z'));
    const winter = buildFinancialContext(inputs(), { now: d('2026-01-15T10:00:00Z'), timeZone: 'Europe/London' });
    expect(figuresValidUntil(winter, null, d('2026-01-15T10:00:00Z'))).toEqual(d('2026-01-16T00:00:00Z'));
  });

  it('follows the zone the context was computed in, across a DST change', () => {
    // New York springs forward on 2026-03-08: that day is 23 hours long.
    expect(nextLocalMidnight(d('2026-03-08T12:00:00Z'), 'America/New_York')).toEqual(d('2026-03-09T04:00:00Z'));
    expect(nextLocalMidnight(d('2026-03-07T12:00:00Z'), 'America/New_York')).toEqual(d('2026-03-08T05:00:00Z'));
  });

  it('ends when a copy dated later today turns from upcoming into so far, and ignores one already past', () => {
    expect(figuresValidUntil(quiet, d('2026-04-15T14:30:00Z'), NOW)).toEqual(d('2026-04-15T14:30:00Z'));
    expect(figuresValidUntil(quiet, d('2026-04-20T09:00:00Z'), NOW)).toEqual(d('2026-04-15T23:00:00Z'));
    expect(figuresValidUntil(quiet, d('2026-04-15T09:00:00Z'), NOW)).toEqual(d('2026-04-15T23:00:00Z'));
  });

  it("ends when an active debt's overdue flag starts or its days overdue go up, whichever debt is first", () => {
    const dueAt = (payDueDate: Date, now = NOW) =>
      buildFinancialContext(
        inputs({ debts: [{ id: 'd1', name: 'Card', amount: 500, monthlyPayment: 25, payDueDate }] }),
        { now, timeZone: 'Europe/London' },
      );
    // Due at 16:00 today: overdue from 16:00:00.001 (the flag needs "more than 0 ms late").
    const dueToday = dueAt(d('2026-04-15T16:00:00Z'));
    expect(figuresValidUntil(dueToday, null, NOW)).toEqual(d('2026-04-15T16:00:00.001Z'));
    // Due two days ago at 07:00: "3 days overdue" from 07:00 tomorrow, after midnight, so midnight first.
    expect(figuresValidUntil(dueAt(d('2026-04-13T07:00:00Z')), null, NOW)).toEqual(d('2026-04-15T23:00:00Z'));
    // Due two days ago at 11:00: the day count steps at 11:00 today.
    expect(figuresValidUntil(dueAt(d('2026-04-13T11:00:00Z')), null, NOW)).toEqual(d('2026-04-15T11:00:00Z'));
    // Paid off: no step.
    const paid = buildFinancialContext(
      inputs({
        debts: [{ id: 'd1', name: 'Card', amount: 500, monthlyPayment: 25, completionRatio: 100, payDueDate: NOW }],
      }),
      { now: NOW, timeZone: 'Europe/London' },
    );
    expect(paid.debts.items[0].status).toBe('paid');
    expect(figuresValidUntil(paid, null, NOW)).toEqual(d('2026-04-15T23:00:00Z'));
  });

  it('is always after now, so a snapshot is usable at least once', () => {
    const rich = buildFinancialContext(richInputs(), { now: NOW, timeZone: 'Europe/London' });
    expect(figuresValidUntil(rich, NOW, NOW).getTime()).toBeGreaterThan(NOW.getTime());
  });
});
