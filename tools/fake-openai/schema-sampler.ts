/**
 * Produces one deterministic, human-readable value that validates against a JSON Schema. Used to
 * answer `response_format: json_schema` and forced tool calls without a model, so code that
 * validates LLM output gets past its validation step in tests and in the offline demo.
 *
 * It covers the subset of JSON Schema that structured outputs and our DTO schemas use; it is a
 * sampler, not a solver, so contradictory schemas (or regex patterns it cannot guess) may still
 * yield a value that does not validate.
 */

export type JsonSchema = boolean | JsonSchemaObject;

export type JsonType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

export interface JsonSchemaObject {
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
  type?: JsonType | JsonType[];
  title?: string;
  description?: string;
  const?: unknown;
  enum?: readonly unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema;
  minProperties?: number;
  maxProperties?: number;
  items?: JsonSchema | JsonSchema[];
  prefixItems?: JsonSchema[];
  additionalItems?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  multipleOf?: number;
  [keyword: string]: unknown;
}

/** Past this depth only what is required is generated, so recursive schemas terminate. */
const SHALLOW_DEPTH = 6;
/** A schema that still recurses here cannot terminate (e.g. a required self-reference). */
const MAX_DEPTH = 40;
const DEFAULT_ARRAY_LENGTH = 2;

interface Context {
  /** Property name (or singularised array name) the value is for; drives readable strings. */
  name?: string;
  /** 1-based position inside the nearest array, so siblings differ (and `uniqueItems` holds). */
  ordinal?: number;
  depth: number;
}

export function sampleFromJsonSchema(schema: JsonSchema): unknown {
  return new Sampler(schema).sample(schema, { depth: 0 });
}

class Sampler {
  constructor(private readonly root: JsonSchema) {}

  sample(input: JsonSchema, ctx: Context): unknown {
    if (ctx.depth > MAX_DEPTH) throw new Error('sampleFromJsonSchema: schema recursion does not terminate');
    if (input === false) throw new Error('sampleFromJsonSchema: schema `false` accepts no value');
    const schema = this.flatten(input === true ? {} : input);

    if ('const' in schema) return schema.const;
    if (schema.enum && schema.enum.length > 0) return schema.enum[((ctx.ordinal ?? 1) - 1) % schema.enum.length];

    const branches = schema.anyOf ?? schema.oneOf;
    if (branches && branches.length > 0) {
      const { anyOf: _anyOf, oneOf: _oneOf, ...rest } = schema;
      return this.sample({ ...rest, ...asObject(this.pickBranch(branches, ctx)) }, ctx);
    }

    switch (this.pickType(schema, ctx)) {
      case 'null':
        return null;
      case 'boolean':
        // Alternate so a `uniqueItems` boolean array can still have two entries.
        return (ctx.ordinal ?? 1) % 2 === 1;
      case 'integer':
        return sampleNumber(schema, true, ctx);
      case 'number':
        return sampleNumber(schema, false, ctx);
      case 'string':
        return sampleString(schema, ctx);
      case 'array':
        return this.sampleArray(schema, ctx);
      case 'object':
        return this.sampleObject(schema, ctx);
    }
  }

  /** Inlines `$ref` and `allOf` so the remaining logic sees a single schema object. */
  private flatten(schema: JsonSchemaObject, seen: string[] = []): JsonSchemaObject {
    let current = schema;
    while (current.$ref !== undefined) {
      const ref = current.$ref;
      // A ref cycle without any structure in between would otherwise spin forever.
      if (seen.includes(ref)) throw new Error(`sampleFromJsonSchema: $ref cycle through ${ref}`);
      seen = [...seen, ref];
      const { $ref: _ref, ...siblings } = current;
      current = { ...asObject(this.resolve(ref)), ...siblings };
    }
    if (current.allOf && current.allOf.length > 0) {
      const { allOf, ...rest } = current;
      return allOf.reduce<JsonSchemaObject>(
        (merged, part) => mergeSchemas(merged, this.flatten(asObject(part), seen)),
        this.flatten(rest, seen),
      );
    }
    return current;
  }

  private resolve(ref: string): JsonSchema {
    if (!ref.startsWith('#')) throw new Error(`sampleFromJsonSchema: only local $refs are supported, got ${ref}`);
    const pointer = ref.slice(1);
    if (pointer === '' || pointer === '/') return this.root;
    let node: unknown = this.root;
    for (const raw of pointer.slice(1).split('/')) {
      const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
      if (node === undefined) throw new Error(`sampleFromJsonSchema: cannot resolve $ref ${ref}`);
    }
    return node as JsonSchema;
  }

  private pickBranch(branches: JsonSchema[], ctx: Context): JsonSchema {
    // "First branch" in spirit, but skip a bare null alternative (zod's .nullable()) unless we are
    // deep enough that null is the cheap way to stop a recursive structure.
    const isNull = (b: JsonSchema) => typeof b === 'object' && b.type === 'null';
    if (ctx.depth >= SHALLOW_DEPTH) return branches.find(isNull) ?? branches[0];
    return branches.find((b) => !isNull(b)) ?? branches[0];
  }

