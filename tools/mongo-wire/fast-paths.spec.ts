/**
 * The equality-filter and simple-update fast paths against the mingo paths
 * they stand in for: every case runs twice through the real driver, once with
 * the fast paths switched off, on identical data, and must give the same
 * replies and leave the same documents, BSON types included (the client does
 * not promote numbers, and documents are compared as canonical Extended JSON).
 * The fast-path counters show which cases were really answered without mingo.
 */
import { Double, Int32, Long, ObjectId, type Db, type Document } from 'mongodb';
import { uniqueDbName } from '../embedded-mongo/embedded-mongo';
import { canonicalEjson, useWireServer } from './spec-support';
import { fastPaths } from './fast-paths';

const wire = useWireServer({ promoteValues: false, promoteLongs: false });

afterAll(() => {
  fastPaths.enabled = true;
});

const U1 = new ObjectId('65b000000000000000000001');
const U2 = new ObjectId('65b000000000000000000002');
const EARLY = new Date('2024-01-01T00:00:00Z');
const LATE = new Date('2024-06-01T00:00:00Z');

/** Arrays, embedded documents, null, missing fields and every numeric BSON type, in the fields the cases pin. */
function seed(): Document[] {
  return [
    { _id: 1, userId: U1, clientMessageId: 'c1', status: 'streaming', n: new Int32(5), at: EARLY, flag: true },
    {
      _id: 2,
      userId: U1,
      clientMessageId: 'c2',
      status: 'running',
      n: new Double(5),
      at: LATE,
      progress: new Int32(50),
    },
    { _id: 3, userId: U2, clientMessageId: 'c1', status: ['queued', 'running'], n: Long.fromNumber(5), at: [EARLY] },
    { _id: 4, userId: [U1, U2], status: { state: 'running' }, n: '5', flag: 'true', progress: Long.fromNumber(10) },
    { _id: 5, userId: null, status: 'queued', n: [5, 6], at: null, progress: new Double(2.5), messageCount: 'x' },
    { _id: 6, status: 'running', n: Long.fromString('9007199254740993'), attempts: new Int32(1), nan: NaN },
    { _id: U1, status: 'queued', n: new Double(-0), tags: [['running']], progress: new Int32(10), at: EARLY },
    { _id: 8, userId: U2, status: 'done', n: new Double(5.5), zero: new Int32(0), messageCount: new Int32(3) },
  ];
}

async function twinDbs(): Promise<{ fast: Db; slow: Db }> {
  const fast = wire.client.db(uniqueDbName('fast'));
  const slow = wire.client.db(uniqueDbName('slow'));
  await items(fast).insertMany(seed());
  await items(slow).insertMany(seed());
  return { fast, slow };
}

/** Numeric and ObjectId `_id`s are mixed on purpose, so the collection is loosely typed. */
type AnyDoc = { _id?: number | ObjectId; [field: string]: any };
const items = (db: Db) => db.collection<AnyDoc>('items');

async function contents(db: Db): Promise<string> {
  return canonicalEjson(await items(db).find({}).toArray());
}

/** Reply or server error of `fn`, rendered canonically so types and field order count. */
async function outcome(fn: () => Promise<unknown>): Promise<string> {
  try {
    return canonicalEjson({ ok: await fn() });
  } catch (err) {
    const e = err as { code?: number; codeName?: string; message: string };
    return canonicalEjson({ error: { code: e.code, codeName: e.codeName, message: e.message } });
  }
}

interface Counts {
  filterDecided: number;
  filterDeferred: number;
  updates: number;
}

/** Runs `fn` with the fast paths on (fast db) and off (slow db); returns what the fast run counted. */
async function compare(
  dbs: { fast: Db; slow: Db },
  fn: (db: Db) => Promise<unknown>,
): Promise<{ result: string; counts: Counts }> {
  fastPaths.enabled = false;
  const before = { ...fastPaths };
  let expected: string;
  try {
    expected = await outcome(() => fn(dbs.slow));
  } finally {
    fastPaths.enabled = true;
  }
  expect({ ...fastPaths, enabled: false }).toEqual(before); // the switch really keeps the slow run off the fast paths
  const start = { ...fastPaths };
  const actual = await outcome(() => fn(dbs.fast));
  const counts = {
    filterDecided: fastPaths.filterDecided - start.filterDecided,
    filterDeferred: fastPaths.filterDeferred - start.filterDeferred,
    updates: fastPaths.updates - start.updates,
  };
  expect(actual).toEqual(expected);
  expect(await contents(dbs.fast)).toEqual(await contents(dbs.slow));
  return { result: actual, counts };
}

