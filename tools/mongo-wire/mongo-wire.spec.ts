/**
 * End-to-end behaviour of the in-process MongoDB server, exercised the way the
 * application reaches it: mongoose 9 and the mongodb 7 driver over TCP. The raw
 * driver is used where mongoose has no API (killCursors, listDatabases, raw
 * commands, read options such as promoteLongs).
 */
import {
  Binary,
  BSONRegExp,
  Decimal128,
  Long,
  MongoClient,
  ObjectId,
  UUID,
  type Db,
  type Document,
  type MongoServerError,
} from 'mongodb';
import mongoose, { Schema, type Connection } from 'mongoose';
import { uniqueDbName } from '../embedded-mongo/embedded-mongo';
import { startMongoWireServer, type MongoWireServer } from './index';

/** These tests use non-ObjectId `_id`s and dotted paths freely, so collections are loosely typed. */
type AnyDoc = { _id?: string | number | ObjectId; [field: string]: any };

let server: MongoWireServer;
let client: MongoClient;

beforeAll(async () => {
  server = await startMongoWireServer();
  client = await MongoClient.connect(server.uri, { serverSelectionTimeoutMS: 2_000 });
});

afterAll(async () => {
  await client?.close();
  await server?.close();
});

function freshDb(): Db {
  return client.db(uniqueDbName('wire'));
}

async function mongooseConnection(): Promise<Connection> {
  return mongoose
    .createConnection(`${server.uri}/${uniqueDbName('mg')}`, { serverSelectionTimeoutMS: 2_000 })
    .asPromise();
}

/**
 * Runs `fn` and returns the server error it must throw. Matched by name, not
 * instanceof: mongoose bundles its own copy of the driver.
 */
async function serverError(fn: () => Promise<unknown>): Promise<MongoServerError> {
  try {
    await fn();
  } catch (err) {
    if ((err as Error).name === 'MongoServerError' || (err as Error).name === 'MongoBulkWriteError')
      return err as MongoServerError;
    throw err;
  }
  throw new Error('expected a MongoServerError');
}

