import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every depth, so equal data always serialises (and hashes) alike. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    );
  });
}

/** Fingerprint of a report's computed figures: equal when the report would be computed from unchanged data. */
export function figuresFingerprint(figures: unknown): string {
  return createHash('sha256').update(stableJson(figures)).digest('hex');
}
