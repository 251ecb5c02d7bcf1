/** Keys whose values are secrets wherever the word appears in the key (`accessToken`, `x-api-key`, `jwtSecret`). */
const SECRET_KEY = /authorization|cookie|token|secret|password|passwd|api[-_]?key|credential|prompt|messages|content/i;
/**
 * Words naming what a user typed or the model wrote: matched as whole words of the key, so `text` and `userText`
 * are masked but `context` is not.
 */
const USER_TEXT_WORDS = new Set([
  'text',
  'body',
  'delta',
  'reply',
  'completion',
  'title',
  'note',
  'description',
  'query',
  'question',
  'answer',
  'transcript',
]);
const BEARER = /Bearer\s+[A-Za-z0-9._~+/=-]+/g;
const JWT_LIKE = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const URL_CREDENTIALS = /(\w+:\/\/)([^:@/\s]+):([^@/\s]+)@/g;
const QUERY_SECRET = /([?&](?:token|access_token|api[-_]?key|key|secret|password|auth)=)[^&\s#]+/gi;
const OPENAI_KEY = /\bsk-[A-Za-z0-9_-]{6,}/g;

function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/);
}

export function isSensitiveKey(key: string): boolean {
  return SECRET_KEY.test(key) || keyWords(key).some((w) => USER_TEXT_WORDS.has(w));
}

/** Masks values that must never reach a log line: tokens, secrets, credentials in URLs and query strings. */
export function redactString(s: string): string {
  return s
    .replace(BEARER, 'Bearer [redacted]')
    .replace(JWT_LIKE, '[redacted-jwt]')
    .replace(URL_CREDENTIALS, '$1$2:[redacted]@')
    .replace(QUERY_SECRET, '$1[redacted]')
    .replace(OPENAI_KEY, 'sk-[redacted]');
}

/** A copy of `value` with sensitive keys masked (secrets, prompt and reply bodies, user-typed text) at any depth. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[depth]';
  if (typeof value === 'string') return redactString(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error) return { name: value.name, message: redactString(value.message) };
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = isSensitiveKey(k) ? '[redacted]' : redact(v, depth + 1);
    }
    return out;
  }
  return value;
}