describe('equality filters', () => {
  let dbs: { fast: Db; slow: Db };
  beforeAll(async () => {
    dbs = await twinDbs();
  });

  const cases: Array<[string, Document]> = [
    ['string', { status: 'running' }],
    ['string, field holding an array or embedded document', { status: 'queued' }],
    ['two fields', { userId: U1, clientMessageId: 'c1' }],
    ['ObjectId, field holding an array', { userId: U2 }],
    ['number against Int32/Double/Long/string/array', { n: 5 }],
    ['Int32 filter value', { n: new Int32(5) }],
    ['Double filter value', { n: new Double(5.5) }],
    ['Long filter value (mingo only)', { n: Long.fromNumber(5) }],
    ['negative zero', { n: -0 }],
    ['NaN', { nan: NaN }],
    ['Date, field holding an array or null', { at: EARLY }],
    ['$eq Date', { at: { $eq: LATE } }],
    ['boolean against a string', { flag: true }],
    ['missing field', { nowhere: 'x' }],
    ['$in strings', { status: { $in: ['queued', 'running'] } }],
    ['$in mixed scalars', { n: { $in: [6, '5', LATE] } }],
    ['$in ObjectIds on _id', { _id: { $in: [U1, 2, 8] } }],
    ['$in empty', { status: { $in: [] } }],
    ['_id and status', { _id: 2, status: 'running' }],
    ['_id ObjectId and $in', { _id: U1, status: { $in: ['queued', 'running'] } }],
    ['null value (mingo only)', { userId: null }],
    ['dotted path (mingo only)', { 'status.state': 'running' }],
    ['nested arrays', { tags: 'running' }],
  ];

  it.each(cases)('%s: same documents as mingo', async (_name, filter) => {
    await compare(dbs, (db) => items(db).find(filter).toArray());
  });

  it('decides flat documents itself and hands arrays and embedded documents to mingo', async () => {
    const flat = await compare(dbs, (db) => items(db).find({ status: 'running' }).toArray());
    // docs 2 and 6 decided here; 3 (array) and 4 (embedded document) deferred
    expect(flat.counts).toMatchObject({ filterDeferred: 2 });
    expect(flat.counts.filterDecided).toBeGreaterThanOrEqual(6);
    const byId = await compare(dbs, (db) => items(db).findOne({ _id: 2, status: 'running' }));
    expect(byId.counts).toEqual({ filterDecided: 1, filterDeferred: 0, updates: 0 });
    const shapes = await compare(dbs, (db) =>
      items(db)
        .find({ 'status.state': 'running', n: Long.fromNumber(5) })
        .toArray(),
    );
    expect(shapes.counts).toEqual({ filterDecided: 0, filterDeferred: 0, updates: 0 });
  });
});

