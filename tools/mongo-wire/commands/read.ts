/** Query commands: find, getMore, killCursors, count, distinct, aggregate. */
import { CommandError } from '../errors';
import { projectDocuments, runPipeline, sortDocuments } from '../query-engine';
import { isPlainObject, toInteger, valueKey, valuesAtPath, type Doc } from '../values';
import {
  collectionName,
  engineOptions,
  existingCollection,
  findMatching,
  optionalObject,
  requiredArray,
  type CommandContext,
  type CommandHandler,
} from './context';
import { narrowPipeline, pipelineInput } from './pipeline-narrowing';

function nonNegative(ctx: CommandContext, field: string, value: number): number {
  if (value < 0) throw new CommandError('BadValue', `${field} value must be non-negative, but received: ${value}`);
  return value;
}

function find(ctx: CommandContext): Doc {
  const { command } = ctx;
  const name = collectionName(ctx);
  const collection = ctx.server.store.collection(ctx.db, name);
  const filter = optionalObject(ctx, 'filter') ?? {};
  let limit = toInteger(command.limit, 0);
  let singleBatch = command.singleBatch === true;
  if (limit < 0) {
    // legacy negative limit: "return this many and close the cursor"
    limit = -limit;
    singleBatch = true;
  }
  const skip = nonNegative(ctx, 'skip', toInteger(command.skip, 0));
  const batchSize =
    command.batchSize === undefined ? undefined : nonNegative(ctx, 'batchSize', toInteger(command.batchSize, 0));

  let docs = collection ? findMatching(collection, filter, engineOptions(ctx, command.let)) : [];
  docs = sortDocuments(docs, command.sort);
  docs = docs.slice(skip, limit ? skip + limit : undefined);
  docs = projectDocuments(docs, command.projection, filter);
  return ctx.server.cursors.open(docs, { ns: `${ctx.db}.${name}`, batchSize, singleBatch, session: ctx.session });
}

function getMore(ctx: CommandContext): Doc {
  const collection = ctx.command.collection;
  if (typeof collection !== 'string')
    throw new CommandError('FailedToParse', "BSON field 'getMore.collection' is missing but a required field");
  const batchSize = ctx.command.batchSize === undefined ? undefined : toInteger(ctx.command.batchSize, 0);
  return ctx.server.cursors.getMore(ctx.command.getMore, `${ctx.db}.${collection}`, batchSize);
}

function killCursors(ctx: CommandContext): Doc {
  collectionName(ctx);
  const { killed, notFound } = ctx.server.cursors.kill(requiredArray(ctx, 'cursors'));
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [] };
}

function count(ctx: CommandContext): Doc {
  const collection = existingCollection(ctx);
  const query = optionalObject(ctx, 'query') ?? {};
  const skip = nonNegative(ctx, 'skip', toInteger(ctx.command.skip, 0));
  const limit = Math.abs(toInteger(ctx.command.limit, 0));
  const matched = collection ? findMatching(collection, query, engineOptions(ctx)).length : 0;
  const afterSkip = Math.max(matched - skip, 0);
  return { n: limit ? Math.min(afterSkip, limit) : afterSkip };
}

function distinct(ctx: CommandContext): Doc {
  const key = ctx.command.key;
  if (typeof key !== 'string')
    throw new CommandError('FailedToParse', "BSON field 'distinct.key' is missing but a required field");
  const collection = existingCollection(ctx);
  const query = optionalObject(ctx, 'query') ?? {};
  const values = new Map<string, unknown>();
  for (const doc of collection ? findMatching(collection, query, engineOptions(ctx)) : []) {
    // Array values contribute their elements, as with a multikey index.
    for (const v of valuesAtPath(doc, key).flatMap((x) => (Array.isArray(x) ? x : [x]))) {
      if (v === undefined) continue;
      const k = valueKey(v);
      if (!values.has(k)) values.set(k, v);
    }
  }
  return { values: [...values.values()] };
}

function aggregate(ctx: CommandContext): Doc {
  const { command } = ctx;
  const target = command.aggregate;
  if (command.explain)
    throw new CommandError('CommandNotSupported', 'explain is not supported by the in-process MongoDB test server');
  const cursor = command.cursor;
  if (!isPlainObject(cursor))
    throw new CommandError(
      'FailedToParse',
      "The 'cursor' option is required, except for aggregate with the explain argument",
    );
  const { store } = ctx.server;
  let input: Doc[] = [];
  let ns = `${ctx.db}.$cmd.aggregate`;
  if (typeof target === 'string') {
    const name = collectionName(ctx);
    input = pipelineInput(store.collection(ctx.db, name), command.pipeline);
    ns = `${ctx.db}.${name}`;
  } else if (target !== 1) {
    throw new CommandError('FailedToParse', "Invalid 'aggregate' field: must be a collection name or 1");
  }
  ctx.server.stats.documentsExamined += input.length;
  const { pipeline, foreign } = narrowPipeline(command.pipeline, (name) => store.collection(ctx.db, name));
  const results = runPipeline(input, pipeline, engineOptions(ctx, command.let, foreign));
  const batchSize =
    cursor.batchSize === undefined ? undefined : nonNegative(ctx, 'batchSize', toInteger(cursor.batchSize, 0));
  return ctx.server.cursors.open(results, { ns, batchSize, session: ctx.session });
}

export const readCommands: Record<string, CommandHandler> = { find, getMore, killCursors, count, distinct, aggregate };
