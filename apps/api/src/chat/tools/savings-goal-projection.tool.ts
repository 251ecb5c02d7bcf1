import { Injectable } from '@nestjs/common';
import {
  addMonthsToDateKey,
  fromMinor,
  localDateKey,
  normaliseName,
  savingGoalsProgress,
  type SavingGoalProgress,
} from '@app/finance';
import { ToolInputError, type ChatTool, type ToolContext, type ToolResult } from './chat-tool';
import { argumentMinor, displayName, ToolFigures } from './tool-support';

export type SavingsGoalProjectionArgs = {
  goal: string;
  monthlyContribution?: number;
};

export const GOAL_ARG_MAX_CHARS = 100;
export const GOAL_CONTRIBUTION_MAX = 1_000_000;
/** Beyond this a date is not a plan anyone can act on; the months are still given. */
export const GOAL_HORIZON_MONTHS = 1200;
/** Goal names listed back when the one asked for is not found or is ambiguous. */
const GOALS_LISTED = 10;

/**
 * When one of the user's own saving goals is reached at a monthly contribution (default: its monthly target), by the
 * library's goal progress (months needed = remaining / contribution, rounded up). Goals come from the snapshot, which
 * holds only this user's goals: another user's goal id or name is simply not found.
 */
@Injectable()
export class SavingsGoalProjectionTool implements ChatTool<SavingsGoalProjectionArgs> {
  readonly name = 'savings_goal_projection';
  readonly description =
    "Project when one of the user's saving goals is reached at a monthly contribution (default: the goal's own " +
    'monthly target): months needed, the date it is reached, what is left to save, and whether that meets the ' +
    "goal's target date.";
  readonly parameters = {
    type: 'object',
    properties: {
      goal: {
        type: 'string',
        minLength: 1,
        maxLength: GOAL_ARG_MAX_CHARS,
        description: "The goal's name (or id) as the user has it.",
      },
      monthlyContribution: {
        type: 'number',
        minimum: 0,
        maximum: GOAL_CONTRIBUTION_MAX,
        description: "Amount saved each month (major units); default the goal's monthly target.",
      },
    },
    required: ['goal'],
    additionalProperties: false,
  };

  run(args: SavingsGoalProjectionArgs, ctx: ToolContext): Promise<ToolResult> {
    const goal = findGoal(ctx.snapshot.savingGoals.items, args.goal);
    const f = new ToolFigures(this.name, ctx);
    const name = displayName(goal.name);
    const data: Record<string, unknown> = {
      goal: name,
      target: f.amount('total', `Goal "${name}": amount to save`, goal.totalMinor),
      saved: f.amount('saved', `Goal "${name}": saved so far`, goal.savedMinor),
      progress: f.percent('progress', `Goal "${name}": progress`, goal.progressPct),
    };
    if (goal.completed) {
      data.completed = true;
      return Promise.resolve({
        data,
        facts: f.facts(),
        summary: ctx.language === 'bn' ? `"${name}" লক্ষ্যটি ইতিমধ্যে পূরণ হয়েছে` : `"${name}" is already reached`,
      });
    }

    const contributionMinor =
      args.monthlyContribution === undefined
        ? goal.monthlyTargetMinor
        : argumentMinor(args.monthlyContribution, 'monthlyContribution', f.minorDigits);
    const p = project(goal, contributionMinor, ctx, f.minorDigits);
    data.completed = false;
    data.remaining = f.amount('remaining', `Goal "${name}": left to save`, p.remainingMinor);
    data.monthlyContribution = f.amount('monthly', `Goal "${name}": saved each month`, contributionMinor);
    data.contributionSource = args.monthlyContribution === undefined ? "the goal's monthly target" : 'as asked';

    const today = localDateKey(ctx.now, ctx.timeZone);
    const months = p.monthsNeededAtTarget;
    if (months === null) {
      data.note = 'No monthly contribution: at nothing a month the goal is never reached. Ask for an amount.';
    } else {
      data.monthsNeeded = f.count('months_needed', `Goal "${name}": months to reach it`, months, 'months');
      if (months <= GOAL_HORIZON_MONTHS) {
        data.reachedOn = addMonthsToDateKey(today, months);
        f.line('reached_on', `Goal "${name}": reached on`, String(data.reachedOn));
      } else {
        data.note = `More than ${GOAL_HORIZON_MONTHS / 12} years at this amount.`;
      }
    }
    if (p.targetDate) {
      data.targetDate = localDateKey(new Date(p.targetDate), ctx.timeZone);
      f.line('target_date', `Goal "${name}": target date`, String(data.targetDate));
      data.monthsToTargetDate = f.count(
        'months_to_target',
        `Goal "${name}": months left to the target date`,
        p.monthsLeft ?? 0,
        'months',
      );
      if (p.requiredMonthlyMinor !== null) {
        data.neededMonthlyForTargetDate = f.amount(
          'required_monthly',
          `Goal "${name}": needed each month to reach it by the target date`,
          p.requiredMonthlyMinor,
        );
      }
      data.onTrack = p.onTrack;
    }
    return Promise.resolve({ data, facts: f.facts(), summary: summary(ctx, f, name, p, contributionMinor, data) });
  }
}

