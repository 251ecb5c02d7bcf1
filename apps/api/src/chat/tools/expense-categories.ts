import type { CategoryScope } from '@app/database';
import { buildLedger, normaliseName, type Bucket, type CategorySource, type MonthKey } from '@app/finance';

/**
 * The category of an expense as the financial context decides it, by the library's own ledger: its budget's
 * category when the budget is known (the user's own, or a partner's household one), an unknown budget's rows
 * Uncategorised, an unbudgeted name classified by keywords or counted as savings when it is a saving goal's name.
 * Recurring copies arrive with their series' budget already (LedgerSearchRepository), as in the context.
 */

export interface ExpenseCategory {
  category: string;
  bucket: Bucket;
  source: CategorySource;
}

/** An expense as the categoriser needs it: its (series') budget and lower-cased trimmed name. */
export interface ExpenseKey {
  budgetId: string | null;
  nameKey: string;
}

const pairKey = (k: ExpenseKey): string => `${k.budgetId ?? ''}\u0000${k.budgetId ? '' : k.nameKey}`;

export class ExpenseCategories {
  private readonly known = new Map<string, ExpenseCategory>();

  constructor(
    private readonly scope: CategoryScope,
    private readonly opts: { userId: string; timeZone: string; minorDigits: number; month: MonthKey },
  ) {}

  /** Categories of many expenses at once: one pass of the library's ledger over the ones not seen yet. */
  categorise(keys: ExpenseKey[]): ExpenseCategory[] {
    const unseen = new Map<string, ExpenseKey>();
    for (const k of keys) if (!this.known.has(pairKey(k))) unseen.set(pairKey(k), k);
    if (unseen.size) {
      const pending = [...unseen.entries()];
      const month = this.opts.month;
      const ledger = buildLedger(
        {
          userId: this.opts.userId,
          partnerId: this.scope.partnerId,
          window: { from: month, to: month },
          incomeByMonth: [],
          // One row per expense key, in order: the ledger keeps the order of rows inside the window.
          expensesByMonth: pending.map(([, k]) => ({
            month,
            budgetId: k.budgetId,
            // As the context's aggregation: a budgeted row has no name, so an unknown budget stays Uncategorised.
            name: k.budgetId ? null : k.nameKey,
            total: 0,
            count: 0,
          })),
          largestExpensesByMonth: [],
          partnerBudgetSpendByMonth: null,
          budgets: this.scope.budgets,
          debts: [],
          savingGoals: this.scope.savingGoals,
          recurringCandidates: [],
          duplicateCandidates: [],
        },
        { timeZone: this.opts.timeZone, minorDigits: this.opts.minorDigits },
      );
      ledger.expenses.forEach((row, i) =>
        this.known.set(pending[i][0], { category: row.category, bucket: row.bucket, source: row.categorySource }),
      );
    }
    return keys.map((k) => this.known.get(pairKey(k)) as ExpenseCategory);
  }

  of(key: ExpenseKey): ExpenseCategory {
    return this.categorise([key])[0];
  }
}

/**
 * Whether a category answers the one asked for: the same words ('essential needs' for 'Essential(Needs)'), or the
 * asked words as a whole phrase of it ('needs', 'wants', or 'food' for a free-text 'Food & drink').
 */
export function categoryMatches(category: string, wanted: string): boolean {
  const want = normaliseName(wanted);
  if (!want) return false;
  const have = normaliseName(category);
  return have === want || ` ${have} `.includes(` ${want} `);
}
