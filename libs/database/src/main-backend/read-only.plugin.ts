import { Schema } from 'mongoose';

export class ReadOnlyCollectionError extends Error {
  constructor(collection: string, op: string) {
    super(`${collection} belongs to the main backend and is read-only here (attempted ${op})`);
    this.name = 'ReadOnlyCollectionError';
  }
}

const WRITE_QUERY_OPS = [
  'updateOne',
  'updateMany',
  'deleteOne',
  'deleteMany',
  'findOneAndUpdate',
  'findOneAndDelete',
  'findOneAndReplace',
  'replaceOne',
] as const;
const READ_QUERY_OPS = ['find', 'findOne', 'countDocuments', 'distinct'] as const;
const NOT_DELETED = { isDeleted: { $ne: true } };

/**
 * The main backend owns these collections: we must never write them and must never see soft-deleted
 * documents. Enforcing both here means no repository can forget either rule.
 */
export function mainBackendReadOnly(schema: Schema, collection: string): void {
  schema.set('autoIndex', false); // creating an index is a write to their database too
  schema.set('autoCreate', false);
  schema.set('versionKey', false);

  for (const op of WRITE_QUERY_OPS) {
    schema.pre(op, function () {
      throw new ReadOnlyCollectionError(collection, op);
    });
  }
  schema.pre('save', function () {
    throw new ReadOnlyCollectionError(collection, 'save');
  });
  schema.pre('insertMany', function () {
    throw new ReadOnlyCollectionError(collection, 'insertMany');
  });
  schema.pre('bulkWrite', function () {
    throw new ReadOnlyCollectionError(collection, 'bulkWrite');
  });

  for (const op of READ_QUERY_OPS) {
    schema.pre(op, function () {
      if (this.getFilter().isDeleted === undefined) this.where(NOT_DELETED);
    });
  }
  schema.pre('aggregate', function () {
    this.pipeline().unshift({ $match: NOT_DELETED });
  });
}
