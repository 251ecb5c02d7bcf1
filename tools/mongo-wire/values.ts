/**
 * Helpers for BSON values held in memory: type tests, copying, canonical keys
 * (used for _id lookup and unique indexes), message formatting, and the
 * "matchable view" that lets mingo compare Long/Decimal128 as numbers.
 */
import { BSONRegExp, Decimal128, Long, ObjectId, type Document } from 'bson';

export type Doc = Document;

/** BSON wrapper classes carry `_bsontype`; used instead of instanceof so values from another bson copy still work. */
export function bsonType(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  const t = (v as { _bsontype?: unknown })._bsontype;
  return typeof t === 'string' ? t : undefined;
}

export function isPlainObject(v: unknown): v is Doc {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function isLong(v: unknown): v is Long {
  return bsonType(v) === 'Long';
}

export function isDecimal128(v: unknown): v is Decimal128 {
  return bsonType(v) === 'Decimal128';
}

/** True for any value MongoDB treats as a number. */
export function isNumeric(v: unknown): boolean {
  if (typeof v === 'number') return true;
  const t = bsonType(v);
  return t === 'Long' || t === 'Decimal128' || t === 'Int32' || t === 'Double';
}

/** Numeric value as a JS number (lossy for very large Long/Decimal128, which only matters for ordering). */
export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  const t = bsonType(v);
  if (t === 'Long') return (v as Long).toNumber();
  if (t === 'Decimal128') return Number((v as Decimal128).toString());
  if (t === 'Int32' || t === 'Double') return (v as { valueOf(): number }).valueOf();
  return NaN;
}

/** Reads an integer command argument, tolerating the numeric BSON types drivers may send. */
export function toInteger(v: unknown, fallback: number): number {
  if (v === undefined || v === null) return fallback;
  const n = toNumber(v);
  return Number.isFinite(n) ? Math.trunc(n) : fallback;
}

/**
 * Deep copy of plain objects, arrays and Dates. BSON value classes are
 * immutable in practice and are shared, which keeps their prototypes intact
 * (structuredClone would strip them).
 */
export function cloneDoc<T>(v: T): T {
  if (Array.isArray(v)) return v.map(cloneDoc) as T;
  if (v instanceof Date) return new Date(v.getTime()) as T;
  if (isPlainObject(v)) {
    const out: Doc = {};
    for (const k of Object.keys(v)) out[k] = cloneDoc(v[k]);
    return out as T;
  }
  return v;
}

/**
 * Canonical string for a value under MongoDB equality: numbers of every BSON
 * type compare by value (1 == 1.0 == NumberLong(1)), embedded documents are
 * field-order sensitive, and null/missing are the same index key.
 */
export function valueKey(v: unknown): string {
  if (v === null || v === undefined) return 'z';
  switch (typeof v) {
    case 'number':
      return numberKey(v);
    case 'string':
      return `s${JSON.stringify(v)}`;
    case 'boolean':
      return v ? 'bT' : 'bF';
    case 'bigint':
      return numberKey(Number(v));
  }
  if (Array.isArray(v)) return `a[${v.map(valueKey).join(',')}]`;
  if (v instanceof Date) return `d${v.getTime()}`;
  if (v instanceof RegExp) return `r/${v.source}/${v.flags}`;
  if (isPlainObject(v)) {
    return `o{${Object.keys(v)
      .map((k) => `${JSON.stringify(k)}:${valueKey(v[k])}`)
      .join(',')}}`;
  }
  const t = bsonType(v);
  switch (t) {
    case 'ObjectId':
      return `i${(v as ObjectId).toHexString()}`;
    case 'Long':
      return (v as Long).lessThanOrEqual(Long.fromNumber(Number.MAX_SAFE_INTEGER)) &&
        (v as Long).greaterThanOrEqual(Long.fromNumber(Number.MIN_SAFE_INTEGER))
        ? numberKey((v as Long).toNumber())
        : `n${(v as Long).toString()}`;
    case 'Decimal128':
    case 'Int32':
    case 'Double':
      return numberKey(toNumber(v));
    case 'BSONRegExp':
      return `r/${(v as BSONRegExp).pattern}/${(v as BSONRegExp).options}`;
    case 'Binary': {
      const bin = v as { sub_type: number; buffer: Uint8Array };
      return `x${bin.sub_type}:${Buffer.from(bin.buffer).toString('base64')}`;
    }
    case 'MinKey':
    case 'MaxKey':
      return t;
  }
  return `${t ?? (v as object).constructor?.name ?? 'object'}:${String(v)}`;
}

function numberKey(n: number): string {
  if (Number.isNaN(n)) return 'nNaN';
  return `n${n === 0 ? 0 : n}`; // folds -0 into 0
}

/** Strict structural equality (the test `nModified` uses to tell a no-op update). */
export function sameValue(a: unknown, b: unknown): boolean {
  return valueKey(a) === valueKey(b);
}

