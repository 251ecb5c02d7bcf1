/**
 * Queries answered from declared indexes: the same documents, in the same
 * natural order, with the same errors as a scan, while reading only the
 * documents holding the pinned values. Most tests run every query against
 * twin databases holding the same data, one with indexes and one without;
 * `documentsExamined` (server stats) shows whether the indexes were used.
 */
import { Decimal128, Long, ObjectId, Timestamp, type Db, type Document, type MongoServerError } from 'mongodb';
import { uniqueDbName } from '../embedded-mongo/embedded-mongo';
import { useWireServer } from './spec-support';
import { narrowPipeline } from './commands/pipeline-narrowing';
import { normaliseIndexSpec } from './indexes';
import { Store } from './storage';
import {
  FRESHNESS_INDEX,
  LEDGER_COLLECTIONS,
  ledgerProbe,
} from '../../libs/database/src/finance/ledger-version.repository';

const wire = useWireServer();
const { examined } = wire;

const A = new ObjectId('65a000000000000000000001');
const B = new ObjectId('65a000000000000000000002');
const C = new ObjectId('65a000000000000000000003');
const NOBODY = new ObjectId('65a0000000000000000000ff');
const AT = new Date('2024-05-01T00:00:00Z');
const LATER = new Date('2024-05-02T00:00:00Z');

/** Mixed types on purpose: multikey and nested arrays, missing and null, every numeric BSON type. */
function items(): Document[] {
  return [
    { _id: 1, userId: A, status: 'open', tags: ['x', 'y'], amount: 5, active: true, at: AT, meta: { owner: A } },
    { _id: 2, userId: B, status: 'closed', tags: [], amount: 5.0, active: false, meta: [{ owner: B }, { owner: A }] },
    { _id: 3, userId: A, status: 'open', tags: [['x']], amount: Long.fromNumber(5), at: LATER },
    { _id: 4, status: 'open', tags: 'x', amount: Decimal128.fromString('5.0'), active: true },
    { _id: 5, userId: null, status: 'new', amount: Decimal128.fromString('5'), tags: ['y'] },
    { _id: 6, userId: C, status: 'open', amount: '5', tags: ['z', 'x'], at: AT, meta: { owner: { id: A } } },
    { _id: 7, userId: [A, C], status: 'closed', amount: 6, active: 'true' },
    { _id: 8, userId: A, status: 'closed', amount: Long.fromNumber(6), active: 1, meta: 'flat' },
    { _id: 9, userId: B, status: 'open', amount: Long.fromString('1152921504606846977') },
  ];
}

const ITEM_INDEXES: Document[] = [
  { userId: 1, at: -1 },
  { status: 1 },
  { tags: 1 },
  { amount: 1 },
  { active: 1 },
  { at: 1 },
  { 'meta.owner': 1 },
];

interface Twin {
  plain: Db;
  indexed: Db;
}

/**
 * Same documents in both databases; the indexed one is indexed half-way
 * through its inserts, so both the index build and its upkeep are exercised.
 */
async function twin(seed: Record<string, Document[]>, indexes: Record<string, Document[]>): Promise<Twin> {
  const plain = wire.client.db(uniqueDbName('scan'));
  const indexed = wire.client.db(uniqueDbName('ixd'));
  for (const name of new Set([...Object.keys(seed), ...Object.keys(indexes)])) {
    const docs = seed[name] ?? [];
    const half = Math.ceil(docs.length / 2);
    if (docs.length) await plain.collection(name).insertMany(docs.map((d) => ({ ...d })));
    if (half) await indexed.collection(name).insertMany(docs.slice(0, half).map((d) => ({ ...d })));
    for (const key of indexes[name] ?? []) await indexed.collection(name).createIndex(key);
    if (docs.length > half) await indexed.collection(name).insertMany(docs.slice(half).map((d) => ({ ...d })));
  }
  return { plain, indexed };
}

/** Runs `fn` against both databases, expects the same answer, and returns it. */
async function same<T>(t: Twin, fn: (db: Db) => Promise<T>): Promise<T> {
  const expected = await fn(t.plain);
  const actual = await fn(t.indexed);
  expect(actual).toEqual(expected);
  return actual;
}

async function serverError(fn: () => Promise<unknown>): Promise<MongoServerError> {
  try {
    await fn();
  } catch (err) {
    if ((err as Error).name === 'MongoServerError') return err as MongoServerError;
    throw err;
  }
  throw new Error('expected a MongoServerError');
}

const ids = (docs: Document[]): unknown[] => docs.map((d) => d._id);