  private pickType(schema: JsonSchemaObject, ctx: Context): JsonType {
    const declared = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
    if (declared.length > 0) {
      if (declared.includes('null') && ctx.depth >= SHALLOW_DEPTH) return 'null';
      return declared.find((t) => t !== 'null') ?? 'null';
    }
    return inferType(schema);
  }

  private sampleObject(schema: JsonSchemaObject, ctx: Context): Record<string, unknown> {
    const properties = schema.properties ?? {};
    const required = new Set(schema.required ?? []);
    const extra = schema.additionalProperties;
    const limit = schema.maxProperties ?? Infinity;
    const shallow = ctx.depth >= SHALLOW_DEPTH;

    // Required keys first so a maxProperties limit only ever drops optional ones.
    const keys = [...[...required], ...Object.keys(properties).filter((key) => !required.has(key) && !shallow)].slice(
      0,
      Math.max(limit, required.size),
    );

    const out: Record<string, unknown> = {};
    const child = (name: string): Context => ({ name, ordinal: ctx.ordinal, depth: ctx.depth + 1 });
    // Keep the declared property order: it reads better and matches what a model would emit.
    for (const key of Object.keys(properties)) {
      if (keys.includes(key)) out[key] = this.sample(properties[key], child(key));
    }
    for (const key of keys) {
      if (!(key in out)) out[key] = this.sample(extra === undefined || extra === false ? true : extra, child(key));
    }
    for (let n = 1; Object.keys(out).length < (schema.minProperties ?? 0) && extra !== false; n++) {
      const key = `extra_${n}`;
      if (!(key in out)) out[key] = this.sample(extra ?? true, child(key));
    }
    return out;
  }

  private sampleArray(schema: JsonSchemaObject, ctx: Context): unknown[] {
    const tuple = schema.prefixItems ?? (Array.isArray(schema.items) ? schema.items : undefined);
    const rest: JsonSchema | undefined = schema.prefixItems
      ? (schema.items as JsonSchema | undefined)
      : Array.isArray(schema.items)
        ? schema.additionalItems
        : schema.items;
    const min = schema.minItems ?? 0;
    const max = Math.min(schema.maxItems ?? Infinity, rest === false ? (tuple?.length ?? 0) : Infinity);
    const wanted = ctx.depth >= SHALLOW_DEPTH ? min : clamp(tuple?.length ?? DEFAULT_ARRAY_LENGTH, min, max);

    const itemName = ctx.name ? singular(ctx.name) : undefined;
    const items: unknown[] = [];
    const seen = new Set<string>();
    // With uniqueItems a candidate can collide (e.g. a one-value enum), so allow a few extra tries.
    for (let i = 0; items.length < wanted && i < wanted * 3 + 3; i++) {
      const itemSchema = tuple && i < tuple.length ? tuple[i] : (rest ?? true);
      const value = this.sample(itemSchema, { name: itemName, ordinal: i + 1, depth: ctx.depth + 1 });
      const key = JSON.stringify(value);
      if (schema.uniqueItems && seen.has(key)) continue;
      seen.add(key);
      items.push(value);
    }
    return items;
  }
}

function inferType(schema: JsonSchemaObject): JsonType {
  const has = (...keys: string[]) => keys.some((k) => schema[k] !== undefined);
  if (has('properties', 'required', 'additionalProperties', 'minProperties', 'maxProperties')) return 'object';
  if (has('items', 'prefixItems', 'minItems', 'maxItems', 'uniqueItems')) return 'array';
  if (has('minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf')) return 'number';
  return 'string';
}

function mergeSchemas(a: JsonSchemaObject, b: JsonSchemaObject): JsonSchemaObject {
  return {
    ...a,
    ...b,
    properties: a.properties || b.properties ? { ...a.properties, ...b.properties } : undefined,
    required: a.required || b.required ? [...new Set([...(a.required ?? []), ...(b.required ?? [])])] : undefined,
  };
}

function asObject(schema: JsonSchema): JsonSchemaObject {
  if (schema === false) throw new Error('sampleFromJsonSchema: schema `false` accepts no value');
  return schema === true ? {} : schema;
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(value, max));
}

// ---- strings -------------------------------------------------------------------------------

const FORMATS: Record<string, (n: number) => string> = {
  'date-time': (n) => `2025-01-${pad2(14 + n)}T09:30:00Z`,
  date: (n) => `2025-01-${pad2(14 + n)}`,
  time: () => '09:30:00Z',
  duration: (n) => `P${n}D`,
  email: (n) => `demo.user${n > 1 ? n : ''}@example.com`,
  hostname: () => 'example.com',
  ipv4: (n) => `192.0.2.${n}`,
  ipv6: (n) => `2001:db8::${n}`,
  uri: (n) => `https://example.com/item/${n}`,
  url: (n) => `https://example.com/item/${n}`,
  'uri-reference': (n) => `/item/${n}`,
  uuid: (n) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
};

