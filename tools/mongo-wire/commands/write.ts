/**
 * Write commands: insert, update, delete, findAndModify.
 *
 * Replies follow mongod: `n`/`nModified`/`upserted` counts, per-statement
 * `writeErrors` (ordered batches stop at the first one, unordered continue),
 * while findAndModify reports failures as a command error.
 */
import { CommandError, writeErrorEntry } from '../errors';
import { MAX_WRITE_BATCH_SIZE } from '../protocol';
import { projectDocuments, sortDocuments } from '../query-engine';
import { applyUpdate, buildUpsertDocument, classifyUpdate, type UpdateContext } from '../update';
import { bsonType, isPlainObject, newObjectId, sameValue, toInteger, withIdFirst, type Doc } from '../values';
import {
  collectionName,
  engineOptions,
  findMatching,
  optionalObject,
  requiredArray,
  type CommandContext,
  type CommandHandler,
} from './context';

function batch(ctx: CommandContext, field: string): unknown[] {
  const items = requiredArray(ctx, field);
  if (items.length === 0 || items.length > MAX_WRITE_BATCH_SIZE) {
    throw new CommandError(
      'BadValue',
      `Write batch sizes must be between 1 and ${MAX_WRITE_BATCH_SIZE}. Got ${items.length} operations.`,
    );
  }
  return items;
}

/** Runs each statement, collecting writeErrors; ordered batches stop at the first failure. */
function eachStatement(ctx: CommandContext, items: unknown[], run: (item: unknown) => void): Doc[] {
  const ordered = ctx.command.ordered !== false;
  const writeErrors: Doc[] = [];
  for (let i = 0; i < items.length; i++) {
    try {
      run(items[i]);
    } catch (err) {
      writeErrors.push(writeErrorEntry(i, err));
      if (ordered) break;
    }
  }
  return writeErrors;
}

function prepareForInsert(raw: unknown): Doc {
  if (!isPlainObject(raw)) throw new CommandError('TypeMismatch', 'document to insert must be an object');
  if ('_id' in raw) {
    const id = raw._id;
    const badType = Array.isArray(id)
      ? 'array'
      : id instanceof RegExp || bsonType(id) === 'BSONRegExp'
        ? 'regex'
        : id === undefined
          ? 'undefined'
          : undefined;
    if (badType) throw new CommandError('InvalidIdField', `The '_id' value cannot be of type ${badType}`);
    return withIdFirst(raw);
  }
  return { _id: newObjectId(), ...raw };
}

function insert(ctx: CommandContext): Doc {
  const name = collectionName(ctx);
  const documents = batch(ctx, 'documents');
  const collection = ctx.server.store.ensureCollection(ctx.db, name);
  let n = 0;
  const writeErrors = eachStatement(ctx, documents, (raw) => {
    collection.insert(prepareForInsert(raw));
    n++;
  });
  return writeErrors.length ? { n, writeErrors } : { n };
}

interface UpdateOutcome {
  n: number;
  nModified: number;
  upsertedId?: unknown;
}

function runUpdateStatement(ctx: CommandContext, name: string, raw: Doc): UpdateOutcome {
  const filter = raw.q as Doc;
  const multi = raw.multi === true;
  // Parsed up front: an invalid update fails even when nothing matches.
  if (classifyUpdate(raw.u) === 'replacement' && multi) {
    throw new CommandError('FailedToParse', 'multi update is not supported for replacement-style update');
  }
  const updateCtx: UpdateContext = {
    filter,
    arrayFilters: Array.isArray(raw.arrayFilters) ? raw.arrayFilters : undefined,
    variables: isPlainObject(raw.c) ? raw.c : isPlainObject(ctx.command.let) ? ctx.command.let : undefined,
  };
  const collection = ctx.server.store.collection(ctx.db, name);
  const sorted = !multi && isPlainObject(raw.sort);
  let matches = collection
    ? findMatching(collection, filter, {
        ...engineOptions(ctx, ctx.command.let),
        limit: multi || sorted ? undefined : 1,
      })
    : [];
  if (sorted) matches = sortDocuments(matches, raw.sort).slice(0, 1);

  let nModified = 0;
  for (const doc of matches) {
    const next = applyUpdate(doc, raw.u, updateCtx);
    if (!sameValue(doc, next)) {
      collection!.replace(doc, next);
      nModified++;
    }
  }
  if (matches.length === 0 && raw.upsert === true) {
    const doc = buildUpsertDocument(raw.u, updateCtx);
    ctx.server.store.ensureCollection(ctx.db, name).insert(doc);
    return { n: 1, nModified: 0, upsertedId: doc._id };
  }
  return { n: matches.length, nModified };
}

