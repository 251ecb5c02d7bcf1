import type { SavingGoalInput } from './inputs';
import { pct, toMinorOrZero } from './money';
import { DEFAULT_TIME_ZONE, monthKey, monthsBetween } from './periods';

/**
 * Progress of saving goals. `completeDate` is read as the date by which the goal should be reached; months left
 * count whole calendar months from now's month to that month (April -> June = 2), the conservative reading.
 */

export interface SavingGoalProgress {
  id: string;
  name: string;
  totalMinor: number;
  savedMinor: number;
  remainingMinor: number;
  progressPct: number | null;
  monthlyTargetMinor: number;
  completed: boolean;
  targetDate: string | null;
  monthsLeft: number | null;
  /** Months needed at the monthly target: ceil(remaining / monthlyTarget); null without a target. */
  monthsNeededAtTarget: number | null;
  /** ceil(remaining / monthsLeft); the whole remainder when the date is this month or past. */
  requiredMonthlyMinor: number | null;
  /** monthlyTarget * monthsLeft covers the remainder; null without a target date. */
  onTrack: boolean | null;
}

export function savingGoalsProgress(
  goals: SavingGoalInput[],
  now: Date,
  timeZone = DEFAULT_TIME_ZONE,
  minorDigits = 2,
): SavingGoalProgress[] {
  const nowMonth = monthKey(now, timeZone);
  return goals
    .map((g) => {
      const totalMinor = Math.max(0, toMinorOrZero(g.totalAmount, minorDigits));
      const savedMinor = Math.max(0, toMinorOrZero(g.savedMoney, minorDigits));
      const monthlyTargetMinor = Math.max(0, toMinorOrZero(g.monthlyTarget, minorDigits));
      const remainingMinor = Math.max(0, totalMinor - savedMinor);
      const completed = isGoalComplete(g, minorDigits);
      const target = g.completeDate instanceof Date && !Number.isNaN(g.completeDate.getTime()) ? g.completeDate : null;
      const monthsLeft = target ? Math.max(0, monthsBetween(nowMonth, monthKey(target, timeZone))) : null;
      let requiredMonthlyMinor: number | null = null;
      let onTrack: boolean | null = null;
      if (!completed && monthsLeft !== null) {
        requiredMonthlyMinor = monthsLeft === 0 ? remainingMinor : Math.ceil(remainingMinor / monthsLeft);
        onTrack = monthlyTargetMinor * monthsLeft >= remainingMinor;
      } else if (completed) {
        requiredMonthlyMinor = 0;
        onTrack = true;
      }
      return {
        id: g.id,
        name: g.name,
        totalMinor,
        savedMinor,
        remainingMinor: completed ? 0 : remainingMinor,
        progressPct: pct(Math.min(savedMinor, totalMinor), totalMinor),
        monthlyTargetMinor,
        completed,
        targetDate: target ? target.toISOString() : null,
        monthsLeft,
        monthsNeededAtTarget: completed
          ? 0
          : monthlyTargetMinor > 0
            ? Math.ceil(remainingMinor / monthlyTargetMinor)
            : null,
        requiredMonthlyMinor,
        onTrack,
      };
    })
    .sort(
      (a, b) =>
        Number(a.completed) - Number(b.completed) ||
        (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1),
    );
}

/**
 * A goal is complete when the main backend says so or when `savedMoney` has reached `totalAmount` (its flag lags:
 * only its month-end job sets it).
 */
export function isGoalComplete(g: SavingGoalInput, minorDigits = 2): boolean {
  const totalMinor = Math.max(0, toMinorOrZero(g.totalAmount, minorDigits));
  return g.isCompleted === true || (totalMinor > 0 && toMinorOrZero(g.savedMoney, minorDigits) >= totalMinor);
}

/**
 * Monthly targets of the goals still open: what the user plans to put aside each month. A plan, not money moved:
 * 50/30/20 and the savings rate count only money actually moved to savings.
 */
export function monthlySavingTargetsMinor(goals: SavingGoalInput[], minorDigits = 2): number {
  return goals
    .filter((g) => !isGoalComplete(g, minorDigits))
    .reduce((s, g) => s + Math.max(0, toMinorOrZero(g.monthlyTarget, minorDigits)), 0);
}