/** Fallbacks tried, in order, when the readable text does not satisfy `pattern`. */
const PATTERN_CANDIDATES = ['sample', 'Sample', 'SAMPLE', 'abc', 'ABC', 'a', 'A', '1', '123', 'A1', 'EUR', ''];

function sampleString(schema: JsonSchemaObject, ctx: Context): string {
  const ordinal = ctx.ordinal ?? 1;
  const format = schema.format ? FORMATS[schema.format] : undefined;
  if (format) return format(ordinal);

  const fitToLength = (text: string) => fitLength(text, schema.minLength ?? 0, schema.maxLength ?? Infinity);
  const readable = fitToLength(
    `Sample ${describe(schema, ctx)}${ctx.ordinal && ctx.ordinal > 1 ? ` ${ctx.ordinal}` : ''}`,
  );
  if (!schema.pattern) return readable;

  const regex = compilePattern(schema.pattern);
  if (!regex) return readable;
  const candidates = [readable, ...PATTERN_CANDIDATES.map(fitToLength)];
  return candidates.find((c) => regex.test(c)) ?? readable;
}

function describe(schema: JsonSchemaObject, ctx: Context): string {
  if (ctx.name) return humanize(ctx.name);
  if (schema.title) return humanize(schema.title);
  if (schema.description)
    return schema.description
      .split(/\s+/)
      .slice(0, 6)
      .join(' ')
      .replace(/[.:;,]+$/, '');
  return 'text';
}

/** JSON Schema counts code points, not UTF-16 units; our text is ASCII so `length` is exact. */
function fitLength(text: string, min: number, max: number): string {
  let out = text;
  while (out.length < min) out += ` ${text}`;
  return out.length > max ? out.slice(0, max) : out;
}

function compilePattern(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    try {
      return new RegExp(pattern);
    } catch {
      return undefined;
    }
  }
}

function humanize(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_\-.]+/g, ' ')
    .trim()
    .toLowerCase();
}

function singular(name: string): string {
  if (/ies$/i.test(name)) return name.slice(0, -3) + 'y';
  if (/(ss|x|ch|sh)es$/i.test(name)) return name.slice(0, -2);
  if (/[^s]s$/i.test(name)) return name.slice(0, -1);
  return name;
}

function pad2(n: number): string {
  return String(Math.min(n, 28)).padStart(2, '0');
}

// ---- numbers -------------------------------------------------------------------------------

function sampleNumber(schema: JsonSchemaObject, integer: boolean, ctx: Context): number {
  const { lower, upper } = bounds(schema);
  const inRange = (v: number) =>
    (lower.exclusive ? v > lower.value : v >= lower.value) && (upper.exclusive ? v < upper.value : v <= upper.value);
  const step = schema.multipleOf ?? (integer ? 1 : undefined);

  // A money-like value reads naturally in our finance prompts; siblings in an array differ.
  const preferred = (integer ? 3 : 12.5) + ((ctx.ordinal ?? 1) - 1) * (integer ? 1 : 10);
  let target = preferred;
  if (!inRange(target)) {
    const finiteSpan = Number.isFinite(lower.value) && Number.isFinite(upper.value);
    if (finiteSpan) target = (lower.value + upper.value) / 2;
    else if (target < lower.value) target = lower.exclusive ? lower.value + 1 : lower.value;
    else target = upper.exclusive ? upper.value - 1 : upper.value;
  }
  if (step === undefined) return target;

  // Search outward from the nearest multiple; also insist the division is exact in floating
  // point, because validators such as Ajv check multipleOf that way.
  const base = Math.round(target / step);
  for (let delta = 0; delta < 1000; delta++) {
    for (const k of delta === 0 ? [base] : [base + delta, base - delta]) {
      const value = roundLike(k * step, step);
      if (inRange(value) && Number.isInteger(value / step) && (!integer || Number.isInteger(value))) return value;
    }
  }
  return integer ? Math.round(target) : target;
}

interface Bound {
  value: number;
  exclusive: boolean;
}

/** Normalises draft-04 boolean and draft-06+ numeric exclusive bounds into one shape. */
function bounds(schema: JsonSchemaObject): { lower: Bound; upper: Bound } {
  const lower: Bound = { value: schema.minimum ?? -Infinity, exclusive: schema.exclusiveMinimum === true };
  const upper: Bound = { value: schema.maximum ?? Infinity, exclusive: schema.exclusiveMaximum === true };
  if (typeof schema.exclusiveMinimum === 'number' && schema.exclusiveMinimum >= lower.value) {
    lower.value = schema.exclusiveMinimum;
    lower.exclusive = true;
  }
  if (typeof schema.exclusiveMaximum === 'number' && schema.exclusiveMaximum <= upper.value) {
    upper.value = schema.exclusiveMaximum;
    upper.exclusive = true;
  }
  return { lower, upper };
}

/** Strips float noise such as 0.30000000000000004 by rounding to the step's own precision. */
function roundLike(value: number, step: number): number {
  const [mantissa, exponent = '0'] = String(step).split('e');
  const decimals = Math.max(0, (mantissa.split('.')[1] ?? '').length - Number(exponent));
  return Number(value.toFixed(Math.min(decimals, 20)));
}