/** These tests use numeric `_id`s and mixed field types freely, so the collection is loosely typed. */
type AnyDoc = { _id?: string | number | ObjectId; [field: string]: any };
const itemsOf = (db: Db) => db.collection<AnyDoc>('items');

describe('equality filters answered from indexes', () => {
  let t: Twin;
  beforeAll(async () => {
    t = await twin({ items: items() }, { items: ITEM_INDEXES });
  });

  const filters: Array<[string, Document]> = [
    ['a value', { userId: A }],
    ['$eq', { userId: { $eq: A } }],
    ['$in', { userId: { $in: [C, B] } }],
    ['an empty $in', { userId: { $in: [] } }],
    ['two indexed fields', { userId: A, status: 'closed' }],
    ['a string', { status: 'open' }],
    ['a string $in', { status: { $in: ['new', 'closed'] } }],
    ['an array element', { tags: 'x' }],
    ['array elements by $in', { tags: { $in: ['y', 'z'] } }],
    ['a number against every numeric type', { amount: 5 }],
    ['a Long', { amount: Long.fromNumber(5) }],
    ['a Decimal128', { amount: Decimal128.fromString('5') }],
    ['a number beyond 2^53', { amount: 2 ** 60 }],
    ['a numeric string', { amount: '5' }],
    ['a boolean', { active: true }],
    ['a Date', { at: AT }],
    ['a dotted path through documents and arrays', { 'meta.owner': A }],
    ['a dotted path to a second element', { 'meta.owner': B }],
    ['an absent value', { userId: NOBODY }],
    ['null (scanned)', { userId: null }],
    ['an empty array (scanned)', { tags: [] }],
    ['a whole array (scanned)', { tags: ['x', 'y'] }],
    ['an embedded document (scanned)', { 'meta.owner': { id: A } }],
    ['a regex (scanned)', { status: /^op/ }],
    ['an index field with other conditions', { userId: A, $or: [{ status: 'open' }, { amount: 6 }] }],
  ];

  it.each(filters)('finds the same documents in natural order for %s', async (_label, filter) => {
    await same(t, (db) => itemsOf(db).find(filter).toArray());
    await same(t, (db) => itemsOf(db).find(filter).sort({ amount: -1, _id: 1 }).limit(2).toArray());
    await same(t, (db) => itemsOf(db).countDocuments(filter));
    await same(t, (db) => itemsOf(db).distinct('status', filter));
    const aggregate = (pipeline: Document[]) => same(t, (db) => db.collection('items').aggregate(pipeline).toArray());
    await aggregate([{ $match: filter }, { $project: { status: 1 } }]);
    // Several opening matches, as mongoose's read-only plugin sends them: the narrowest one narrows.
    await aggregate([{ $match: { status: { $ne: 'gone' } } }, { $match: filter }, { $project: { status: 1 } }]);
    // Sorted and limited right after the match: the cut keeps what mingo's sort would, ties and mixed types
    // included, also inside a sub-pipeline.
    await aggregate([{ $match: filter }, { $sort: { amount: -1 } }, { $limit: 2 }]);
    await aggregate([{ $match: filter }, { $sort: { at: 1, _id: -1 } }, { $limit: 1 }, { $project: { at: 1 } }]);
    await aggregate([
      { $match: { active: { $exists: true } } },
      { $match: filter },
      { $sort: { tags: 1 } },
      { $limit: 3 },
    ]);
    await aggregate([
      { $match: { _id: 1 } },
      {
        $unionWith: { coll: 'items', pipeline: [{ $match: filter }, { $sort: { amount: 1, at: -1 } }, { $limit: 2 }] },
      },
    ]);
  });

  it('matches what a scan matches, including multikey, nested and numeric-type hits', async () => {
    const find = (filter: Document) => same(t, async (db) => ids(await itemsOf(db).find(filter).toArray()));
    expect(await find({ userId: A })).toEqual([1, 3, 7, 8]);
    expect(await find({ userId: { $in: [C, B] } })).toEqual([2, 6, 7, 9]);
    expect(await find({ amount: 5 })).toEqual([1, 2, 3, 4, 5]);
    expect(await find({ amount: 2 ** 60 })).toEqual([9]);
    expect(await find({ 'meta.owner': A })).toEqual([1, 2]);
    expect(await find({ tags: 'x' })).toEqual([1, 4, 6]);
  });

  it('keeps documents whose path runs through a BSON value, which mingo reads into', async () => {
    const stamps = [
      { _id: 1, ts: new Timestamp({ t: 5, i: 1 }) },
      { _id: 2, ts: { t: 5 } },
      { _id: 3, ts: { t: 6 } },
    ];
    const pair = await twin({ stamps }, { stamps: [{ 'ts.t': 1 }] });
    const found = await same(pair, async (db) => ids(await db.collection('stamps').find({ 'ts.t': 5 }).toArray()));
    expect(found).toEqual([1, 2]);
  });

  it('reads only the documents holding the value', async () => {
    const byUser = (db: Db) => examined(() => itemsOf(db).find({ userId: A }).toArray());
    expect(await byUser(t.plain)).toBe(9);
    expect(await byUser(t.indexed)).toBe(4);
    const byStatus = (db: Db) => examined(() => itemsOf(db).countDocuments({ status: 'new', userId: A }));
    expect(await byStatus(t.indexed)).toBe(1); // the most selective index wins
    const probe = (db: Db) =>
      examined(() =>
        db
          .collection('items')
          .aggregate([{ $match: { at: AT } }])
          .toArray(),
      );
    expect(await probe(t.indexed)).toBe(2);
  });

  it('fails bad filters the same way even when the index matches nothing', async () => {
    const bad = { userId: NOBODY, amount: { $bogus: 1 } };
    const codes = await same(t, async (db) => (await serverError(() => itemsOf(db).find(bad).toArray())).code);
    expect(codes).toBe(2);
    await same(
      t,
      async (db) =>
        (
          await serverError(() =>
            db
              .collection('items')
              .aggregate([{ $match: { userId: NOBODY, $bogus: 1 } }])
              .toArray(),
          )
        ).code,
    );
  });
});