/** Polls until `check` passes: fire-and-forget (moreToCome) commands are processed after the client moved on. */
async function eventually(check: () => void, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

describe('handshake and server identity', () => {
  it('answers hello as a writable standalone 7.0 server', async () => {
    const reply = await client.db('admin').command({ hello: 1 });
    expect(reply).toMatchObject({
      isWritablePrimary: true,
      maxWireVersion: 21,
      minWireVersion: 0,
      maxBsonObjectSize: 16 * 1024 * 1024,
      maxMessageSizeBytes: 48_000_000,
      maxWriteBatchSize: 100_000,
      logicalSessionTimeoutMinutes: 30,
      ok: 1,
    });
    expect(reply.localTime).toBeInstanceOf(Date);
    expect(typeof reply.connectionId).toBe('number');
    expect(reply.setName).toBeUndefined();
    expect(reply.topologyVersion).toBeUndefined(); // keeps the driver on polling monitors
  });

  it('answers the legacy isMaster spelling with ismaster', async () => {
    const reply = await client.db('admin').command({ isMaster: 1 });
    expect(reply.ismaster).toBe(true);
    expect(reply.maxWireVersion).toBe(21);
  });

  it('answers ping and buildInfo', async () => {
    expect(await client.db('admin').command({ ping: 1 })).toEqual({ ok: 1 });
    const info = await client.db('admin').command({ buildInfo: 1 });
    expect(info.version).toBe('7.0.0');
    expect(info.versionArray).toEqual([7, 0, 0, 0]);
  });

  it('rejects unknown commands with CommandNotFound and keeps the connection usable', async () => {
    const err = await serverError(() => client.db('admin').command({ fooBarBaz: 1 }));
    expect(err.code).toBe(59);
    expect(err.codeName).toBe('CommandNotFound');
    expect(err.message).toBe("no such command: 'fooBarBaz'");
    expect((await client.db('admin').command({ ping: 1 })).ok).toBe(1);
  });

  it('negotiates no compression, so clients asking for zlib still talk plain OP_MSG', async () => {
    const zlibClient = await MongoClient.connect(server.uri, {
      compressors: ['zlib'],
      serverSelectionTimeoutMS: 2_000,
    });
    try {
      const coll = zlibClient.db(uniqueDbName('zlib')).collection('c');
      await coll.insertOne({ text: 'y'.repeat(10_000) });
      expect((await coll.findOne({}))?.text).toHaveLength(10_000);
    } finally {
      await zlibClient.close();
    }
  });

  it('treats driver plumbing fields (lsid, $clusterTime, apiVersion...) as noise', async () => {
    const reply = await client
      .db('x')
      .command({ ping: 1, apiVersion: '1', $readPreference: { mode: 'primary' }, comment: 'hi' });
    expect(reply.ok).toBe(1);
  });
});

describe('CRUD through mongoose', () => {
  let conn: Connection;
  beforeAll(async () => {
    conn = await mongooseConnection();
  });
  afterAll(async () => {
    await conn.close();
  });

  const itemSchema = new Schema(
    {
      name: String,
      qty: Number,
      price: Schema.Types.Decimal128,
      tags: [String],
      owner: Schema.Types.ObjectId,
      meta: { color: String, sizes: [Number] },
      seenAt: Date,
    },
    { timestamps: true },
  );

  it('creates, reads, updates and deletes documents', async () => {
    const Item = conn.model('CrudItem', itemSchema);
    const owner = new ObjectId();
    const created = await Item.create({
      name: 'pen',
      qty: 3,
      price: '1.25',
      tags: ['a'],
      owner,
      meta: { color: 'red', sizes: [1, 2] },
    });

    const byId = await Item.findById(created._id).lean();
    expect(byId?.name).toBe('pen');
    expect(byId?.owner).toBeInstanceOf(ObjectId);
    expect(byId?.owner?.equals(owner)).toBe(true);
    expect(byId?.price?.toString()).toBe('1.25');
    expect(byId?.createdAt).toBeInstanceOf(Date);
    expect(byId?.meta?.sizes).toEqual([1, 2]);

    const doc = await Item.findOne({ name: 'pen' });
    doc!.qty = 7;
    doc!.tags.push('b');
    await doc!.save();
    expect((await Item.findById(created._id).lean())?.tags).toEqual(['a', 'b']);
    expect((await Item.findById(created._id).lean())?.qty).toBe(7);

    await Item.create([
      { name: 'cup', qty: 1 },
      { name: 'mug', qty: 10 },
    ]);
    expect(await Item.countDocuments({ qty: { $gte: 5 } })).toBe(2);
    const names = (await Item.find({}, { name: 1, _id: 0 }).sort({ qty: -1 }).lean()).map((d) => d.name);
    expect(names).toEqual(['mug', 'pen', 'cup']);

    const del = await Item.deleteOne({ name: 'cup' });
    expect(del.deletedCount).toBe(1);
    expect(await Item.exists({ name: 'cup' })).toBeNull();
    const many = await Item.deleteMany({});
    expect(many.deletedCount).toBe(2);
    expect(await Item.estimatedDocumentCount()).toBe(0);
  });

  it('applies update operators like mongod', async () => {
    const Item = conn.model('OpsItem', itemSchema);
    const { _id } = await Item.create({
      name: 'box',
      qty: 5,
      tags: ['x', 'y', 'z'],
      meta: { color: 'blue', sizes: [5, 1] },
    });
    const before = new Date();
    // typed as a plain Document: the driver's typings reject $push/$pull on schemas without declared arrays
    const update: Document = {
      $set: { 'meta.color': 'green' },
      $unset: { name: '' },
      $inc: { qty: 2 },
      $push: { 'meta.sizes': { $each: [3, 9], $sort: 1 } },
      $pull: { tags: 'y' },
      $addToSet: { extras: { $each: ['k', 'k', 'm'] } },
      $currentDate: { seenAt: true },
      $min: { low: 4 },
      $max: { high: 8 },
    };
    await Item.collection.updateOne({ _id }, update);
    const doc = await Item.collection.findOne({ _id });
    expect(doc).toMatchObject({
      qty: 7,
      tags: ['x', 'z'],
      meta: { color: 'green', sizes: [1, 3, 5, 9] },
      extras: ['k', 'm'],
      low: 4,
      high: 8,
    });
    expect(doc).not.toHaveProperty('name');
    expect(doc?.seenAt.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);

    await Item.collection.updateOne(
      { _id },
      { $min: { low: 9 }, $max: { high: 2 }, $mul: { qty: 3 }, $rename: { extras: 'more' } },
    );
    expect(await Item.collection.findOne({ _id })).toMatchObject({ low: 4, high: 8, qty: 21, more: ['k', 'm'] });

    await Item.collection.updateOne({ _id }, { $set: { 'tags.$[t]': 'X' } }, { arrayFilters: [{ t: 'x' }] });
    await Item.collection.updateOne({ _id, 'meta.sizes': 3 }, { $set: { 'meta.sizes.$': 30 } });
    expect(await Item.collection.findOne({ _id })).toMatchObject({ tags: ['X', 'z'], meta: { sizes: [1, 30, 5, 9] } });
  });

  it('reports matched and modified counts, counting no-op updates as unmodified', async () => {
    const Item = conn.model('CountItem', itemSchema);
    await Item.create([
      { name: 'a', qty: 1 },
      { name: 'b', qty: 1 },
      { name: 'c', qty: 2 },
    ]);
    // raw collection: mongoose would add updatedAt and turn the no-op into a change
    const many = await Item.collection.updateMany({ qty: 1 }, { $set: { qty: 1 } });
    expect(many.matchedCount).toBe(2);
    expect(many.modifiedCount).toBe(0);
    const changed = await Item.updateMany({}, { $inc: { qty: 10 } });
    expect(changed.matchedCount).toBe(3);
    expect(changed.modifiedCount).toBe(3);
    const none = await Item.updateOne({ name: 'zzz' }, { $set: { qty: 0 } });
    expect(none.matchedCount).toBe(0);
    expect(await Item.countDocuments({ qty: { $gt: 10 } })).toBe(3);
  });

  it('replaces whole documents but refuses to change _id', async () => {
    const Item = conn.model('ReplaceItem', itemSchema);
    const { _id } = await Item.create({ name: 'old', qty: 1, tags: ['t'] });
    const res = await Item.collection.replaceOne({ _id }, { name: 'new', qty: 2 });
    expect(res.modifiedCount).toBe(1);
    const raw = await Item.collection.findOne({ _id });
    expect(raw).toEqual({ _id, name: 'new', qty: 2 });

    const err = await serverError(() => Item.collection.replaceOne({ _id }, { _id: new ObjectId(), name: 'x' }));
    expect(err.code).toBe(66);
    const err2 = await serverError(() => Item.collection.updateOne({ _id }, { $set: { _id: new ObjectId() } }));
    expect(err2.code).toBe(66);
    expect(err2.message).toContain("immutable field '_id'");
  });

  it('supports pipeline-style updates', async () => {
    const Item = conn.model('PipelineItem', itemSchema);
    const { _id } = await Item.create({ name: 'p', qty: 4 });
    await Item.collection.updateOne({ _id }, [
      { $set: { doubled: { $multiply: ['$qty', 2] }, label: { $concat: ['$name', '-', 'x'] } } },
      { $unset: 'qty' },
    ]);
    const doc = await Item.collection.findOne({ _id });
    expect(doc).toMatchObject({ doubled: 8, label: 'p-x' });
    expect(doc).not.toHaveProperty('qty');
  });

  it('round-trips BSON types (ObjectId, Date, Decimal128, Long, Binary, UUID)', async () => {
    const coll = freshDb().collection<AnyDoc>('types');
    const big = Long.fromString('9007199254740993');
    const uuid = new UUID();
    const when = new Date('2024-02-29T12:34:56.789Z');
    const oid = new ObjectId();
    await coll.insertOne({
      _id: 'doc',
      oid,
      when,
      dec: Decimal128.fromString('12.345'),
      big,
      small: Long.fromNumber(5),
      bin: new Binary(Buffer.from('hi')),
      uuid,
      nested: { arr: [1, 'two', null] },
    });

    const raw = await coll.findOne({ _id: 'doc' }, { promoteLongs: false });
    expect(raw?.oid).toBeInstanceOf(ObjectId);
    expect(raw?.oid.equals(oid)).toBe(true);
    expect(raw?.when).toEqual(when);
    expect(raw?.dec).toBeInstanceOf(Decimal128);
    expect(raw?.dec.toString()).toBe('12.345');
    expect(raw?.big).toBeInstanceOf(Long);
    expect(raw?.big.toString()).toBe('9007199254740993');
    expect(raw?.small).toBeInstanceOf(Long); // an int64 stays an int64
    expect(Buffer.from(raw?.bin.buffer).toString()).toBe('hi');
    expect(raw?.uuid.toString()).toBe(uuid.toString());
    expect(raw?.nested).toEqual({ arr: [1, 'two', null] });
    expect((await coll.findOne({ _id: 'doc' }, { useBigInt64: true }))?.big).toBe(9007199254740993n);

    // Longs and decimals match plain numbers, as in mongod.
    expect(await coll.countDocuments({ small: 5 })).toBe(1);
    expect(await coll.countDocuments({ dec: { $gt: 12 } })).toBe(1);
    expect(await coll.countDocuments({ when: { $gte: new Date('2024-01-01') } })).toBe(1);

    // Arithmetic keeps the stored type and is exact for decimals.
    await coll.updateOne({ _id: 'doc' }, { $inc: { big: 1, dec: Decimal128.fromString('0.005') } });
    const after = await coll.findOne({ _id: 'doc' }, { promoteLongs: false });
    expect(after?.big.toString()).toBe('9007199254740994');
    expect(after?.big).toBeInstanceOf(Long);
    expect(after?.dec.toString()).toBe('12.350');
  });

  it('keeps BSON regex flags JS cannot express and matches with them', async () => {
    const coll = freshDb().collection<AnyDoc>('regex');
    await coll.insertMany([
      { _id: 1, t: 'a\nb', r: new BSONRegExp('a b # spaced', 'ix') },
      { _id: 2, t: 'pen' },
    ]);
    const stored = await coll.findOne({ _id: 1 }, { bsonRegExp: true });
    expect(stored?.r).toEqual(new BSONRegExp('a b # spaced', 'ix'));
    // (a JS /…/s cannot be used here: the bson serializer does not transmit the dotAll flag)
    expect(await coll.countDocuments({ t: new BSONRegExp('a.b', 's') })).toBe(1);
    expect(await coll.countDocuments({ t: /a.b/ })).toBe(0);
    expect(await coll.countDocuments({ t: new BSONRegExp('^ P e  n $ # extended', 'xi') })).toBe(1);
  });

  it('rejects $inc on non-numeric values with TypeMismatch', async () => {
    const coll = freshDb().collection<AnyDoc>('inc');
    await coll.insertOne({ _id: 1, s: 'text' });
    const err = await serverError(() => coll.updateOne({ _id: 1 }, { $inc: { s: 1 } }));
    expect(err.code).toBe(14);
    const err2 = await serverError(() => coll.updateOne({ _id: 1 }, { $inc: { n: 'x' as unknown as number } }));
    expect(err2.code).toBe(14);
  });

  it('rejects conflicting update operators on the same path', async () => {
    const coll = freshDb().collection<AnyDoc>('conflict');
    await coll.insertOne({ _id: 1, a: 1 });
    const err = await serverError(() => coll.updateOne({ _id: 1 }, { $set: { a: 2 }, $inc: { a: 1 } }));
    expect(err.code).toBe(40);
  });

  it('fails duplicate _id inserts with E11000 and continues unordered batches', async () => {
    const coll = freshDb().collection<AnyDoc>('dups');
    await coll.insertOne({ _id: 1 });
    const one = await serverError(() => coll.insertOne({ _id: 1 }));
    expect(one.code).toBe(11000);
    expect(one.message).toMatch(/^E11000 duplicate key error collection: \S+\.dups index: _id_ dup key: \{ _id: 1 \}$/);

    const bulk = await serverError(() => coll.insertMany([{ _id: 2 }, { _id: 1 }, { _id: 3 }], { ordered: false }));
    expect(bulk.code).toBe(11000);
    expect((bulk as unknown as { result: { insertedCount: number } }).result.insertedCount).toBe(2);
    expect(await coll.countDocuments()).toBe(3);

    const ordered = await serverError(() => coll.insertMany([{ _id: 4 }, { _id: 1 }, { _id: 5 }]));
    expect(ordered.code).toBe(11000);
    expect(await coll.countDocuments({ _id: { $in: [4, 5] } })).toBe(1);
  });

  it('deletes one (limit 1) or all matches (limit 0)', async () => {
    const db = freshDb();
    await db.collection<AnyDoc>('d').insertMany([{ k: 1 }, { k: 1 }, { k: 1 }, { k: 2 }]);
    expect((await db.command({ delete: 'd', deletes: [{ q: { k: 1 }, limit: 1 }] })).n).toBe(1);
    expect((await db.command({ delete: 'd', deletes: [{ q: { k: 1 }, limit: 0 }] })).n).toBe(2);
    expect(await db.collection<AnyDoc>('d').countDocuments()).toBe(1);
    const bad = await serverError(() => db.command({ delete: 'd', deletes: [{ q: {}, limit: 5 }] }));
    expect(bad.code).toBe(9);
  });
});

describe('cursors', () => {
  it('streams 250 documents in batches of 50 through getMore', async () => {
    const db = freshDb();
    await db.collection<AnyDoc>('many').insertMany(Array.from({ length: 250 }, (_, i) => ({ i })));
    const before = server.stats().commands.getMore ?? 0;
    const docs = await db.collection<AnyDoc>('many').find({}, { batchSize: 50 }).sort({ i: -1 }).toArray();
    expect(docs).toHaveLength(250);
    expect(docs[0].i).toBe(249);
    expect(docs[249].i).toBe(0);
    expect((server.stats().commands.getMore ?? 0) - before).toBe(4);
    expect(server.stats().openCursors).toBe(0);
  });

  it('iterates a mongoose query cursor across batches', async () => {
    const conn = await mongooseConnection();
    try {
      const Row = conn.model('Row', new Schema({ i: Number }));
      await Row.insertMany(Array.from({ length: 120 }, (_, i) => ({ i })));
      const seen: number[] = [];
      for await (const row of Row.find({ i: { $gte: 10 } })
        .sort({ i: 1 })
        .batchSize(25)
        .cursor())
        seen.push(row.i!);
      expect(seen).toHaveLength(110);
      expect(seen[0]).toBe(10);
      expect(seen[109]).toBe(119);
    } finally {
      await conn.close();
    }
  });

  it('returns the first batch of 101 by default and the rest on getMore', async () => {
    const db = freshDb();
    await db.collection<AnyDoc>('c').insertMany(Array.from({ length: 150 }, (_, i) => ({ i })));
    const first = await db.command({ find: 'c' }, { promoteLongs: false });
    expect(first.cursor.firstBatch).toHaveLength(101);
    expect(first.cursor.id).toBeInstanceOf(Long); // the driver insists on an int64 cursor id
    expect(first.cursor.ns).toBe(`${db.databaseName}.c`);
    const wrongNs = await serverError(() => db.command({ getMore: first.cursor.id, collection: 'other' }));
    expect(wrongNs.code).toBe(13); // cursors are bound to their namespace
    const next = await db.command({ getMore: first.cursor.id, collection: 'c' });
    expect(next.cursor.nextBatch).toHaveLength(49);
    expect(next.cursor.id.toString()).toBe('0');
  });

  it('honours filter, sort, projection, skip, limit and singleBatch', async () => {
    const db = freshDb();
    await db
      .collection<AnyDoc>('c')
      .insertMany(Array.from({ length: 30 }, (_, i) => ({ i, even: i % 2 === 0, secret: 's' })));
    const page = await db
      .collection<AnyDoc>('c')
      .find({ even: true }, { projection: { secret: 0 } })
      .sort({ i: -1 })
      .skip(2)
      .limit(3)
      .toArray();
    expect(page.map((d) => d.i)).toEqual([24, 22, 20]);
    expect(page[0]).not.toHaveProperty('secret');
    expect(Object.keys(page[0])).toEqual(['_id', 'i', 'even']);

    const included = await db.collection<AnyDoc>('c').findOne({ i: 7 }, { projection: { i: 1 } });
    expect(Object.keys(included!)).toEqual(['_id', 'i']);

    const single = await db.command({ find: 'c', batchSize: 5, singleBatch: true });
    expect(single.cursor.firstBatch).toHaveLength(5);
    expect(single.cursor.id.toString()).toBe('0');
  });

  it('kills cursors on close() and via killCursors; a killed cursor is not found', async () => {
    const db = freshDb();
    await db.collection<AnyDoc>('k').insertMany(Array.from({ length: 40 }, (_, i) => ({ i })));
    const openBefore = server.stats().openCursors;
    const cursor = db.collection<AnyDoc>('k').find({}, { batchSize: 10 });
    await cursor.next();
    expect(server.stats().openCursors).toBe(openBefore + 1);
    const killsBefore = server.stats().commands.killCursors ?? 0;
    await cursor.close();
    expect(server.stats().commands.killCursors).toBe(killsBefore + 1);
    expect(server.stats().openCursors).toBe(openBefore);

    const opened = await db.command({ find: 'k', batchSize: 5 }, { promoteLongs: false });
    const id: Long = opened.cursor.id;
    const killed = await db.command({ killCursors: 'k', cursors: [id, Long.fromNumber(424242)] });
    expect(killed.cursorsKilled.map(String)).toEqual([id.toString()]);
    expect(killed.cursorsNotFound.map(String)).toEqual(['424242']);
    const err = await serverError(() => db.command({ getMore: id, collection: 'k' }));
    expect(err.code).toBe(43);
    expect(err.codeName).toBe('CursorNotFound');
  });
});

describe('upserts', () => {
  it('copies filter equalities into the new document and applies $setOnInsert only on insert', async () => {
    const coll = freshDb().collection<AnyDoc>('up');
    const res = await coll.updateOne(
      { email: 'a@x.io', 'profile.tier': 'gold', $and: [{ region: { $eq: 'eu' } }], score: { $gt: 5 } },
      { $set: { name: 'A' }, $setOnInsert: { createdBy: 'upsert' }, $inc: { visits: 1 } },
      { upsert: true },
    );
    expect(res.upsertedCount).toBe(1);
    expect(res.upsertedId).toBeInstanceOf(ObjectId);
    const doc = await coll.findOne({ _id: res.upsertedId! });
    expect(doc).toMatchObject({
      email: 'a@x.io',
      profile: { tier: 'gold' },
      region: 'eu',
      name: 'A',
      createdBy: 'upsert',
      visits: 1,
    });
    expect(doc).not.toHaveProperty('score');
    expect(Object.keys(doc!)[0]).toBe('_id');

    const again = await coll.updateOne(
      { email: 'a@x.io' },
      { $set: { name: 'B' }, $setOnInsert: { createdBy: 'second' }, $inc: { visits: 1 } },
      { upsert: true },
    );
    expect(again.upsertedCount).toBe(0);
    expect(again.matchedCount).toBe(1);
    expect(await coll.findOne({ email: 'a@x.io' })).toMatchObject({ name: 'B', createdBy: 'upsert', visits: 2 });
  });

  it('reports upserted ids with their statement index in bulk updates', async () => {
    const coll = freshDb().collection<AnyDoc>('bulkup');
    await coll.insertOne({ _id: 'exists', v: 0 });
    const res = await coll.bulkWrite([
      { updateOne: { filter: { _id: 'new1' }, update: { $set: { v: 1 } }, upsert: true } },
      { updateOne: { filter: { _id: 'exists' }, update: { $set: { v: 2 } }, upsert: true } },
      { replaceOne: { filter: { _id: 'new2' }, replacement: { v: 3 }, upsert: true } },
    ]);
    expect(res.upsertedCount).toBe(2);
    expect(res.upsertedIds).toEqual({ 0: 'new1', 2: 'new2' });
    expect(res.matchedCount).toBe(1);
    expect(await coll.findOne({ _id: 'new2' })).toEqual({ _id: 'new2', v: 3 });
  });

  it('upserts through mongoose findOneAndUpdate and returns the new document', async () => {
    const conn = await mongooseConnection();
    try {
      const Counter = conn.model('Counter', new Schema({ key: String, n: Number }));
      const first = await Counter.findOneAndUpdate(
        { key: 'hits' },
        { $inc: { n: 1 } },
        { upsert: true, returnDocument: 'after' },
      ).lean();
      expect(first).toMatchObject({ key: 'hits', n: 1 });
      const second = await Counter.findOneAndUpdate(
        { key: 'hits' },
        { $inc: { n: 5 } },
        { returnDocument: 'after', projection: { n: 1 } },
      ).lean();
      expect(second).toEqual({ _id: first!._id, n: 6 });
      const old = await Counter.findOneAndUpdate({ key: 'hits' }, { $set: { n: 0 } }).lean();
      expect(old?.n).toBe(6);
      const meta = await Counter.findOneAndUpdate(
        { key: 'other' },
        { $set: { n: 1 } },
        { upsert: true, includeResultMetadata: true },
      );
      expect(meta.lastErrorObject).toMatchObject({ n: 1, updatedExisting: false });
      expect(meta.lastErrorObject?.upserted).toBeInstanceOf(ObjectId);
      expect(meta.value).toBeNull();
      const removed = await Counter.findOneAndDelete({ key: 'other' }).lean();
      expect(removed?.n).toBe(1);
      expect(await Counter.countDocuments()).toBe(1);
    } finally {
      await conn.close();
    }
  });

  it('applies findAndModify sort to choose the document', async () => {
    const coll = freshDb().collection<AnyDoc>('fam');
    await coll.insertMany([
      { q: 1, p: 3 },
      { q: 1, p: 9 },
      { q: 1, p: 5 },
    ]);
    const top = await coll.findOneAndUpdate(
      { q: 1 },
      { $set: { picked: true } },
      { sort: { p: -1 }, returnDocument: 'after' },
    );
    expect(top).toMatchObject({ p: 9, picked: true });
  });
});

describe('unique indexes', () => {
  it('enforces mongoose `unique: true` after Model.init()', async () => {
    const conn = await mongooseConnection();
    try {
      const User = conn.model('User', new Schema({ email: { type: String, unique: true }, name: String }));
      await User.init();
      await User.create({ email: 'a@x.io', name: 'A' });
      const err = await serverError(() => User.create({ email: 'a@x.io', name: 'B' }));
      expect(err.code).toBe(11000);
      expect(err.message).toBe(
        `E11000 duplicate key error collection: ${conn.name}.users index: email_1 dup key: { email: "a@x.io" }`,
      );
      expect(err.keyPattern).toEqual({ email: 1 });
      expect(err.keyValue).toEqual({ email: 'a@x.io' });

      // updates and upserts that would duplicate fail the same way
      await User.create({ email: 'b@x.io' });
      const upd = await serverError(() => User.updateOne({ email: 'b@x.io' }, { $set: { email: 'a@x.io' } }));
      expect(upd.code).toBe(11000);
      const ups = await serverError(() =>
        User.updateOne({ name: 'nobody' }, { $set: { email: 'b@x.io' } }, { upsert: true }),
      );
      expect(ups.code).toBe(11000);
      expect(await User.countDocuments()).toBe(2);

      // findOneAndUpdate reports it as a command error
      const fam = await serverError(() => User.findOneAndUpdate({ email: 'b@x.io' }, { $set: { email: 'a@x.io' } }));
      expect(fam.code).toBe(11000);
      expect(fam.keyValue).toEqual({ email: 'a@x.io' });

      // unordered insertMany continues past the duplicate
      const bulk = await serverError(() =>
        User.insertMany([{ email: 'c@x.io' }, { email: 'a@x.io' }, { email: 'd@x.io' }], { ordered: false }),
      );
      expect(bulk.code).toBe(11000);
      expect(await User.countDocuments()).toBe(4);
    } finally {
      await conn.close();
    }
  });

  it('enforces compound unique indexes built by syncIndexes, and lists/drops indexes', async () => {
    const conn = await mongooseConnection();
    try {
      const schema = new Schema({ userId: Number, month: String, total: Number, expiresAt: Date });
      schema.index({ userId: 1, month: 1 }, { unique: true });
      schema.index({ expiresAt: 1 }, { expireAfterSeconds: 3600 });
      const Summary = conn.model('Summary', schema);
      await Summary.syncIndexes();

      await Summary.create([
        { userId: 1, month: '2024-01' },
        { userId: 1, month: '2024-02' },
        { userId: 2, month: '2024-01' },
      ]);
      const err = await serverError(() => Summary.create({ userId: 1, month: '2024-01' }));
      expect(err.code).toBe(11000);
      expect(err.keyPattern).toEqual({ userId: 1, month: 1 });
      expect(err.keyValue).toEqual({ userId: 1, month: '2024-01' });
      expect(err.message).toContain('index: userId_1_month_1 dup key: { userId: 1, month: "2024-01" }');

      const indexes = await Summary.listIndexes();
      expect(indexes.map((i) => i.name).sort()).toEqual(['_id_', 'expiresAt_1', 'userId_1_month_1']);
      expect(indexes.find((i) => i.name === 'expiresAt_1')?.expireAfterSeconds).toBe(3600);
      expect(indexes.find((i) => i.name === 'userId_1_month_1')?.unique).toBe(true);

      // an index the schema does not declare is dropped by syncIndexes
      await Summary.collection.createIndex({ total: 1 });
      expect(await Summary.syncIndexes()).toEqual(['total_1']);
      await Summary.collection.dropIndex('expiresAt_1');
      expect((await Summary.listIndexes()).map((i) => i.name).sort()).toEqual(['_id_', 'userId_1_month_1']);
      const dropId = await serverError(() => Summary.collection.dropIndex('_id_'));
      expect(dropId.code).toBe(72);
      const missing = await serverError(() => Summary.collection.dropIndex('nope_1'));
      expect(missing.code).toBe(27);
    } finally {
      await conn.close();
    }
  });

  it('refuses to build a unique index over existing duplicates', async () => {
    const coll = freshDb().collection<AnyDoc>('prebuilt');
    await coll.insertMany([{ sku: 'x' }, { sku: 'x' }]);
    const err = await serverError(() => coll.createIndex({ sku: 1 }, { unique: true }));
    expect(err.code).toBe(11000);
    expect((await coll.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
  });

  it('treats missing as null, honours sparse and partial filters, and indexes array elements', async () => {
    const db = freshDb();
    const plain = db.collection<AnyDoc>('plain');
    await plain.createIndex({ code: 1 }, { unique: true });
    await plain.insertOne({ a: 1 });
    expect((await serverError(() => plain.insertOne({ a: 2 }))).message).toContain('dup key: { code: null }');

    const sparse = db.collection<AnyDoc>('sparse');
    await sparse.createIndex({ code: 1 }, { unique: true, sparse: true });
    await sparse.insertMany([{ a: 1 }, { a: 2 }]);

    const partial = db.collection<AnyDoc>('partial');
    await partial.createIndex({ email: 1 }, { unique: true, partialFilterExpression: { active: true } });
    await partial.insertMany([
      { email: 'x', active: false },
      { email: 'x', active: false },
      { email: 'x', active: true },
    ]);
    expect((await serverError(() => partial.insertOne({ email: 'x', active: true }))).code).toBe(11000);

    const multikey = db.collection<AnyDoc>('multikey');
    await multikey.createIndex({ tags: 1 }, { unique: true });
    await multikey.insertOne({ tags: ['a', 'b', 'a'] }); // repeats inside one document are fine
    const err = await serverError(() => multikey.insertOne({ tags: ['c', 'b'] }));
    expect(err.keyValue).toEqual({ tags: 'b' });
  });

  it('answers createIndexes like mongod when the index already exists or conflicts', async () => {
    const db = freshDb();
    const first = await db.command({ createIndexes: 'ix', indexes: [{ key: { a: 1 }, name: 'a_1' }] });
    expect(first).toMatchObject({
      numIndexesBefore: 1,
      numIndexesAfter: 2,
      createdCollectionAutomatically: true,
      ok: 1,
    });
    const again = await db.command({ createIndexes: 'ix', indexes: [{ key: { a: 1 }, name: 'a_1' }] });
    expect(again).toMatchObject({ numIndexesBefore: 2, numIndexesAfter: 2, note: 'all indexes already exist' });
    expect(
      (
        await serverError(() =>
          db.command({ createIndexes: 'ix', indexes: [{ key: { a: 1 }, name: 'a_1', unique: true }] }),
        )
      ).code,
    ).toBe(85);
    expect(
      (await serverError(() => db.command({ createIndexes: 'ix', indexes: [{ key: { b: 1 }, name: 'a_1' }] }))).code,
    ).toBe(86);
  });
});

describe('aggregate', () => {
  let conn: Connection;
  beforeAll(async () => {
    conn = await mongooseConnection();
  });
  afterAll(async () => {
    await conn.close();
  });

  it('groups, sorts, looks up other collections and runs facets', async () => {
    const Category = conn.model('Category', new Schema({ _id: String, label: String }));
    const Expense = conn.model(
      'Expense',
      new Schema({ userId: Number, amount: Number, categoryId: String, tags: [String], endDate: Date }),
    );
    await Category.create([
      { _id: 'food', label: 'Food' },
      { _id: 'rent', label: 'Rent' },
    ]);
    await Expense.create([
      { userId: 1, amount: 10, categoryId: 'food', tags: ['a', 'b'] },
      { userId: 1, amount: 15, categoryId: 'food', tags: ['a'] },
      { userId: 1, amount: 500, categoryId: 'rent', tags: [] },
      { userId: 2, amount: 7, categoryId: 'food', tags: ['b'] },
    ]);

    const totals = await Expense.aggregate([
      { $match: { userId: 1 } },
      { $group: { _id: '$categoryId', total: { $sum: '$amount' }, n: { $sum: 1 } } },
      { $lookup: { from: 'categories', localField: '_id', foreignField: '_id', as: 'category' } },
      { $unwind: '$category' },
      { $project: { _id: 0, label: '$category.label', total: 1, n: 1 } },
      { $sort: { total: -1 } },
    ]);
    expect(totals).toEqual([
      { label: 'Rent', total: 500, n: 1 },
      { label: 'Food', total: 25, n: 2 },
    ]);

    const [facets] = await Expense.aggregate([
      {
        $facet: {
          count: [{ $count: 'n' }],
          byTag: [{ $unwind: '$tags' }, { $sortByCount: '$tags' }],
          top: [{ $sort: { amount: -1 } }, { $limit: 1 }, { $project: { _id: 0, amount: 1 } }],
        },
      },
    ]);
    expect(facets.count).toEqual([{ n: 4 }]);
    // both tags occur twice; mongod leaves the order of ties unspecified
    expect([...facets.byTag].sort((x, y) => x._id.localeCompare(y._id))).toEqual([
      { _id: 'a', count: 2 },
      { _id: 'b', count: 2 },
    ]);
    expect(facets.top).toEqual([{ amount: 500 }]);

    const skipped = await Expense.aggregate([
      { $sort: { amount: 1 } },
      { $skip: 1 },
      { $limit: 2 },
      { $addFields: { big: { $gt: ['$amount', 12] } } },
    ]);
    expect(skipped.map((d) => [d.amount, d.big])).toEqual([
      [10, false],
      [15, true],
    ]);
  });

  it('buckets dates by month in a time zone, including UTC and multi-part zone names', async () => {
    const Expense = conn.model('TzExpense', new Schema({ amount: Number, endDate: Date }));
    await Expense.create([
      { amount: 1, endDate: new Date('2024-03-31T23:30:00Z') }, // 00:30 on 1 April in London (BST)
      { amount: 2, endDate: new Date('2024-01-31T23:30:00Z') }, // still January in London (GMT)
      { amount: 4, endDate: new Date('2024-02-01T01:30:00Z') }, // still January in Buenos Aires (UTC-3)
    ]);
    const month = (timezone: string) =>
      Expense.aggregate([
        {
          $group: {
            _id: { $dateToString: { format: '%Y-%m', date: '$endDate', timezone } },
            total: { $sum: '$amount' },
          },
        },
        { $sort: { _id: 1 } },
      ]);
    expect(await month('Europe/London')).toEqual([
      { _id: '2024-01', total: 2 },
      { _id: '2024-02', total: 4 },
      { _id: '2024-04', total: 1 },
    ]);
    expect(await month('UTC')).toEqual([
      { _id: '2024-01', total: 2 },
      { _id: '2024-02', total: 4 },
      { _id: '2024-03', total: 1 },
    ]);
    expect(await month('America/Argentina/Buenos_Aires')).toEqual([
      { _id: '2024-01', total: 6 },
      { _id: '2024-03', total: 1 },
    ]);
    const parts = await Expense.aggregate([
      { $match: { amount: 1 } },
      {
        $project: {
          _id: 0,
          m: { $month: { date: '$endDate', timezone: 'Europe/London' } },
          h: { $hour: { date: '$endDate', timezone: '+05:30' } },
        },
      },
    ]);
    expect(parts).toEqual([{ m: 4, h: 5 }]);

    const bad = await serverError(() =>
      Expense.aggregate([
        { $project: { m: { $dateToString: { date: '$endDate', timezone: 'Mars/Olympus' } } } },
      ]).exec(),
    );
    expect(bad.code).toBe(40485);
  });

  it('returns big results through a cursor and answers unsupported stages with errors', async () => {
    const db = freshDb();
    await db.collection<AnyDoc>('big').insertMany(Array.from({ length: 230 }, (_, i) => ({ i })));
    const before = server.stats().commands.getMore ?? 0;
    const rows = await db
      .collection<AnyDoc>('big')
      .aggregate([{ $match: { i: { $gte: 30 } } }], { batchSize: 60 })
      .toArray();
    expect(rows).toHaveLength(200);
    expect((server.stats().commands.getMore ?? 0) - before).toBe(3);

    const docs = await db.aggregate([{ $documents: [{ x: 1 }, { x: 2 }] }, { $match: { x: 2 } }]).toArray();
    expect(docs).toEqual([{ x: 2 }]);

    const out = await serverError(() =>
      db
        .collection<AnyDoc>('big')
        .aggregate([{ $out: 'copy' }])
        .toArray(),
    );
    expect(out.code).toBe(115);
    const unknown = await serverError(() =>
      db
        .collection<AnyDoc>('big')
        .aggregate([{ $frobnicate: {} }])
        .toArray(),
    );
    expect(unknown.code).toBe(40324);
    const stream = await serverError(async () => {
      const cs = db.collection<AnyDoc>('big').watch();
      try {
        await cs.tryNext();
      } finally {
        await cs.close();
      }
    });
    expect(stream.code).toBe(40573);
  });
});

describe('application-shaped queries', () => {
  let conn: Connection;
  beforeAll(async () => {
    conn = await mongooseConnection();
  });
  afterAll(async () => {
    await conn.close();
  });

  it('runs a usage summary with $cond/$ifNull/$avg/$round over soft-deleted data', async () => {
    const Usage = conn.model(
      'Usage',
      new Schema(
        { feature: String, model: String, success: Boolean, costUsd: Number, latencyMs: Number, isDeleted: Boolean },
        { timestamps: true },
      ),
    );
    await Usage.create([
      { feature: 'chat', model: 'm1', success: true, costUsd: 0.5, latencyMs: 100 },
      { feature: 'chat', model: 'm1', success: false, costUsd: null, latencyMs: 201 },
      { feature: 'chat', model: 'm1', success: true, costUsd: 1, latencyMs: 300, isDeleted: true },
      { feature: 'parse', model: 'm2', success: true, costUsd: 0.25, latencyMs: 50, isDeleted: false },
    ]);
    const since = new Date(Date.now() - 60_000);
    const rows = await Usage.aggregate([
      { $match: { isDeleted: { $ne: true } } },
      { $match: { createdAt: { $gte: since } } },
      {
        $group: {
          _id: { feature: '$feature', model: '$model' },
          calls: { $sum: 1 },
          failures: { $sum: { $cond: ['$success', 0, 1] } },
          costUsd: { $sum: { $ifNull: ['$costUsd', 0] } },
          avgLatencyMs: { $avg: '$latencyMs' },
        },
      },
      {
        $project: {
          _id: 0,
          feature: '$_id.feature',
          model: '$_id.model',
          calls: 1,
          failures: 1,
          costUsd: 1,
          avgLatencyMs: { $round: ['$avgLatencyMs', 0] },
        },
      },
      { $sort: { feature: 1, model: 1 } },
    ]);
    expect(rows).toEqual([
      // avg 150.5: $round rounds half to even, as mongod does
      { feature: 'chat', model: 'm1', calls: 2, failures: 1, costUsd: 0.5, avgLatencyMs: 150 },
      { feature: 'parse', model: 'm2', calls: 1, failures: 0, costUsd: 0.25, avgLatencyMs: 50 },
    ]);
  });

  it('populates references, matches regexes, nulls and $expr, and versions array saves', async () => {
    const Author = conn.model('Author', new Schema({ name: String }));
    const Post = conn.model(
      'Post',
      new Schema({
        title: String,
        author: { type: Schema.Types.ObjectId, ref: 'Author' },
        tags: [String],
        note: String,
      }),
    );
    const [ann, bob] = await Author.create([{ name: 'Ann' }, { name: 'Bob' }]);
    await Post.create([
      { title: 'Hello World', author: ann._id, tags: ['a'] },
      { title: 'hello again', author: bob._id, tags: [], note: 'n' },
      { title: 'Other', author: ann._id, tags: ['b'] },
    ]);

    const populated = await Post.find({ title: /^hello/i })
      .sort({ title: 1 })
      .populate('author')
      .lean();
    expect(populated.map((p) => [p.title, (p.author as unknown as { name: string }).name])).toEqual([
      ['Hello World', 'Ann'],
      ['hello again', 'Bob'],
    ]);
    expect(await Post.countDocuments({ note: null })).toBe(2); // missing matches null
    expect(await Post.countDocuments({ title: { $regex: 'o', $options: 'i' }, tags: { $size: 0 } })).toBe(1);
    expect(await Post.countDocuments({ $expr: { $gt: [{ $strLenCP: '$title' }, 10] } })).toBe(2);
    expect(await Post.countDocuments({ author: { $in: [bob._id] } })).toBe(1);

    const post = await Post.findOne({ title: 'Other' });
    post!.tags.push('c');
    await post!.save();
    const stored = await Post.collection.findOne({ _id: post!._id });
    expect(stored).toMatchObject({ tags: ['b', 'c'], __v: 1 });

    const joined = await Author.aggregate([
      { $match: { name: 'Ann' } },
      {
        $lookup: {
          from: 'posts',
          let: { id: '$_id' },
          pipeline: [{ $match: { $expr: { $eq: ['$author', '$$id'] } } }, { $project: { _id: 0, title: 1 } }],
          as: 'posts',
        },
      },
      { $project: { _id: 0, name: 1, titles: '$posts.title' } },
    ]);
    expect(joined).toEqual([{ name: 'Ann', titles: ['Hello World', 'Other'] }]);
  });
});

describe('count and distinct', () => {
  it('counts with query, skip and limit, and via estimatedDocumentCount/countDocuments', async () => {
    const conn = await mongooseConnection();
    try {
      const Entry = conn.model('Entry', new Schema({ kind: String, tags: [String], n: Number }));
      await Entry.create([
        { kind: 'a', tags: ['x', 'y'], n: 1 },
        { kind: 'a', tags: ['y'], n: 2 },
        { kind: 'b', tags: [], n: 3 },
        { kind: 'c', tags: ['z'], n: 4 },
      ]);
      expect(await Entry.estimatedDocumentCount()).toBe(4);
      expect(await Entry.countDocuments({ kind: 'a' })).toBe(2);
      const db = conn.db!;
      expect((await db.command({ count: 'entries', query: { n: { $gt: 1 } } })).n).toBe(3);
      expect((await db.command({ count: 'entries', query: {}, skip: 1, limit: 2 })).n).toBe(2);
      expect((await db.command({ count: 'entries', skip: 3, limit: 5 })).n).toBe(1);
      expect((await db.command({ count: 'nothing_here' })).n).toBe(0);

      expect((await Entry.distinct('kind')).sort()).toEqual(['a', 'b', 'c']);
      expect((await Entry.distinct('tags')).sort()).toEqual(['x', 'y', 'z']); // arrays contribute elements
      expect((await Entry.distinct('kind', { n: { $gte: 3 } })).sort()).toEqual(['b', 'c']);
    } finally {
      await conn.close();
    }
  });
});

describe('collections and databases', () => {
  it('creates, lists, renames and drops collections', async () => {
    const db = freshDb();
    await db.createCollection('alpha', { capped: true, size: 4096 });
    await db.collection<AnyDoc>('beta').insertOne({ b: 1 });
    const exists = await serverError(() => db.createCollection('alpha'));
    expect(exists.code).toBe(48);
    expect(exists.codeName).toBe('NamespaceExists');

    const all = await db.listCollections().toArray();
    expect(all.map((c) => c.name).sort()).toEqual(['alpha', 'beta']);
    const alpha = all.find((c) => c.name === 'alpha')!;
    expect(alpha).toMatchObject({
      type: 'collection',
      options: { capped: true, size: 4096 },
      info: { readOnly: false },
    });
    expect(await db.listCollections({ name: 'beta' }, { nameOnly: true }).toArray()).toEqual([
      { name: 'beta', type: 'collection' },
    ]);

    await db.renameCollection('beta', 'gamma');
    expect(await db.collection<AnyDoc>('gamma').findOne({}, { projection: { _id: 0 } })).toEqual({ b: 1 });

    expect(await db.collection<AnyDoc>('gamma').drop()).toBe(true);
    expect(await db.collection<AnyDoc>('gamma').drop()).toBe(false); // NamespaceNotFound (26) is swallowed by the driver
    const raw = await serverError(() => db.command({ drop: 'gamma' }));
    expect(raw.code).toBe(26);
    const listMissing = await serverError(() => db.collection<AnyDoc>('gamma').listIndexes().toArray());
    expect(listMissing.code).toBe(26);
    expect((await db.listCollections().toArray()).map((c) => c.name)).toEqual(['alpha']);
  });

  it('lists and drops databases', async () => {
    const db = freshDb();
    await db.collection<AnyDoc>('x').insertOne({ x: 1 });
    const admin = client.db('admin').admin();
    const listed = await admin.listDatabases();
    const entry = listed.databases.find((d) => d.name === db.databaseName);
    expect(entry?.sizeOnDisk).toBeGreaterThan(0);
    const named = await admin.listDatabases({ nameOnly: true, filter: { name: db.databaseName } });
    expect(named.databases).toEqual([{ name: db.databaseName }]);

    expect(await db.dropDatabase()).toBe(true);
    const after = await admin.listDatabases({ nameOnly: true });
    expect(after.databases.map((d) => d.name)).not.toContain(db.databaseName);
    expect(await db.collection<AnyDoc>('x').countDocuments()).toBe(0);
  });

  it('mongoose dropDatabase and Model.createCollection behave like on mongod', async () => {
    const conn = await mongooseConnection();
    const Thing = conn.model('Thing', new Schema({ a: Number }));
    await Thing.createCollection();
    await Thing.createCollection(); // NamespaceExists is ignored by mongoose
    await Thing.create({ a: 1 });
    expect((await conn.listCollections()).map((c) => c.name)).toEqual(['things']);
    await conn.dropDatabase();
    expect(await conn.listCollections()).toEqual([]);
    await conn.close();
  });
});

describe('sessions and transactions', () => {
  it('receives endSessions when a client disconnects', async () => {
    const before = server.stats();
    const local = await MongoClient.connect(server.uri);
    await local.db('s').collection<AnyDoc>('c').insertOne({ a: 1 });
    await local.db('s').collection<AnyDoc>('c').findOne({});
    await local.close();
    // endSessions is sent with w:0 (moreToCome), so the client does not wait for it
    await eventually(() => {
      const after = server.stats();
      expect((after.commands.endSessions ?? 0) - (before.commands.endSessions ?? 0)).toBe(1);
      expect(after.endedSessions).toBeGreaterThan(before.endedSessions);
    });
  });

  it('refuses transactions like a standalone mongod', async () => {
    const session = client.startSession();
    try {
      session.startTransaction();
      const err = await serverError(() => client.db('t').collection<AnyDoc>('c').insertOne({ a: 1 }, { session }));
      // The driver rewords mongod's IllegalOperation (20) for this case, keeping the original.
      expect(err.message).toContain('does not support retryable writes');
      const original = (err as unknown as { originalError: MongoServerError }).originalError;
      expect(original.code).toBe(20);
      expect(original.message).toBe('Transaction numbers are only allowed on a replica set member or mongos');
      expect(await client.db('t').collection<AnyDoc>('c').countDocuments()).toBe(0);
    } finally {
      await session.abortTransaction().catch(() => undefined);
      await session.endSession();
    }
  });
});

describe('errors inside commands', () => {
  it('reports bad query operators as BadValue without dropping the connection', async () => {
    const db = freshDb();
    await db.collection<AnyDoc>('e').insertOne({ x: 1 });
    const err = await serverError(() =>
      db
        .collection<AnyDoc>('e')
        .find({ x: { $nope: 1 } })
        .toArray(),
    );
    expect(err.code).toBe(2);
    expect(err.message).toBe('unknown operator: $nope');
    const expr = await serverError(() =>
      db
        .collection<AnyDoc>('e')
        .aggregate([{ $project: { y: { $nope: '$x' } } }])
        .toArray(),
    );
    expect(expr.code).toBe(168);
    const upd = await serverError(() => db.collection<AnyDoc>('e').updateOne({}, { $frob: { x: 1 } } as never));
    expect(upd.code).toBe(9);
    expect(await db.collection<AnyDoc>('e').findOne({}, { projection: { _id: 0 } })).toEqual({ x: 1 });
  });

  it('answers server-side problems as ok:0 replies', async () => {
    const db = freshDb();
    const noCursor = await serverError(() => db.command({ aggregate: 'x', pipeline: [] }));
    expect(noCursor.code).toBe(9);
    const badName = await serverError(() => db.command({ insert: '', documents: [{}] }));
    expect(badName.code).toBe(73);
  });
});
