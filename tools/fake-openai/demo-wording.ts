import type { JsonSchema, JsonSchemaObject } from './schema-sampler';

/**
 * Words a sampled structured answer that cites figures by key (a report's insights, a set of tips, alert
 * wordings): each item of such a list cites one offered key, its title names that figure, and its longer text is
 * the labelled prompt line of that figure, copied. Other free text of the answer is a labelled sentence with no
 * figure in it. So the offline demo gives readable, clearly labelled answers that state only figures it was given,
 * which is what the application's validators ask of a real model.
 */

/** Properties whose enum lists the keys an item may cite: `figureKeys: string[]` or `key: string`. */
const KEY_PROPERTY = /keys?$/i;
/** Short free-text properties: a heading, not a paragraph. */
const TITLE_PROPERTY = /^(?:title|name|headline|heading|label)$/i;

interface Wording {
  label: string;
  /** Every line of every message, where each offered key is looked up. */
  lines: string[];
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function asSchema(schema: JsonSchema | undefined): JsonSchemaObject | null {
  return schema && typeof schema === 'object' ? schema : null;
}

/** Free text: a string the schema does not constrain to a set, a pattern or a format. */
function isFreeText(schema: JsonSchemaObject | null): schema is JsonSchemaObject {
  const types = schema ? [schema.type].flat() : [];
  return (
    schema !== null &&
    types.includes('string') &&
    !schema.enum &&
    !('const' in schema) &&
    !schema.pattern &&
    !schema.format
  );
}

/** The keys an item schema's property may cite, and how: one key (`key`) or a list (`figureKeys`). */
function keyProperty(item: JsonSchemaObject): { name: string; keys: string[]; list: JsonSchemaObject | null } | null {
  for (const [name, raw] of Object.entries(item.properties ?? {})) {
    const prop = asSchema(raw);
    if (!prop || !KEY_PROPERTY.test(name)) continue;
    const items = asSchema(prop.items as JsonSchema | undefined);
    if (items?.enum) return { name, keys: items.enum.map(String), list: prop };
    if (prop.enum) return { name, keys: prop.enum.map(String), list: null };
  }
  return null;
}

/** Whether anything in the schema is a list of items that cite keys: only then is the answer worded. */
function citesKeys(schema: JsonSchemaObject | null): boolean {
  if (!schema) return false;
  const items = asSchema(schema.items as JsonSchema | undefined);
  if (items && keyProperty(items)) return true;
  return Object.values(schema.properties ?? {}).some((p) => citesKeys(asSchema(p)));
}

/** Cuts at a space (a figure such as "£1,300.00" is never split) and pads to the minimum with the same words. */
function fit(text: string, schema: JsonSchemaObject): string {
  const max = schema.maxLength ?? Infinity;
  let out = text;
  if (out.length > max) {
    const cut = out.slice(0, max + 1);
    const space = cut.lastIndexOf(' ');
    out = (space > 0 ? cut.slice(0, space) : cut.slice(0, max)).replace(/[\s,;:=(-]+$/, '');
  }
  while (out.length < (schema.minLength ?? 0)) out = `${out} ${text}`.slice(0, max);
  return out;
}

/** The prompt's line about a key, from just after the key: '[debts.total] Total balance owed: £9,200.00'. */
function lineFor(key: string, w: Wording): string {
  const at = new RegExp(`(?:^|[\\s[(-])${escape(key)}(?=[\\]\\s:=,;)]|$)`);
  for (const line of w.lines) {
    const m = at.exec(line);
    if (m) {
      const rest = line
        .slice(m.index + m[0].length)
        .replace(/^[\]\s:=–-]+/, '')
        .trim();
      if (rest) return rest;
    }
  }
  return key;
}

/** The figure's name: the line up to its value ('Total balance owed'). */
function nameOf(line: string): string {
  const name = line.split(/ = |: |; /)[0].trim();
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function wordItem(
  item: JsonSchemaObject,
  value: Record<string, unknown>,
  ordinal: number,
  w: Wording,
  used: Set<string>,
) {
  const cite = keyProperty(item)!;
  const key = cite.keys.length > 0 ? cite.keys[(ordinal - 1) % cite.keys.length] : undefined;
  if (cite.list) {
    const min = Math.max(cite.list.minItems ?? 0, key === undefined ? 0 : 1);
    const keys = cite.keys.slice((ordinal - 1) % Math.max(cite.keys.length, 1)).concat(cite.keys);
    value[cite.name] = [...new Set(keys)].slice(0, min);
  } else if (key !== undefined) value[cite.name] = key;
  const line = key === undefined ? 'the figures' : lineFor(key, w);
  for (const [name, raw] of Object.entries(item.properties ?? {})) {
    const prop = asSchema(raw);
    if (!isFreeText(prop) || !(name in value)) continue;
    if (TITLE_PROPERTY.test(name)) {
      let title = fit(`Look at ${nameOf(line)}`, prop);
      for (let n = 2; used.has(title.toLowerCase()); n++) title = fit(`Look at ${nameOf(line)} (${n})`, prop);
      used.add(title.toLowerCase());
      value[name] = title;
    } else value[name] = fit(`${w.label} ${line}`, prop);
  }
}

function word(schema: JsonSchemaObject | null, value: unknown, w: Wording): unknown {
  if (!schema) return value;
  if (Array.isArray(value)) {
    const item = asSchema(schema.items as JsonSchema | undefined);
    if (!item) return value;
    const cites = keyProperty(item) !== null;
    const used = new Set<string>();
    return value.map((v, i) => {
      if (cites && v && typeof v === 'object') {
        wordItem(item, v as Record<string, unknown>, i + 1, w, used);
        return v;
      }
      return word(item, v, w);
    });
  }
  if (value && typeof value === 'object') {
    const out = value as Record<string, unknown>;
    for (const [name, raw] of Object.entries(schema.properties ?? {})) {
      if (name in out) out[name] = word(asSchema(raw), out[name], w);
    }
    return out;
  }
  if (typeof value === 'string' && isFreeText(schema)) {
    return fit(
      `${w.label} Written offline, without a real AI model: each point quotes one of the app's own figures.`,
      schema,
    );
  }
  return value;
}

/** The sampled answer, worded from the prompt when its schema cites keys; otherwise unchanged. */
export function wordCitingAnswer(schema: JsonSchema, sampled: unknown, promptLines: string[], label: string): unknown {
  const root = asSchema(schema);
  if (!citesKeys(root)) return sampled;
  return word(root, sampled, { label, lines: promptLines });
}