describe('index upkeep through writes', () => {
  it('keeps answering like a scan while updates, replacements and deletes move documents between keys', async () => {
    const t = await twin({ items: items() }, { items: ITEM_INDEXES });
    const all = () => same(t, (db) => itemsOf(db).find().toArray());
    const byUser = (u: unknown) => same(t, async (db) => ids(await itemsOf(db).find({ userId: u }).toArray()));

    await same(t, async (db) => (await itemsOf(db).updateOne({ _id: 2 }, { $set: { userId: A } })).modifiedCount);
    expect(await byUser(B)).toEqual([9]);
    expect(await byUser(A)).toEqual([1, 2, 3, 7, 8]); // the updated document keeps its place
    // the old key lets go of it: nothing stale is read
    expect(await examined(() => itemsOf(t.indexed).find({ userId: B }).toArray())).toBe(1);

    await same(t, (db) => itemsOf(db).replaceOne({ _id: 1 }, { userId: C, status: 'replaced' }));
    expect(await byUser(C)).toEqual([1, 6, 7]);
    expect(await byUser(A)).toEqual([2, 3, 7, 8]);

    const multi = await same(
      t,
      async (db) => (await itemsOf(db).updateMany({ userId: A }, { $set: { flagged: true } })).modifiedCount,
    );
    expect(multi).toBe(4);
    await same(t, (db) => itemsOf(db).findOneAndUpdate({ userId: C }, { $set: { userId: B } }));
    expect(await byUser(B)).toEqual([1, 9]);
    await same(t, (db) => itemsOf(db).updateOne({ tags: 'y' }, { $addToSet: { tags: 'w' } } as Document));
    expect(await same(t, async (db) => ids(await itemsOf(db).find({ tags: 'w' }).toArray()))).toEqual([5]);

    const removed = await same(t, async (db) => (await itemsOf(db).deleteMany({ userId: A })).deletedCount);
    expect(removed).toBe(4);
    expect(await byUser(A)).toEqual([]);
    expect(await examined(() => itemsOf(t.indexed).find({ userId: A }).toArray())).toBe(0);
    await same(t, async (db) => (await itemsOf(db).deleteOne({ status: 'open' })).deletedCount);
    await all();

    // A document re-inserted under a removed _id goes to the end of the natural order, as in a scan.
    await same(t, (db) => itemsOf(db).insertOne({ _id: 2, userId: A }));
    expect(await byUser(A)).toEqual([2]);
    await all();
  });

  it('uses an index created over existing documents and forgets a dropped one', async () => {
    const coll = itemsOf(wire.client.db(uniqueDbName('drop')));
    await coll.insertMany(items());
    await coll.createIndex({ status: 1 });
    expect(await examined(() => coll.find({ status: 'closed' }).toArray())).toBe(3);
    await coll.dropIndex('status_1');
    expect(await examined(() => coll.find({ status: 'closed' }).toArray())).toBe(9);
  });
});

