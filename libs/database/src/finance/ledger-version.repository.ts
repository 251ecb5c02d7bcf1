import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types, type PipelineStage } from 'mongoose';
import type { UserDoc } from '../main-backend/schemas';
import { isObjectIdHex, toObjectId } from '../object-id';
import { FinanceUserNotFoundError } from './finance-inputs.repository';

/** The main backend's collections whose records a user's figures are computed from, in hash order. */
export const LEDGER_COLLECTIONS = ['incomes', 'expenses', 'budgets', 'debts', 'savinggoals'] as const;

/** The index on each ledger collection that lets the probe read one entry per collection (README asks for it). */
export const FRESHNESS_INDEX = { userId: 1, updatedAt: -1 } as const;
type LedgerCollection = (typeof LEDGER_COLLECTIONS)[number];

/** A partner's household budgets and their spending on them enter the user's figures; nothing else of theirs does. */
const PARTNER_COLLECTIONS = ['expenses', 'budgets'] as const satisfies readonly LedgerCollection[];

/**
 * Stands in for "no partner" in the partner's lookup: a missing or null `let` operand makes MongoDB skip the index
 * and scan `users`, while an ObjectId no user has keeps the lookup an empty `_id` index probe.
 */
const NO_PARTNER = new Types.ObjectId('000000000000000000000000');

/** One row of the probe's answer: `c` says which read it is (`users` is the user's own document). */
interface ProbeRow {
  c: 'users' | LedgerCollection;
  updatedAt?: unknown;
  partnerId?: unknown;
  status?: unknown;
  partner?: Array<{
    partnerId?: unknown;
    status?: unknown;
    isDeleted?: unknown;
    updatedAt?: unknown;
    expenses?: Array<{ updatedAt?: unknown }>;
    budgets?: Array<{ updatedAt?: unknown }>;
  }>;
}

/**
 * A short fingerprint of everything a user's figures are computed from, read in ONE aggregate command (one round
 * trip) whose cost does not grow with the ledger: the user's document (partner link, status, own `updatedAt`), the
 * partner's document, and the newest `updatedAt` of the user's rows in each of the main backend's collections
 * (and of the partner's expenses and budgets). The main backend soft-deletes (`isDeleted` with timestamps), so
 * adding, editing or deleting a record moves its collection's newest `updatedAt`; the soft-deleted rows are read
 * on purpose. Linking, unlinking, blocking or deleting a partner moves one of the two user documents.
 *
 * With an index `{ userId: 1, updatedAt: -1 }` on each collection (README: "Pointing it at the main backend") every
 * read is one index entry plus its document: the user by `_id`; the user's own rows by `$unionWith` sub-pipelines
 * whose `$match` is a constant (the user id is known before the command), so the index also gives the sort; the
 * partner (whose id is only on the user document) by `$lookup` with `let` and `$expr: { $eq }`, which MongoDB 5.0+
 * answers from the `_id` index; the partner's expenses and budgets by `$lookup`s nested in that one, keyed on the
 * partner's `_id` (so they run only when there is a partner), from the same `{ userId, updatedAt }` indexes. That is
 * what lets `POST /reports` and the financial snapshot decide "nothing changed" for a user with 50,000 expenses as
 * cheaply as for one with 5.
 */
@Injectable()
export class LedgerVersionRepository {
  constructor(@InjectModel('User') private readonly users: Model<UserDoc>) {}

  /** Throws FinanceUserNotFoundError for an unknown or soft-deleted user. */
  async versionOf(userId: string): Promise<string> {
    if (!isObjectIdHex(userId)) throw new FinanceUserNotFoundError(userId);
    // The read-only plugin puts `isDeleted: { $ne: true }` first: a soft-deleted user yields no `users` row.
    const rows = await this.users.aggregate<ProbeRow>(ledgerProbe(toObjectId(userId))).exec();
    const account = rows.find((r) => r.c === 'users');
    if (!account) throw new FinanceUserNotFoundError(userId);
    const newest = (c: LedgerCollection) => millis(rows.find((r) => r.c === c)?.updatedAt);
    const partner = account.partner?.[0];
    const state = [
      [account.partnerId ? String(account.partnerId) : null, account.status ?? null, millis(account.updatedAt)],
      partner
        ? [partner.partnerId ? String(partner.partnerId) : null, partner.status ?? null, partner.isDeleted === true]
        : null,
      partner ? millis(partner.updatedAt) : 0,
      ...PARTNER_COLLECTIONS.map((c) => millis(partner?.[c]?.[0]?.updatedAt)),
      ...LEDGER_COLLECTIONS.map(newest),
    ];
    return createHash('sha256').update(JSON.stringify(state)).digest('hex').slice(0, 32);
  }
}

/** The whole probe as one pipeline on `users` (exported for the test MongoDB's specs, which answer it). */
export function ledgerProbe(uid: Types.ObjectId): PipelineStage[] {
  // Nested in the partner's lookup, these run only when there is a partner document, keyed on its `_id`.
  const partnerRows = PARTNER_COLLECTIONS.map((coll): PipelineStage.Lookup => ({
    $lookup: {
      from: coll,
      let: { pid: '$_id' },
      pipeline: [{ $match: { $expr: { $eq: ['$userId', '$$pid'] } } }, ...newestRow()],
      as: coll,
    },
  }));
  return [
    { $match: { _id: uid } },
    { $project: { _id: 0, c: { $literal: 'users' }, partnerId: 1, status: 1, updatedAt: 1 } },
    {
      $lookup: {
        from: 'users',
        let: { p: { $ifNull: ['$partnerId', NO_PARTNER] } },
        // Deleted or not: a partner's deletion must change the version too.
        pipeline: [
          { $match: { $expr: { $eq: ['$_id', '$$p'] } } },
          ...partnerRows,
          {
            $project: { _id: 0, partnerId: 1, status: 1, isDeleted: 1, updatedAt: 1, ...fieldsOf(PARTNER_COLLECTIONS) },
          },
        ],
        as: 'partner',
      },
    },
    ...LEDGER_COLLECTIONS.map((coll): PipelineStage.UnionWith => ({
      $unionWith: { coll, pipeline: [{ $match: { userId: uid } }, ...newestRow(coll)] },
    })),
  ];
}

/** The newest row by `updatedAt`, soft-deleted ones included (their `updatedAt` is when they were deleted). */
function newestRow(tag?: LedgerCollection): [PipelineStage.Sort, PipelineStage.Limit, PipelineStage.Project] {
  return [
    { $sort: { updatedAt: -1 } },
    { $limit: 1 },
    { $project: { _id: 0, updatedAt: 1, ...(tag ? { c: { $literal: tag } } : {}) } },
  ];
}

function fieldsOf(names: readonly string[]): Record<string, 1> {
  return Object.fromEntries(names.map((n) => [n, 1]));
}

function millis(v: unknown): number {
  return v instanceof Date && !Number.isNaN(v.getTime()) ? v.getTime() : 0;
}
