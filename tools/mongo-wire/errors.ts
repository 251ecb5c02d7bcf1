/**
 * Server error codes and the `{ok: 0, errmsg, code, codeName}` reply shape.
 * Codes and names match mongod's (src/mongo/base/error_codes.yml) because the
 * driver and mongoose branch on them (e.g. 26 for a missing namespace, 48 for
 * an existing collection, 11000 for duplicate keys).
 */
import type { Document } from 'bson';

export const ErrorCodes = {
  InternalError: 1,
  BadValue: 2,
  NoSuchKey: 4,
  FailedToParse: 9,
  Unauthorized: 13,
  TypeMismatch: 14,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  NamespaceExists: 48,
  DollarPrefixedFieldName: 52,
  InvalidIdField: 53,
  CommandNotFound: 59,
  ImmutableField: 66,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  CommandNotSupported: 115,
  InvalidPipelineOperator: 168,
  UnsupportedOpQueryCommand: 352,
  BSONObjectTooLarge: 10334,
  DuplicateKey: 11000,
  Location40324: 40324,
  Location40485: 40485,
  Location40573: 40573,
  Location40571: 40571,
} as const;

export type CodeName = keyof typeof ErrorCodes;

/** An error a command handler raises to produce an `ok: 0` reply (or a writeErrors entry). */
export class CommandError extends Error {
  readonly code: number;

  constructor(
    readonly codeName: CodeName,
    message: string,
    /** Extra reply fields, e.g. keyPattern/keyValue for duplicate keys. */
    readonly extra: Document = {},
  ) {
    super(message);
    this.code = ErrorCodes[codeName];
  }
}

/**
 * Converts anything thrown while executing a command into a reply document.
 * mingo signals bad queries/pipelines with plain messages; the most common
 * ones are mapped onto the codes mongod would use so clients see familiar errors.
 */
export function toCommandError(err: unknown): CommandError {
  if (err instanceof CommandError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const isMingo = err instanceof Error && err.constructor.name === 'MingoError';

  let match = /unregistered pipeline operator (\$\w+)/.exec(message);
  if (match) return new CommandError('Location40324', `Unrecognized pipeline stage name: '${match[1]}'`);
  match = /unknown (?:query|top level) operator:? (\$\w+)/.exec(message);
  if (match) return new CommandError('BadValue', `unknown operator: ${match[1]}`);
  match = /updating the path '([^']+)' would create a conflict at '([^']+)'/i.exec(message);
  if (match)
    return new CommandError(
      'ConflictingUpdateOperators',
      `Updating the path '${match[1]}' would create a conflict at '${match[2]}'`,
    );
  match = /Performing an update on the path '([^']+)' would modify the immutable field '([^']+)'/.exec(message);
  if (match)
    return new CommandError(
      'ImmutableField',
      `Performing an update on the path '${match[1]}' would modify the immutable field '${match[2]}'`,
    );
  match = /(?:accumulator|operator) '?(\$\w+)'? is not registered/.exec(message);
  if (match) return new CommandError('InvalidPipelineOperator', `Unrecognized expression '${match[1]}'`);
  if (isMingo) return new CommandError('BadValue', message);
  return new CommandError('InternalError', `in-process MongoDB test server failed: ${message}`);
}

export function errorReply(err: unknown): Document {
  const e = toCommandError(err);
  return { ok: 0, errmsg: e.message, code: e.code, codeName: e.codeName, ...e.extra };
}

/** Shape of one writeErrors entry in insert/update/delete replies. */
export function writeErrorEntry(index: number, err: unknown): Document {
  const e = toCommandError(err);
  return { index, code: e.code, ...e.extra, errmsg: e.message };
}