/** The goal asked for, among the user's own: its id, then the same name, then the only name containing it. */
function findGoal(goals: SavingGoalProgress[], asked: string): SavingGoalProgress {
  const wanted = asked.trim();
  const byId = goals.find((g) => g.id.toLowerCase() === wanted.toLowerCase());
  if (byId) return byId;
  const key = normaliseName(wanted);
  const same = goals.filter((g) => normaliseName(g.name) === key);
  if (same.length === 1) return same[0];
  const containing = same.length ? same : goals.filter((g) => key && normaliseName(g.name).includes(key));
  if (containing.length === 1) return containing[0];
  const names = (list: SavingGoalProgress[]) =>
    list
      .slice(0, GOALS_LISTED)
      .map((g) => `"${displayName(g.name)}"`)
      .join(', ');
  if (containing.length > 1) {
    throw new ToolInputError(`Several saving goals match: ${names(containing)}. Ask with the full name.`);
  }
  if (!goals.length) throw new ToolInputError('The user has no saving goals.');
  throw new ToolInputError(`No saving goal matches that. The user's goals: ${names(goals)}.`);
}

/** The library's progress for this goal at the given contribution, in place of its own monthly target. */
function project(goal: SavingGoalProgress, contributionMinor: number, ctx: ToolContext, minorDigits: number) {
  const [p] = savingGoalsProgress(
    [
      {
        id: goal.id,
        name: goal.name,
        totalAmount: fromMinor(goal.totalMinor, minorDigits),
        savedMoney: fromMinor(goal.savedMinor, minorDigits),
        monthlyTarget: fromMinor(contributionMinor, minorDigits),
        completeDate: goal.targetDate ? new Date(goal.targetDate) : null,
        isCompleted: goal.completed,
      },
    ],
    ctx.now,
    ctx.timeZone,
    minorDigits,
  );
  return p;
}

function summary(
  ctx: ToolContext,
  f: ToolFigures,
  name: string,
  p: SavingGoalProgress,
  contributionMinor: number,
  data: Record<string, unknown>,
): string {
  const bn = ctx.language === 'bn';
  const left = f.money(p.remainingMinor);
  const monthly = f.money(contributionMinor);
  const months = p.monthsNeededAtTarget;
  if (months === null) {
    return bn
      ? `"${name}": আরও ${left} বাকি; মাসিক জমার কোনো পরিমাণ নেই`
      : `"${name}": ${left} to go; no monthly amount is set`;
  }
  const when = typeof data.reachedOn === 'string' ? ` (${data.reachedOn})` : '';
  return bn
    ? `"${name}": আরও ${left} বাকি, মাসে ${monthly} করে জমালে ${months} মাসে${when} লক্ষ্যে পৌঁছাবে`
    : `"${name}": ${left} to go, reached in ${months} months${when} at ${monthly} a month`;
}