describe('indexes that do not hold every document', () => {
  it('never narrows with a partial or sparse index', async () => {
    const db = wire.client.db(uniqueDbName('partial'));
    const coll = itemsOf(db);
    await coll.createIndex({ userId: 1 }, { partialFilterExpression: { active: true } });
    await coll.createIndex({ status: 1 }, { sparse: true });
    await coll.insertMany(items());
    expect(ids(await coll.find({ userId: A }).toArray())).toEqual([1, 3, 7, 8]);
    expect(await examined(() => coll.find({ userId: A }).toArray())).toBe(9);
    expect(await examined(() => coll.find({ status: 'open' }).toArray())).toBe(9);

    // moving out of the partial filter does not hide the document either
    await coll.updateOne({ _id: 1 }, { $set: { active: false } });
    expect(ids(await coll.find({ userId: A }).toArray())).toEqual([1, 3, 7, 8]);
  });
});

/** `perUser` rows for each user in each ledger collection, interleaved across users like real traffic. */
function ledgerSeed(users: ObjectId[], perUser: number): Record<string, Document[]> {
  const seed: Record<string, Document[]> = {
    users: users.map((_id, i) => ({
      _id,
      status: 'active',
      updatedAt: AT,
      ...(i === 1 ? { partnerId: users[0] } : {}),
    })),
  };
  LEDGER_COLLECTIONS.forEach((coll, c) => {
    seed[coll] = [];
    for (let k = 0; k < perUser; k++)
      users.forEach((userId, u) =>
        seed[coll].push({
          _id: new ObjectId(),
          userId,
          amount: k,
          updatedAt: new Date(AT.getTime() + (k * 7 + u * 13 + c) * 1000),
        }),
      );
  });
  return seed;
}

describe('aggregate sub-pipelines read through indexes', () => {
  const users = Array.from(
    { length: 6 },
    (_, i) => new ObjectId(`65b0000000000000000000${String(i).padStart(2, '0')}`),
  );
  let t: Twin;
  beforeAll(async () => {
    t = await twin(
      ledgerSeed(users, 20),
      Object.fromEntries(LEDGER_COLLECTIONS.map((c) => [c, [{ ...FRESHNESS_INDEX }]])),
    );
  });

  const run =
    (pipeline: Document[], coll = 'users') =>
    (db: Db) =>
      db.collection(coll).aggregate(pipeline).toArray();

  it('answers the freshness probe like a scan, with and without a partner', async () => {
    const alone = await same(t, run(ledgerProbe(users[0])));
    expect(alone.map((r) => r.c)).toEqual(['users', ...LEDGER_COLLECTIONS]);
    const linked = await same(t, run(ledgerProbe(users[1])));
    expect(linked[0].partner[0].expenses).toHaveLength(1);
  });

  it('narrows $lookup and $unionWith sub-pipelines wherever they are nested', async () => {
    const own = () => [{ $match: { userId: { $in: [users[2], users[4]] } } }, { $project: { _id: 0, amount: 1 } }];
    const pipelines: Document[][] = [
      [{ $lookup: { from: 'expenses', pipeline: own(), as: 'rows' } }],
      [{ $facet: { nested: [{ $lookup: { from: 'incomes', pipeline: own(), as: 'rows' } }] } }],
      [
        {
          $lookup: {
            from: 'budgets',
            pipeline: [...own(), { $unionWith: { coll: 'debts', pipeline: own() } }],
            as: 'rows',
          },
        },
      ],
      // joined on fields: mingo runs the sub-pipeline on the whole collection, so it is left alone
      [
        {
          $lookup: {
            from: 'expenses',
            localField: '_id',
            foreignField: 'userId',
            pipeline: [{ $match: { userId: users[2] } }, { $project: { _id: 0, amount: 1 } }],
            as: 'rows',
          },
        },
      ],
      [
        { $lookup: { from: 'expenses', localField: '_id', foreignField: 'userId', as: 'rows' } },
        { $project: { n: { $size: '$rows' } } },
      ],
      [{ $unionWith: 'debts' }, { $count: 'n' }],
    ];
    for (const pipeline of pipelines)
      await same(t, run([{ $match: { _id: { $in: users.slice(0, 3) } } }, ...pipeline]));
  });

  it('leaves stored documents untouched when later stages rewrite narrowed rows', async () => {
    await same(
      t,
      run([
        { $match: { _id: users[0] } },
        { $unionWith: { coll: 'expenses', pipeline: [{ $match: { userId: users[3] } }, { $set: { amount: -1 } }] } },
        {
          $lookup: { from: 'incomes', pipeline: [{ $match: { userId: users[3] } }, { $unset: 'updatedAt' }], as: 'x' },
        },
      ]),
    );
    expect(await t.indexed.collection('expenses').countDocuments({ amount: -1 })).toBe(0);
    expect(await t.indexed.collection('incomes').countDocuments({ updatedAt: { $exists: false } })).toBe(0);
  });
});

