import type { PreparedDebt } from './debts';
import type { Ledger } from './ledger';
import { normaliseName } from './normalise';
import type { MonthKey } from './periods';

/**
 * One source of truth for debt payments: in each month, a debt's payment is EITHER an expense that pays it (already
 * counted in its bucket's spending) OR, when no expense that month pays it, the debt's `monthlyPayment` as a
 * commitment. Never both.
 *
 * An expense row (rows dated up to now) pays an active debt when:
 * 1. by name: its name, or its budget's name, contains the debt's name as whole words ("credit card payment" pays
 *    "Credit card"); of several such rows the one closest to the monthly payment; or, failing that,
 * 2. by amount: its name says it is a debt payment (DEBT_PAYMENT_WORDS) and its amount that month equals the
 *    debt's monthly payment to the penny ("credit card payment" of 300 pays "Barclaycard" at 300 a month).
 * A row pays at most one debt and a debt is paid by at most one row a month; debts are matched in id order, so the
 * result does not depend on input order.
 */

export const DEBT_PAYMENT_WORDS: readonly string[] = Object.freeze([
  'loan',
  'credit card',
  'card payment',
  'card repayment',
  'repayment',
  'debt',
  'overdraft',
  'finance',
  'mortgage',
  'klarna',
  'clearpay',
  'paypal credit',
]);

const DEBT_PAYMENT_RES = DEBT_PAYMENT_WORDS.map((w) => new RegExp(`(?:^| )${w}s?(?= |$)`));

export interface DebtPaymentMatch {
  debtId: string;
  month: MonthKey;
  amountMinor: number;
  by: 'name' | 'amount';
}

export interface DebtPaymentsInPeriod {
  /** Expenses found paying a debt: already part of their bucket's spending. */
  recordedMinor: number;
  /** The monthly payment of every active debt, for each month of the period in which no expense paid it. */
  notRecordedMinor: number;
  matches: DebtPaymentMatch[];
}

const containsWords = (haystack: string, needle: string): boolean =>
  needle !== '' && ` ${haystack} `.includes(` ${needle} `);

export function debtPaymentsInPeriod(ledger: Ledger, months: MonthKey[], debts: PreparedDebt[]): DebtPaymentsInPeriod {
  const active = debts
    .filter((d) => !d.paid && d.minPaymentMinor > 0)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const matches: DebtPaymentMatch[] = [];
  let notRecordedMinor = 0;
  for (const month of months) {
    const rows = ledger.expenses
      .filter((r) => r.month === month && r.amountMinor > 0)
      .map((r) => {
        const budget = r.budgetId ? ledger.budgetsById.get(r.budgetId) : undefined;
        return { row: r, names: [r.nameKey, budget ? normaliseName(budget.name) : ''].filter((n) => n !== '') };
      });
    const used = new Set<number>();
    const unmatched: PreparedDebt[] = [];
    for (const debt of active) {
      const debtName = normaliseName(debt.name);
      let best = -1;
      rows.forEach((c, i) => {
        if (used.has(i) || !c.names.some((n) => containsWords(n, debtName))) return;
        const gap = Math.abs(c.row.amountMinor - debt.minPaymentMinor);
        if (best < 0 || gap < Math.abs(rows[best].row.amountMinor - debt.minPaymentMinor)) best = i;
      });
      if (best < 0) {
        unmatched.push(debt);
        continue;
      }
      used.add(best);
      matches.push({ debtId: debt.id, month, amountMinor: rows[best].row.amountMinor, by: 'name' });
    }
    for (const debt of unmatched) {
      const i = rows.findIndex(
        (c, k) =>
          !used.has(k) &&
          c.row.amountMinor === debt.minPaymentMinor &&
          c.names.some((n) => DEBT_PAYMENT_RES.some((re) => re.test(n))),
      );
      if (i < 0) {
        notRecordedMinor += debt.minPaymentMinor;
        continue;
      }
      used.add(i);
      matches.push({ debtId: debt.id, month, amountMinor: rows[i].row.amountMinor, by: 'amount' });
    }
  }
  return { recordedMinor: matches.reduce((s, m) => s + m.amountMinor, 0), notRecordedMinor, matches };
}
