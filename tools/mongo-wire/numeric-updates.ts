/**
 * $inc/$mul/$min/$max on NumberLong and Decimal128 fields.
 *
 * mingo's arithmetic update operators only understand JS numbers: they skip
 * (silently!) any other field type. For plain field paths we therefore do the
 * arithmetic here, keeping mongod's result types (long+int stays long,
 * anything with a decimal is an exact decimal), reject non-numeric targets
 * with mongod's TypeMismatch error, and hand the results to mingo as $set.
 * Paths using positional operators (`$`, `$[]`, `$[id]`) are left to mingo.
 */
import { Decimal128, Long } from 'bson';
import { CommandError } from './errors';
import { formatValue, isDecimal128, isLong, isNumeric, isPlainObject, toNumber, type Doc } from './values';

const ARITHMETIC_OPERATORS = ['$inc', '$mul', '$min', '$max'] as const;
type ArithmeticOperator = (typeof ARITHMETIC_OPERATORS)[number];

/** Rewrites `modifier` so mingo never sees wide-number arithmetic; validates operand/target types. */
export function resolveWideArithmetic(doc: Doc, modifier: Doc): Doc {
  let result = modifier;
  for (const op of ARITHMETIC_OPERATORS) {
    const spec = modifier[op];
    if (!isPlainObject(spec)) continue;
    for (const [path, operand] of Object.entries(spec)) {
      if ((op === '$inc' || op === '$mul') && !isNumeric(operand)) {
        const verb = op === '$inc' ? 'increment' : 'multiply';
        throw new CommandError(
          'TypeMismatch',
          `Cannot ${verb} with non-numeric argument: {${path}: ${formatValue(operand)}}`,
        );
      }
      if (path.split('.').some((p) => p.startsWith('$'))) continue;
      const current = readPath(doc, path);
      if ((op === '$inc' || op === '$mul') && current.found && !isNumeric(current.value)) {
        throw new CommandError(
          'TypeMismatch',
          `Cannot apply ${op} to a value of non-numeric type. {_id: ${formatValue(doc._id)}} has the field '${path.split('.').pop()}' of non-numeric type ${typeName(current.value)}`,
        );
      }
      const wide = isWide(operand) || (current.found && isWide(current.value));
      if (!wide) continue;
      const value = compute(op, current.found ? current.value : undefined, operand);
      if (result === modifier) result = { ...modifier };
      const remaining = { ...(result[op] as Doc) };
      delete remaining[path];
      result[op] = remaining;
      if (value !== NO_CHANGE) result.$set = { ...(isPlainObject(result.$set) ? result.$set : {}), [path]: value };
    }
  }
  return result;
}

const NO_CHANGE = Symbol('no change');

function isWide(v: unknown): boolean {
  return isLong(v) || isDecimal128(v);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (isPlainObject(v)) return 'object';
  if (v instanceof Date) return 'date';
  return typeof v === 'object' ? String((v as { _bsontype?: string })._bsontype ?? 'object').toLowerCase() : typeof v;
}

function readPath(doc: Doc, path: string): { found: boolean; value?: unknown } {
  let value: unknown = doc;
  for (const part of path.split('.')) {
    if (Array.isArray(value) && /^\d+$/.test(part)) value = value[Number(part)];
    else if (isPlainObject(value) && Object.prototype.hasOwnProperty.call(value, part)) value = value[part];
    else return { found: false };
    if (value === undefined) return { found: false };
  }
  return { found: true, value };
}

function compute(op: ArithmeticOperator, current: unknown, operand: unknown): unknown {
  if (op === '$min' || op === '$max') {
    if (current === undefined) return operand;
    const cmp = compareNumeric(operand, current);
    return (op === '$min' ? cmp < 0 : cmp > 0) ? operand : NO_CHANGE;
  }
  const base = current === undefined ? 0 : current;
  if (isDecimal128(base) || isDecimal128(operand)) {
    const a = parseDecimal(base);
    const b = parseDecimal(operand);
    if (!a || !b)
      return Decimal128.fromString(
        String(op === '$inc' ? toNumber(base) + toNumber(operand) : toNumber(base) * toNumber(operand)),
      );
    const exact = op === '$inc' ? addDecimal(a, b) : { coef: a.coef * b.coef, exp: a.exp + b.exp };
    return toDecimal128(exact);
  }
  const integral = (v: unknown): boolean => isLong(v) || (typeof v === 'number' && Number.isInteger(v));
  if (integral(base) && integral(operand)) {
    const x = isLong(base) ? base : Long.fromNumber(base as number);
    const y = isLong(operand) ? operand : Long.fromNumber(operand as number);
    return op === '$inc' ? x.add(y) : x.multiply(y);
  }
  // long with a double yields a double, as in mongod
  return op === '$inc' ? toNumber(base) + toNumber(operand) : toNumber(base) * toNumber(operand);
}

function compareNumeric(a: unknown, b: unknown): number {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  if (x && y) {
    const diff = addDecimal(x, { coef: -y.coef, exp: y.exp }).coef;
    return diff < 0n ? -1 : diff > 0n ? 1 : 0;
  }
  const n = toNumber(a) - toNumber(b);
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

interface ExactDecimal {
  coef: bigint;
  exp: number;
}

/** Exact decimal for numbers, Longs and finite Decimal128s; null for NaN/Infinity. */
function parseDecimal(v: unknown): ExactDecimal | null {
  const text = isDecimal128(v) || isLong(v) ? v.toString() : typeof v === 'number' ? String(v) : null;
  if (text === null) return null;
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m || (m[2] === '' && !m[3])) return null;
  const fraction = m[3] ?? '';
  const coef = BigInt(`${m[2] || '0'}${fraction}`);
  return { coef: m[1] === '-' ? -coef : coef, exp: Number(m[4] ?? 0) - fraction.length };
}

function addDecimal(a: ExactDecimal, b: ExactDecimal): ExactDecimal {
  const exp = Math.min(a.exp, b.exp);
  return { coef: a.coef * 10n ** BigInt(a.exp - exp) + b.coef * 10n ** BigInt(b.exp - exp), exp };
}

function toDecimal128({ coef, exp }: ExactDecimal): Decimal128 {
  const sign = coef < 0n ? '-' : '';
  const digits = (coef < 0n ? -coef : coef).toString();
  let text: string;
  if (exp >= 0) text = `${sign}${digits}E+${exp}`;
  else {
    const point = digits.length + exp;
    text =
      point > 0 ? `${sign}${digits.slice(0, point)}.${digits.slice(point)}` : `${sign}0.${'0'.repeat(-point)}${digits}`;
  }
  return Decimal128.fromStringWithRounding(text);
}
