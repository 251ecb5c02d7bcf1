import { d } from './fixtures.testing';
import { monthlySavingTargetsMinor, savingGoalsProgress } from './saving-goals';

const now = d('2026-04-15T10:00:00Z');

describe('savingGoalsProgress', () => {
  const goals = [
    {
      id: 'g1',
      name: 'Holiday',
      totalAmount: 1000,
      monthlyTarget: 100,
      savedMoney: 250,
      completeDate: d('2026-10-01T00:00:00Z'),
      isCompleted: false,
    },
    { id: 'g2', name: 'Bike', totalAmount: 500, monthlyTarget: 50, savedMoney: 500, isCompleted: true },
    { id: 'g3', name: 'Rainy day', totalAmount: 300, monthlyTarget: null, savedMoney: 0.1 + 0.2, isCompleted: false },
    {
      id: 'g4',
      name: 'Laptop',
      totalAmount: 800,
      monthlyTarget: 100,
      savedMoney: 600,
      completeDate: d('2026-02-01T00:00:00Z'),
      isCompleted: false,
    },
  ];
  const p = Object.fromEntries(savingGoalsProgress(goals, now).map((g) => [g.id, g]));

  it('works out progress, time left and the monthly amount needed', () => {
    // remaining 100000 - 25000 = 75000; April -> October = 6 months; ceil(75000 / 6) = 12500;
    // at 10000 a month 6 months give 60000 < 75000: behind; ceil(75000 / 10000) = 8 months needed
    expect(p.g1).toEqual({
      id: 'g1',
      name: 'Holiday',
      totalMinor: 100000,
      savedMinor: 25000,
      remainingMinor: 75000,
      progressPct: 25,
      monthlyTargetMinor: 10000,
      completed: false,
      targetDate: '2026-10-01T00:00:00.000Z',
      monthsLeft: 6,
      monthsNeededAtTarget: 8,
      requiredMonthlyMinor: 12500,
      onTrack: false,
    });
  });

  it('handles completed goals, goals without date or target, and past dates', () => {
    expect(p.g2).toMatchObject({
      completed: true,
      remainingMinor: 0,
      progressPct: 100,
      onTrack: true,
      monthsNeededAtTarget: 0,
    });
    // saved 0.1 + 0.2 -> 30; 30 / 30000 = 0.1%
    expect(p.g3).toMatchObject({
      savedMinor: 30,
      progressPct: 0.1,
      monthsLeft: null,
      onTrack: null,
      monthsNeededAtTarget: null,
      requiredMonthlyMinor: null,
    });
    // target February, now April: the whole 20000 is needed now
    expect(p.g4).toMatchObject({ monthsLeft: 0, requiredMonthlyMinor: 20000, onTrack: false });
  });

  it('lists open goals first, by name', () => {
    expect(savingGoalsProgress(goals, now).map((g) => g.id)).toEqual(['g1', 'g4', 'g3', 'g2']);
  });

  it('sums monthly targets of goals not completed', () => {
    expect(monthlySavingTargetsMinor(goals)).toBe(20000); // 10000 + 0 + 10000
  });
});
