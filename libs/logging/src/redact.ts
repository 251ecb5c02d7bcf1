const SENSITIVE_KEY =
  /authorization|cookie|token|secret|password|passwd|api[-_]?key|prompt|messages|content|credential/i;
const BEARER = /Bearer\s+[A-Za-z0-9._~+/=-]+/g;
const JWT_LIKE = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const URL_CREDENTIALS = /(\w+:\/\/)([^:@/\s]+):([^@/\s]+)@/g;

/** Masks values that must never reach a log line: tokens, secrets, credentials in URLs, prompt bodies. */
export function redactString(s: string): string {
  return s
    .replace(BEARER, 'Bearer [redacted]')
    .replace(JWT_LIKE, '[redacted-jwt]')
    .replace(URL_CREDENTIALS, '$1$2:[redacted]@');
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[depth]';
  if (typeof value === 'string') return redactString(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error) return { name: value.name, message: redactString(value.message) };
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SENSITIVE_KEY.test(k) ? '[redacted]' : redact(v, depth + 1);
    }
    return out;
  }
  return value;
}
