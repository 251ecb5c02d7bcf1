import Ajv, { ValidateFunction } from 'ajv';
import { LlmError } from './llm-error';

const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new WeakMap<object, ValidateFunction>();

/** Parses and validates a model answer against the task's JSON schema; either the value or an invalid_output error. */
export function parseStructured<T>(content: string | null | undefined, schema: object): T {
  if (!content) throw new LlmError('invalid_output', 'Model returned an empty answer');
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    throw new LlmError('invalid_output', 'Model answer was not valid JSON');
  }
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (!validate(value)) {
    const first = validate.errors?.[0];
    throw new LlmError(
      'invalid_output',
      `Model answer did not match the schema (${first?.instancePath || '/'} ${first?.message ?? ''})`.trim(),
    );
  }
  return value as T;
}
