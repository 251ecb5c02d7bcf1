import { Types } from 'mongoose';
import { isObjectIdHex } from './object-id';

/** Opaque keyset cursor: (a sort date, the _id tie-breaker). Stable under inserts, unlike skip/limit. */
export interface Cursor {
  at: Date;
  id: Types.ObjectId;
}

export function encodeCursor(at: Date, id: Types.ObjectId | string): string {
  return Buffer.from(`${at.getTime()}:${String(id)}`).toString('base64url');
}

/** Returns null for anything that is not a cursor we issued; callers answer 400. */
export function decodeCursor(raw: string): Cursor | null {
  const text = Buffer.from(raw, 'base64url').toString('utf8');
  const match = /^(\d{1,15}):([0-9a-f]{24})$/.exec(text);
  if (!match || !isObjectIdHex(match[2])) return null;
  return { at: new Date(Number(match[1])), id: new Types.ObjectId(match[2]) };
}

/** Filter for "strictly after the cursor" in a (field desc, _id desc) order. */
export function olderThan(field: string, cursor: Cursor): Record<string, unknown> {
  return { $or: [{ [field]: { $lt: cursor.at } }, { [field]: cursor.at, _id: { $lt: cursor.id } }] };
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Rows fetched with `limit + 1`: the extra row only says whether another page exists. */
export function toPage<T extends { _id: Types.ObjectId }>(
  rows: T[],
  limit: number,
  sortedBy: (row: T) => Date,
): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(sortedBy(last), last._id) : null };
}