/** Shape checks mongod makes while parsing the command: failures reject the whole command, not one statement. */
function parseStatements(ctx: CommandContext, field: 'updates' | 'deletes'): Doc[] {
  const statements = batch(ctx, field);
  const required = field === 'updates' ? ['q', 'u'] : ['q', 'limit'];
  for (const statement of statements) {
    if (!isPlainObject(statement))
      throw new CommandError('TypeMismatch', `BSON field '${ctx.name}.${field}' must be an array of objects`);
    for (const key of required) {
      if (statement[key] === undefined)
        throw new CommandError(
          'FailedToParse',
          `BSON field '${ctx.name}.${field}.${key}' is missing but a required field`,
        );
    }
    if (!isPlainObject(statement.q))
      throw new CommandError(
        'TypeMismatch',
        `BSON field '${ctx.name}.${field}.q' is the wrong type, expected type 'object'`,
      );
    if (field === 'deletes') {
      const limit = toInteger(statement.limit, NaN);
      if (limit !== 0 && limit !== 1)
        throw new CommandError(
          'FailedToParse',
          `The limit field in delete objects must be 0 or 1. Got ${String(statement.limit)}`,
        );
    }
  }
  return statements as Doc[];
}

function update(ctx: CommandContext): Doc {
  const name = collectionName(ctx);
  const statements = parseStatements(ctx, 'updates');
  let n = 0;
  let nModified = 0;
  const upserted: Doc[] = [];
  let index = 0;
  const writeErrors = eachStatement(ctx, statements, (raw) => {
    const i = index++;
    const outcome = runUpdateStatement(ctx, name, raw as Doc);
    n += outcome.n;
    nModified += outcome.nModified;
    if (outcome.upsertedId !== undefined) upserted.push({ index: i, _id: outcome.upsertedId });
  });
  return { n, nModified, ...(upserted.length ? { upserted } : {}), ...(writeErrors.length ? { writeErrors } : {}) };
}

function deleteCommand(ctx: CommandContext): Doc {
  const name = collectionName(ctx);
  const statements = parseStatements(ctx, 'deletes');
  const collection = ctx.server.store.collection(ctx.db, name);
  let n = 0;
  const writeErrors = eachStatement(ctx, statements, (raw) => {
    const { q, limit } = raw as Doc;
    if (!collection) return;
    for (const doc of findMatching(collection, q, {
      ...engineOptions(ctx, ctx.command.let),
      limit: toInteger(limit, 0),
    })) {
      collection.remove(doc);
      n++;
    }
  });
  return writeErrors.length ? { n, writeErrors } : { n };
}

function findAndModify(ctx: CommandContext): Doc {
  const { command } = ctx;
  const name = collectionName(ctx);
  const query = optionalObject(ctx, 'query') ?? {};
  const remove = command.remove === true;
  const hasUpdate = command.update !== undefined;
  if (remove && hasUpdate) throw new CommandError('FailedToParse', 'Cannot specify both an update and remove=true');
  if (!remove && !hasUpdate)
    throw new CommandError('FailedToParse', 'Either an update or remove=true must be specified');
  if (remove && command.upsert === true)
    throw new CommandError('FailedToParse', 'Cannot specify both upsert=true and remove=true');
  if (remove && command.new === true)
    throw new CommandError(
      'FailedToParse',
      "Cannot specify both new=true and remove=true; 'remove' always returns the deleted document",
    );

  const fields = optionalObject(ctx, 'fields');
  const project = (doc: Doc | null): Doc | null => (doc ? projectDocuments([doc], fields, query)[0] : null);
  const collection = ctx.server.store.collection(ctx.db, name);
  const sorted = isPlainObject(command.sort) && Object.keys(command.sort).length > 0;
  let matches = collection
    ? findMatching(collection, query, { ...engineOptions(ctx, command.let), limit: sorted ? undefined : 1 })
    : [];
  if (sorted) matches = sortDocuments(matches, command.sort);
  const doc = matches[0];

  if (remove) {
    if (doc) collection!.remove(doc);
    return { lastErrorObject: { n: doc ? 1 : 0 }, value: project(doc ?? null) };
  }
  const updateCtx: UpdateContext = {
    filter: query,
    arrayFilters: Array.isArray(command.arrayFilters) ? command.arrayFilters : undefined,
    variables: isPlainObject(command.let) ? command.let : undefined,
  };
  if (doc) {
    const next = applyUpdate(doc, command.update, updateCtx);
    if (!sameValue(doc, next)) collection!.replace(doc, next);
    return { lastErrorObject: { n: 1, updatedExisting: true }, value: project(command.new === true ? next : doc) };
  }
  if (command.upsert === true) {
    const inserted = buildUpsertDocument(command.update, updateCtx);
    ctx.server.store.ensureCollection(ctx.db, name).insert(inserted);
    return {
      lastErrorObject: { n: 1, updatedExisting: false, upserted: inserted._id },
      value: project(command.new === true ? inserted : null),
    };
  }
  classifyUpdate(command.update); // an invalid update is an error even when nothing matched
  return { lastErrorObject: { n: 0, updatedExisting: false }, value: null };
}

export const writeCommands: Record<string, CommandHandler> = {
  insert,
  update,
  delete: deleteCommand,
  findAndModify,
  findandmodify: findAndModify,
};
