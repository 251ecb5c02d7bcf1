import { Types } from 'mongoose';

const HEX24 = /^[0-9a-fA-F]{24}$/;

/** Strict check: mongoose's isValid also accepts any 12-character string, which is not an id a client sends. */
export function isObjectIdHex(value: unknown): value is string {
  return typeof value === 'string' && HEX24.test(value);
}

export function toObjectId(value: string | Types.ObjectId): Types.ObjectId {
  return typeof value === 'string' ? new Types.ObjectId(value) : value;
}
