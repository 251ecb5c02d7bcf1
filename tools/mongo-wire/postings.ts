/**
 * Equality postings: for one indexed path, which documents hold which value.
 *
 * They let a query that pins a field to exact values read only the documents
 * holding them, so their keys must agree with the matcher, not with mongod's
 * index format: a key is the canonical key (values.ts#valueKey) of the value
 * as mingo sees it (values.ts#toMingoValue), so Int32(5), 5.0 and Long(5)
 * share a key exactly when mingo calls them equal. A document may be listed
 * under keys it does not match (callers still run the filter); it must never
 * be missing from a key it does match.
 */
import { isNumeric, isPlainObject, toMingoValue, valueKey, type Doc } from './values';

/** Key of the documents whose value at the path cannot be enumerated; they are candidates for every key. */
const OPAQUE_KEY = '\0opaque';

export function equalityKey(v: unknown): string {
  return valueKey(toMingoValue(v));
}

/**
 * Every key `doc` holds at `path`: each leaf value, and each element of a leaf
 * array at any depth (mingo flattens nested arrays on dotted paths). Missing
 * and empty arrays hold null, as in an index. A BSON object met mid-path
 * (mingo reads its properties, an index would not) makes the document opaque.
 */
export function equalityKeysAt(doc: Doc, path: string): string[] {
  const parts = path.split('.');
  const keys = new Set<string>();
  let found = false;
  const leaf = (v: unknown): void => {
    if (!Array.isArray(v)) keys.add(equalityKey(v));
    else if (v.length === 0) keys.add(equalityKey(null));
    else for (const el of v) leaf(el);
  };
  const walk = (v: unknown, i: number): void => {
    if (i === parts.length) {
      found = true;
      leaf(v);
    } else if (Array.isArray(v)) {
      // A numeric part is a position to mingo but may also be a field of the elements to mongod: take both.
      const part = parts[i];
      if (/^\d+$/.test(part) && Number(part) < v.length) walk(v[Number(part)], i + 1);
      for (const el of v) walk(el, i);
    } else if (isPlainObject(v)) {
      if (Object.prototype.hasOwnProperty.call(v, parts[i])) walk(v[parts[i]], i + 1);
    } else if (v !== null && typeof v === 'object' && !isNumeric(v)) {
      keys.add(OPAQUE_KEY);
    }
  };
  walk(doc, 0);
  if (!found) keys.add(equalityKey(null));
  return [...keys];
}

/** Paths postings can answer for: mingo treats `$`-prefixed parts as operators, and empty parts name nothing. */
export function isNarrowablePath(path: string): boolean {
  return path.split('.').every((part) => part.length > 0 && !part.startsWith('$'));
}

export class Postings {
  /** Equality key -> `_id` keys of the documents holding it. */
  private readonly byKey = new Map<string, Set<string>>();

  constructor(private readonly path: string) {}

  add(doc: Doc, idKey: string): void {
    for (const key of equalityKeysAt(doc, this.path)) {
      let ids = this.byKey.get(key);
      if (!ids) this.byKey.set(key, (ids = new Set()));
      ids.add(idKey);
    }
  }

  remove(doc: Doc, idKey: string): void {
    for (const key of equalityKeysAt(doc, this.path)) {
      const ids = this.byKey.get(key);
      if (!ids) continue;
      ids.delete(idKey);
      if (ids.size === 0) this.byKey.delete(key);
    }
  }

  /** Upper bound of `idKeysFor(keys).size`, without building the union. */
  estimate(keys: string[]): number {
    let n = this.byKey.get(OPAQUE_KEY)?.size ?? 0;
    for (const key of new Set(keys)) n += this.byKey.get(key)?.size ?? 0;
    return n;
  }

  /** `_id` keys of every document that may hold one of `keys`. */
  idKeysFor(keys: string[]): Set<string> {
    const out = new Set<string>();
    for (const key of [...keys, OPAQUE_KEY]) for (const id of this.byKey.get(key) ?? []) out.add(id);
    return out;
  }
}