describe('cost follows the matches, not the collection', () => {
  it('reads only the matching documents of 20,000 once the field is indexed', async () => {
    const coll = wire.client.db(uniqueDbName('big')).collection('events');
    const target = new ObjectId();
    const others = Array.from({ length: 50 }, () => new ObjectId());
    await coll.insertMany(
      Array.from({ length: 20_000 }, (_, i) => ({
        userId: i % 2_000 === 7 ? target : others[i % others.length],
        n: i,
      })),
    );
    const query = () => coll.find({ userId: target }).toArray();
    const scanned = await query();
    expect(await examined(query)).toBe(20_000);
    await coll.createIndex({ userId: 1 });
    expect(await query()).toEqual(scanned);
    expect(await examined(query)).toBe(10);
    expect(await examined(() => coll.updateMany({ userId: target }, { $inc: { n: 1 } }))).toBe(10);
    expect(await examined(() => coll.deleteMany({ userId: target }))).toBe(10);
  });

  it('runs the freshness probe over a large ledger reading only the user and their newest rows', async () => {
    const people = Array.from({ length: 100 }, () => new ObjectId());
    const db = wire.client.db(uniqueDbName('probe'));
    const seed = ledgerSeed(people, 40); // 4,000 rows per collection
    for (const [name, docs] of Object.entries(seed)) await db.collection(name).insertMany(docs);
    const probe = () => db.collection('users').aggregate(ledgerProbe(people[5])).toArray();
    const scanned = await probe();
    const scanCost = await examined(probe);
    for (const coll of LEDGER_COLLECTIONS) await db.collection(coll).createIndex({ ...FRESHNESS_INDEX });
    expect(await probe()).toEqual(scanned);
    // The user by _id and the newest of the user's 40 rows per ledger collection (sorted and limited to one, as the
    // index gives it): the partner lookup's `$expr` probes the `_id` map with the stand-in id no user has, so no
    // partner is read and its nested lookups never run.
    expect(await examined(probe)).toBe(1 + LEDGER_COLLECTIONS.length);
    expect(scanCost).toBeGreaterThan(LEDGER_COLLECTIONS.length * 4_000);
    // As the api sends it: mongoose's read-only plugin puts its own `$match` first.
    const asSent = () =>
      db
        .collection('users')
        .aggregate([{ $match: { isDeleted: { $ne: true } } }, ...ledgerProbe(people[5])])
        .toArray();
    expect(await asSent()).toEqual(scanned);
    expect(await examined(asSent)).toBe(1 + LEDGER_COLLECTIONS.length);
  });
});

describe('narrowPipeline', () => {
  it('copies the stages it narrows and leaves the given pipeline as it was', () => {
    const store = new Store();
    const expenses = store.createCollection('db', 'expenses', {});
    expenses.createIndex(normaliseIndexSpec({ key: { userId: 1 } }));
    for (let i = 0; i < 10; i++) expenses.insert({ _id: i, userId: `u${i % 3}` });
    const untouched = { $lookup: { from: 'expenses', pipeline: [{ $match: { $expr: true } }], as: 'all' } };
    const pipeline: Document[] = [
      { $unionWith: { coll: 'expenses', pipeline: [{ $match: { userId: 'u1' } }] } },
      untouched,
      { $unionWith: { coll: 'missing', pipeline: [{ $match: { userId: 'u1' } }] } },
    ];
    const before = JSON.stringify(pipeline);

    const { pipeline: narrowed, foreign } = narrowPipeline(pipeline, (name) => store.collection('db', name));

    expect(JSON.stringify(pipeline)).toBe(before);
    const [union, kept, missing] = narrowed as Document[];
    expect(kept).toBe(untouched);
    expect(missing).toBe(pipeline[2]);
    expect(union).not.toBe(pipeline[0]);
    expect(union.$unionWith.pipeline).toBe(pipeline[0].$unionWith.pipeline);
    expect([...foreign.values()].map((docs) => docs.map((d) => d._id))).toEqual([[1, 4, 7]]);
    expect(foreign.has(union.$unionWith.coll)).toBe(true);
  });
});
