/** Namespace and index administration: create/drop, list*, indexes, renameCollection. */
import { BSON } from 'bson';
import { CommandError } from '../errors';
import { normaliseIndexSpec } from '../indexes';
import { compileFilter } from '../query-engine';
import { validateCollectionName } from '../storage';
import { isPlainObject, toInteger, type Doc } from '../values';
import {
  collectionName,
  existingCollection,
  optionalObject,
  requiredArray,
  type CommandContext,
  type CommandHandler,
} from './context';

/** Fields every command may carry that are not collection options. */
const GENERIC_FIELDS = new Set([
  '$db',
  'lsid',
  '$clusterTime',
  '$readPreference',
  'txnNumber',
  'autocommit',
  'startTransaction',
  'apiVersion',
  'apiStrict',
  'apiDeprecationErrors',
  'writeConcern',
  'readConcern',
  'maxTimeMS',
  'comment',
]);

function create(ctx: CommandContext): Doc {
  const name = collectionName(ctx);
  const options: Doc = {};
  for (const [k, v] of Object.entries(ctx.command)) if (k !== 'create' && !GENERIC_FIELDS.has(k)) options[k] = v;
  if (options.viewOn !== undefined)
    throw new CommandError('CommandNotSupported', 'views are not supported by the in-process MongoDB test server');
  ctx.server.store.createCollection(ctx.db, name, options);
  return {};
}

function drop(ctx: CommandContext): Doc {
  const name = collectionName(ctx);
  const dropped = ctx.server.store.dropCollection(ctx.db, name);
  // The driver maps 26 to `drop() === false`.
  if (!dropped) throw new CommandError('NamespaceNotFound', 'ns not found');
  return { nIndexesWas: dropped.indexCount, ns: dropped.ns };
}

function dropDatabase(ctx: CommandContext): Doc {
  ctx.server.store.dropDatabase(ctx.db);
  return { dropped: ctx.db };
}

function cursorBatchSize(ctx: CommandContext): number | undefined {
  const cursor = optionalObject(ctx, 'cursor');
  return cursor?.batchSize === undefined ? undefined : toInteger(cursor.batchSize, 0);
}

function listCollections(ctx: CommandContext): Doc {
  const database = ctx.server.store.database(ctx.db);
  let entries: Doc[] = [...(database?.collections.values() ?? [])].map((c) => ({
    name: c.name,
    type: 'collection',
    options: c.options,
    info: { readOnly: false, uuid: c.uuid },
    idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
  }));
  const filter = compileFilter(optionalObject(ctx, 'filter'));
  entries = entries.filter(filter);
  if (ctx.command.nameOnly === true) entries = entries.map(({ name, type }) => ({ name, type }));
  return ctx.server.cursors.open(entries, {
    ns: `${ctx.db}.$cmd.listCollections`,
    batchSize: cursorBatchSize(ctx),
    session: ctx.session,
  });
}

function listDatabases(ctx: CommandContext): Doc {
  if (ctx.db !== 'admin')
    throw new CommandError('Unauthorized', 'listDatabases may only be run against the admin database.');
  let databases: Doc[] = ctx.server.store.databases().map((db) => {
    let sizeOnDisk = 0;
    for (const c of db.collections.values()) for (const d of c.documents()) sizeOnDisk += BSON.calculateObjectSize(d);
    return { name: db.name, sizeOnDisk, empty: false };
  });
  const filter = compileFilter(optionalObject(ctx, 'filter'));
  databases = databases.filter(filter);
  const totalSize = databases.reduce((sum, d) => sum + (d.sizeOnDisk as number), 0);
  if (ctx.command.nameOnly === true) return { databases: databases.map(({ name }) => ({ name })) };
  return { databases, totalSize, totalSizeMb: Math.floor(totalSize / (1024 * 1024)) };
}

function createIndexes(ctx: CommandContext): Doc {
  const name = collectionName(ctx);
  const rawSpecs = requiredArray(ctx, 'indexes');
  if (rawSpecs.length === 0) throw new CommandError('BadValue', 'Must specify at least one index to create');
  const specs = rawSpecs.map(normaliseIndexSpec);
  const createdCollectionAutomatically = !ctx.server.store.collection(ctx.db, name);
  const collection = ctx.server.store.ensureCollection(ctx.db, name);
  const numIndexesBefore = collection.indexCount;
  const created: string[] = [];
  try {
    for (const spec of specs) if (collection.createIndex(spec)) created.push(spec.name);
  } catch (err) {
    // mongod builds a createIndexes batch all-or-nothing
    for (const indexName of created) collection.dropIndex(indexName);
    throw err;
  }
  return {
    numIndexesBefore,
    numIndexesAfter: collection.indexCount,
    createdCollectionAutomatically,
    ...(created.length === 0 ? { note: 'all indexes already exist' } : {}),
  };
}

function listIndexes(ctx: CommandContext): Doc {
  const collection = existingCollection(ctx);
  if (!collection) throw new CommandError('NamespaceNotFound', `ns does not exist: ${ctx.db}.${collectionName(ctx)}`);
  return ctx.server.cursors.open(collection.indexSpecs(), {
    ns: collection.ns,
    batchSize: cursorBatchSize(ctx),
    session: ctx.session,
  });
}

function dropIndexes(ctx: CommandContext): Doc {
  const collection = existingCollection(ctx);
  if (!collection) throw new CommandError('NamespaceNotFound', 'ns not found');
  const nIndexesWas = collection.indexCount;
  const target = ctx.command.index;
  if (target === '*') {
    collection.dropAllIndexes();
    return { nIndexesWas, msg: 'non-_id indexes dropped for collection' };
  }
  if (Array.isArray(target)) {
    for (const n of target)
      if (typeof n !== 'string') throw new CommandError('TypeMismatch', 'dropIndexes index names must be strings');
    for (const n of target as string[]) collection.dropIndex(n);
  } else if (typeof target === 'string' || isPlainObject(target)) {
    collection.dropIndex(target);
  } else {
    throw new CommandError(
      'TypeMismatch',
      "BSON field 'dropIndexes.index' must be a string, an object or an array of strings",
    );
  }
  return { nIndexesWas };
}

function renameCollection(ctx: CommandContext): Doc {
  if (ctx.db !== 'admin')
    throw new CommandError('Unauthorized', 'renameCollection may only be run against the admin database.');
  const split = (ns: unknown): [string, string] => {
    const text = typeof ns === 'string' ? ns : '';
    const dot = text.indexOf('.');
    if (dot <= 0) throw new CommandError('InvalidNamespace', `Invalid namespace specified '${text}'`);
    return [text.slice(0, dot), validateCollectionName(text.slice(0, dot), text.slice(dot + 1))];
  };
  const [fromDb, from] = split(ctx.command.renameCollection);
  const [toDb, to] = split(ctx.command.to);
  ctx.server.store.renameCollection(fromDb, from, toDb, to, ctx.command.dropTarget === true);
  return {};
}

export const adminCommands: Record<string, CommandHandler> = {
  create,
  drop,
  dropDatabase,
  listCollections,
  listDatabases,
  createIndexes,
  listIndexes,
  dropIndexes,
  deleteIndexes: dropIndexes,
  renameCollection,
};
