import { addDaysToDateKey, localDateKey, startOfLocalDay, type FinancialContext } from '@app/finance';

const DAY_MS = 86_400_000;

/**
 * The first moment after `now` at which figures computed at `now` can change with no record changing: the next
 * local midnight in the context's zone ("day 15 of 30", today's date, month edges), the earliest income or expense
 * copy dated after now (it turns from upcoming into "so far"), and, for each active debt with a due date, the next
 * moment its overdue flag starts or its days overdue go up (both counted in whole 24-hour steps from the due date).
 */
export function figuresValidUntil(context: FinancialContext, nextUpcomingAt: Date | null, now: Date): Date {
  const t = now.getTime();
  const candidates = [nextLocalMidnight(now, context.timeZone).getTime()];
  if (nextUpcomingAt && nextUpcomingAt.getTime() > t) candidates.push(nextUpcomingAt.getTime());
  const graceMs = context.thresholds.overdueGraceDays * DAY_MS;
  for (const debt of context.debts.items) {
    if (debt.status !== 'active' || !debt.payDueDate) continue;
    const due = Date.parse(debt.payDueDate);
    if (Number.isNaN(due)) continue;
    // The flag needs `now - due > grace`: it starts 1 ms after the grace ends, then its day count steps daily.
    const flagStarts = due + graceMs + 1;
    candidates.push(t < flagStarts ? flagStarts : due + (Math.floor((t - due) / DAY_MS) + 1) * DAY_MS);
  }
  return new Date(Math.min(...candidates));
}

export function nextLocalMidnight(now: Date, timeZone: string): Date {
  const [y, m, d] = addDaysToDateKey(localDateKey(now, timeZone), 1).split('-').map(Number);
  return startOfLocalDay(y, m, d, timeZone);
}
