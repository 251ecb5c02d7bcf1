/**
 * Operator updates limited to `$set`, `$inc`, `$max` and `$min` on plain
 * top-level fields, applied without mingo's updater (whose per-call setup
 * dominates small updates). Each operator mirrors the mingo operator it stands
 * in for, using mingo's own isEqual/compare/cloneDeep, in mingo's order
 * (operators, then fields, as written), so field order and values match.
 * Anything else, including every case where update.ts or numeric-updates.ts
 * would step in or raise an error, returns undefined and takes the mingo path.
 */
import { fastPaths } from './fast-paths';
import { cloneDeep, compare, isEqual } from './mingo-util';
import { isDecimal128, isLong, isPlainObject, type Doc } from './values';

const SIMPLE_OPERATORS = new Set(['$set', '$inc', '$max', '$min']);

/** Dotted and `$` paths need path walking; `_id` has immutability rules; prototype names are not data. */
function isPlainField(field: string): boolean {
  return (
    field.length > 0 && field !== '_id' && !field.includes('.') && !field.includes('$') && !(field in Object.prototype)
  );
}

/** A JS number mingo's arithmetic accepts (`isNumber` rejects NaN). */
const isPlainNumber = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);

/** Operands whose ordering is plain: both numbers or both Dates (wide numbers belong to numeric-updates.ts). */
function plainlyOrdered(current: unknown, operand: unknown): boolean {
  if (isPlainNumber(operand)) return isPlainNumber(current);
  if (operand instanceof Date) return current instanceof Date && !Number.isNaN(current.getTime());
  return false;
}

const has = (doc: Doc, field: string): boolean => Object.prototype.hasOwnProperty.call(doc, field);

/** Applies one field's operator to `next` in place; false when the case is not handled here. */
function applyField(next: Doc, op: string, field: string, operand: unknown): boolean {
  const present = has(next, field);
  const current: unknown = next[field];
  switch (op) {
    case '$set':
      if (!isEqual(current, operand)) next[field] = cloneDeep(operand);
      return true;
    case '$inc':
      if (!isPlainNumber(operand) || (present && !isPlainNumber(current))) return false;
      next[field] = ((current as number | undefined) || 0) + operand;
      return true;
    case '$max':
    case '$min':
      if (isLong(operand) || isDecimal128(operand)) return false;
      if (!present) {
        if (!isPlainNumber(operand) && !(operand instanceof Date)) return false;
        next[field] = operand;
        return true;
      }
      if (!plainlyOrdered(current, operand)) return false;
      if (op === '$max' ? compare(current, operand) < 0 : compare(current, operand) > 0) next[field] = operand;
      return true;
  }
  return false;
}

/**
 * The updated copy of `doc`, or undefined when `modifier` needs the general
 * path. Unchanged fields are shared with `doc`: stored documents are never
 * mutated, so versions may share what neither changes.
 */
export function applySimpleOperators(doc: Doc, modifier: Doc): Doc | undefined {
  if (!fastPaths.enabled) return undefined;
  const seen = new Set<string>();
  for (const op of Object.keys(modifier)) {
    const spec = modifier[op];
    if (!SIMPLE_OPERATORS.has(op) || !isPlainObject(spec)) return undefined;
    for (const field of Object.keys(spec)) {
      // The same field under two operators is a conflict error mingo raises.
      if (!isPlainField(field) || seen.has(field)) return undefined;
      seen.add(field);
    }
  }
  const next: Doc = { ...doc };
  for (const op of Object.keys(modifier)) {
    const spec = modifier[op] as Doc;
    for (const field of Object.keys(spec)) if (!applyField(next, op, field, spec[field])) return undefined;
  }
  fastPaths.updates++;
  return next;
}
