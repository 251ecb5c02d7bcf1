import Ajv, { ValidateFunction } from 'ajv';
import { LlmError } from './llm-error';

const newAjv = () => new Ajv({ allErrors: true, strict: false });
let ajv = newAjv();
/**
 * Compiled validators by schema text. Report, tip and alert schemas list the sheet's fact keys, so each call builds
 * a new schema object, but users' sheets repeat the same key sets: compiling once per key set, not once per call,
 * took the biggest single cost off a report job. Ajv keeps everything it ever compiled, so when the cache is full
 * it starts over with a new instance: memory stays bounded by COMPILED_SCHEMAS schemas.
 */
const compiled = new Map<string, ValidateFunction>();
const COMPILED_SCHEMAS = 256;

function validatorFor(schema: object): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    if (compiled.size >= COMPILED_SCHEMAS) {
      compiled.clear();
      ajv = newAjv();
    }
    validate = ajv.compile(schema);
    compiled.set(key, validate);
  }
  return validate;
}

/** Parses and validates a model answer against the task's JSON schema; either the value or an invalid_output error. */
export function parseStructured<T>(content: string | null | undefined, schema: object): T {
  if (!content) throw new LlmError('invalid_output', 'Model returned an empty answer');
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    throw new LlmError('invalid_output', 'Model answer was not valid JSON');
  }
  const validate = validatorFor(schema);
  if (!validate(value)) {
    const first = validate.errors?.[0];
    throw new LlmError(
      'invalid_output',
      `Model answer did not match the schema (${first?.instancePath || '/'} ${first?.message ?? ''})`.trim(),
    );
  }
  return value as T;
}
