/**
 * Declarative description of every environment variable the service reads.
 * One table keeps validation, defaults and `.env.example` in step.
 */
export type VarKind =
  | { type: 'string'; minLength?: number }
  | { type: 'int'; min?: number; max?: number }
  | { type: 'number'; min?: number; max?: number }
  | { type: 'bool' }
  | { type: 'url'; protocols: string[] }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'list' }
  | { type: 'timezone' }
  | { type: 'json' };

export interface VarSpec {
  kind: VarKind;
  /** Used when the variable is unset or empty. Absent = required. */
  default?: string;
  /** Optional without a default: parsed value is undefined when unset. */
  optional?: boolean;
  description: string;
  secret?: boolean;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`Invalid configuration: ${variable} ${reason}`);
    this.name = 'ConfigError';
  }
}

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function parseVar(name: string, spec: VarSpec, raw: string | undefined): unknown {
  const value = raw === undefined || raw.trim() === '' ? spec.default : raw.trim();
  if (value === undefined) {
    if (spec.optional) return undefined;
    throw new ConfigError(name, `is required (${spec.description})`);
  }
  const kind = spec.kind;
  switch (kind.type) {
    case 'string':
      if (kind.minLength && value.length < kind.minLength) {
        throw new ConfigError(name, `must be at least ${kind.minLength} characters long`);
      }
      return value;
    case 'int':
    case 'number': {
      const n = Number(value);
      if (!Number.isFinite(n) || (kind.type === 'int' && !Number.isInteger(n))) {
        throw new ConfigError(name, `must be ${kind.type === 'int' ? 'an integer' : 'a number'}, got "${value}"`);
      }
      if (kind.min !== undefined && n < kind.min) throw new ConfigError(name, `must be >= ${kind.min}, got ${n}`);
      if (kind.max !== undefined && n > kind.max) throw new ConfigError(name, `must be <= ${kind.max}, got ${n}`);
      return n;
    }
    case 'bool':
      if (/^(true|1|yes|on)$/i.test(value)) return true;
      if (/^(false|0|no|off)$/i.test(value)) return false;
      throw new ConfigError(name, `must be true or false, got "${value}"`);
    case 'url': {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        throw new ConfigError(name, `must be a URL (${kind.protocols.join(', ')})`);
      }
      if (!kind.protocols.includes(url.protocol.replace(/:$/, ''))) {
        throw new ConfigError(name, `must use one of ${kind.protocols.join(', ')}, got "${url.protocol}"`);
      }
      return value;
    }
    case 'enum':
      if (!kind.values.includes(value)) {
        throw new ConfigError(name, `must be one of ${kind.values.join(', ')}, got "${value}"`);
      }
      return value;
    case 'list':
      return value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    case 'timezone':
      if (!isValidTimeZone(value)) throw new ConfigError(name, `must be an IANA time zone, got "${value}"`);
      return value;
    case 'json':
      try {
        return JSON.parse(value);
      } catch {
        throw new ConfigError(name, 'must be valid JSON');
      }
  }
}