describe('simple operator updates', () => {
  const now = new Date('2024-03-01T00:00:00Z');
  const cases: Array<[string, Document, Document, boolean]> = [
    [
      'streaming completion $set',
      { _id: 1, status: 'streaming' },
      {
        $set: {
          status: 'complete',
          content: 'hello',
          inputTokens: 10,
          outputTokens: new Int32(20),
          tools: [{ name: 'search', args: { q: 'x', at: now, id: U2 } }],
          verification: { ok: true, notes: ['a', 'b'], score: new Double(0.5) },
          error: null,
          updatedAt: now,
        },
      },
      true,
    ],
    [
      '$inc/$max/$set on missing fields',
      { _id: 1 },
      { $inc: { messageCount: 1 }, $max: { lastMessageAt: now }, $set: { updatedAt: now } },
      true,
    ],
    [
      '$inc Int32 field, $max over a later Date',
      { _id: 8 },
      { $inc: { messageCount: 1 }, $max: { at: EARLY }, $set: { updatedAt: now } },
      true,
    ],
    ['$max below current number (no change)', { _id: 2, status: 'running' }, { $max: { progress: 30 } }, true],
    ['$max above current number', { _id: U1 }, { $max: { progress: 30 }, $set: { updatedAt: now } }, true],
    ['$max over a Double', { _id: 5 }, { $max: { progress: 3 } }, true],
    ['$min Dates', { _id: 1 }, { $min: { at: new Date('2023-01-01T00:00:00Z') } }, true],
    ['$min missing field', { _id: 2 }, { $min: { low: new Double(1.5) } }, true],
    ['$set to an equal value keeps the stored one', { _id: 8 }, { $set: { zero: -0, n: 5.5 } }, true],
    ['$set -0 over 0 int', { _id: 8 }, { $set: { zero: new Double(-0) } }, true],
    ['$set existing and new fields keeps order', { _id: 2 }, { $set: { zNew: 1, status: 'x', aNew: 2 } }, true],
    ['$inc Double and fraction', { _id: 5 }, { $inc: { progress: 0.25, fresh: new Double(1.5) } }, true],
    ['$inc by Int32 operand', { _id: 8 }, { $inc: { messageCount: new Int32(2) } }, true],
    ['$inc Long field (mingo path)', { _id: 4 }, { $inc: { progress: 1 } }, false],
    ['$inc by Long (mingo path)', { _id: 8 }, { $inc: { messageCount: Long.fromNumber(1) } }, false],
    ['$max Long field (mingo path)', { _id: 4 }, { $max: { progress: 30 } }, false],
    ['$max Date over number (mingo path)', { _id: 2 }, { $max: { progress: now } }, false],
    ['$min number over Date (mingo path)', { _id: 1 }, { $min: { at: 3 } }, false],
    ['$max over an array (mingo path)', { _id: 3 }, { $max: { at: now } }, false],
    ['$inc NaN field (mingo path)', { _id: 6 }, { $inc: { nan: 1 } }, false],
    ['$inc string field is an error', { _id: 5 }, { $inc: { messageCount: 1 } }, false],
    ['$inc with a string is an error', { _id: 8 }, { $inc: { messageCount: '1' } }, false],
    ['conflicting operators are an error', { _id: 8 }, { $set: { messageCount: 1 }, $inc: { messageCount: 1 } }, false],
    ['$set _id is an error', { _id: 8 }, { $set: { _id: 9 } }, false],
    ['dotted $set (mingo path)', { _id: 2 }, { $set: { 'verification.ok': true } }, false],
    ['$unset (mingo path)', { _id: 2 }, { $unset: { progress: '' } }, false],
    ['filter matches nothing', { _id: 1, status: 'done' }, { $set: { status: 'x' } }, false],
  ];

  it.each(cases)('%s: same reply and documents as mingo', async (_name, filter, update, fast) => {
    const dbs = await twinDbs();
    const { counts } = await compare(dbs, (db) => items(db).updateOne(filter, update));
    expect(counts.updates).toBe(fast ? 1 : 0);
  });

  it('findAndModify claims a job on the fast paths', async () => {
    const dbs = await twinDbs();
    const { result, counts } = await compare(dbs, (db) =>
      items(db).findOneAndUpdate(
        { _id: 2, status: { $in: ['queued', 'running'] } },
        { $set: { status: 'running', startedAt: now }, $inc: { attempts: 1 } },
        { returnDocument: 'after' },
      ),
    );
    expect(counts).toEqual({ filterDecided: 1, filterDeferred: 0, updates: 1 });
    expect(result).toContain('"attempts":{"$numberInt":"1"}');
  });

  it('repeated updates stay identical to mingo across versions of a document', async () => {
    const dbs = await twinDbs();
    for (let i = 0; i < 5; i++) {
      await compare(dbs, (db) =>
        items(db).updateOne(
          { _id: 8 },
          {
            $inc: { messageCount: 1 },
            $max: { lastMessageAt: new Date(now.getTime() + i) },
            $set: { updatedAt: now },
          },
        ),
      );
    }
    const doc = await items(dbs.fast).findOne({ _id: 8 });
    expect(canonicalEjson(doc?.messageCount)).toBe('{"$numberInt":"8"}');
  });

  it('upserts and array filters keep to the mingo path', async () => {
    const dbs = await twinDbs();
    const upsert = await compare(dbs, (db) =>
      items(db).updateOne({ _id: 42, status: 'new' }, { $set: { n: 1 }, $setOnInsert: { at: now } }, { upsert: true }),
    );
    expect(upsert.counts.updates).toBe(0);
    const filtered = await compare(dbs, (db) =>
      items(db).updateOne({ _id: 5 }, { $set: { progress: 1 } }, { arrayFilters: [{ 'x.a': 1 }] }),
    );
    expect(filtered.counts.updates).toBe(0);
  });
});