/**
 * Renders a value the way mongod prints it in error messages such as
 * `E11000 duplicate key error ... dup key: { email: "a@b.c" }`.
 */
export function formatValue(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  if (Array.isArray(v)) return `[ ${v.map(formatValue).join(', ')} ]`;
  if (isPlainObject(v)) {
    const keys = Object.keys(v);
    return keys.length ? `{ ${keys.map((k) => `${k}: ${formatValue(v[k])}`).join(', ')} }` : '{}';
  }
  switch (bsonType(v)) {
    case 'ObjectId':
      return `ObjectId('${(v as ObjectId).toHexString()}')`;
    case 'Long':
      return (v as Long).toString();
    case 'Decimal128':
      return `Decimal128("${(v as Decimal128).toString()}")`;
  }
  return String(v);
}

/**
 * Values stored as they arrived (Long, Decimal128, BSONRegExp) that mingo
 * cannot compare or match. A document containing none of them is its own view.
 */
function needsView(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(needsView);
  if (isPlainObject(v)) return Object.keys(v).some((k) => needsView(v[k]));
  const t = bsonType(v);
  return t === 'Long' || t === 'Decimal128' || t === 'Int32' || t === 'Double' || t === 'BSONRegExp';
}

function convertForMingo(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(convertForMingo);
  if (isPlainObject(v)) {
    const out: Doc = {};
    for (const k of Object.keys(v)) out[k] = convertForMingo(v[k]);
    return out;
  }
  switch (bsonType(v)) {
    case 'Long':
    case 'Decimal128':
    case 'Int32':
    case 'Double':
      return toNumber(v);
    case 'BSONRegExp':
      return bsonRegExpToRegExp(v as BSONRegExp);
  }
  return v;
}

/** JS RegExp has no `x` (extended) or `l` flag: `x` is emulated by stripping whitespace and comments, `l` dropped. */
export function bsonRegExpToRegExp(re: BSONRegExp): RegExp {
  const source = re.options.includes('x') ? stripExtendedSyntax(re.pattern) : re.pattern;
  const flags = [...new Set(re.options.split('').filter((f) => 'imsu'.includes(f)))].join('');
  return new RegExp(source, flags);
}

/** PCRE extended mode: unescaped whitespace and `#` comments outside character classes are ignored. */
function stripExtendedSyntax(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      out += c + (pattern[i + 1] ?? '');
      i++;
    } else if (inClass) {
      inClass = c !== ']';
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (c === '#') {
      while (i + 1 < pattern.length && pattern[i + 1] !== '\n') i++;
    } else if (!/\s/.test(c)) {
      out += c;
    }
  }
  return out;
}

/** Converts query/pipeline arguments so they compare like the stored views do. */
export function toMingoValue<T>(v: T): T {
  return needsView(v) ? (convertForMingo(v) as T) : v;
}

const views = new WeakMap<object, Doc>();

/**
 * Read-only twin of a stored document with wide numbers as JS numbers.
 * Stored documents are never mutated (updates swap in a new object), so the
 * cache stays valid for the life of each document version.
 */
export function matchView(doc: Doc): Doc {
  let view = views.get(doc);
  if (!view) {
    view = needsView(doc) ? (convertForMingo(doc) as Doc) : doc;
    views.set(doc, view);
  }
  return view;
}

/** Values at a dotted path, descending into arrays like MongoDB index keys do. `[]` means missing. */
export function valuesAtPath(doc: unknown, path: string): unknown[] {
  const parts = path.split('.');
  const out: unknown[] = [];
  const walk = (value: unknown, i: number): void => {
    if (i === parts.length) {
      out.push(value);
      return;
    }
    if (Array.isArray(value)) {
      const part = parts[i];
      if (/^\d+$/.test(part) && Number(part) < value.length) {
        walk(value[Number(part)], i + 1);
        return;
      }
      for (const el of value) walk(el, i);
      return;
    }
    if (isPlainObject(value) && Object.prototype.hasOwnProperty.call(value, parts[i])) walk(value[parts[i]], i + 1);
  };
  walk(doc, 0);
  return out;
}

/** Sets a dotted path, creating intermediate objects (used to seed upserted documents). */
export function setPath(doc: Doc, path: string, value: unknown): void {
  const parts = path.split('.');
  let target: Doc = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = target[parts[i]];
    if (!isPlainObject(next)) target[parts[i]] = {};
    target = target[parts[i]] as Doc;
  }
  target[parts[parts.length - 1]] = value;
}

/** Returns the document with `_id` as its first field, as mongod stores it. */
export function withIdFirst(doc: Doc): Doc {
  const keys = Object.keys(doc);
  if (keys[0] === '_id' || !('_id' in doc)) return doc;
  const out: Doc = { _id: doc._id };
  for (const k of keys) if (k !== '_id') out[k] = doc[k];
  return out;
}

export function newObjectId(): ObjectId {
  return new ObjectId();
}
