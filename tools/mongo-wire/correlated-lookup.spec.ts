/**
 * `$lookup`s correlated by `$expr: { $eq: ['$field', '$$var'] }` answered from
 * `_id` or an index (keyed-lookup.ts) against mingo evaluating `$expr` over the
 * whole foreign collection: every case runs through the real driver twice on
 * the same data, with the fast paths switched off and on, and must give the
 * same reply, BSON types and field order included (compared as canonical
 * Extended JSON). The `lookupsKeyed` counter and `documentsExamined` show
 * which cases really read through the keys.
 */
import { Double, Int32, Long, ObjectId, type Db, type Document } from 'mongodb';
import { uniqueDbName } from '../embedded-mongo/embedded-mongo';
import { canonicalEjson, useWireServer } from './spec-support';
import { fastPaths } from './fast-paths';
import {
  FRESHNESS_INDEX,
  LEDGER_COLLECTIONS,
  ledgerProbe,
} from '../../libs/database/src/finance/ledger-version.repository';

const wire = useWireServer({ promoteValues: false, promoteLongs: false });
const { examined } = wire;

afterAll(() => {
  fastPaths.enabled = true;
});

const id = (n: number) => new ObjectId(`65c0000000000000000000${n.toString(16).padStart(2, '0')}`);
const AT = new Date('2024-05-01T00:00:00Z');
const at = (s: number) => new Date(AT.getTime() + s * 1000);

/** Users 1..12 in every partner situation the probe meets; each owns rows in every ledger collection. */
function ledgerSeed(): Record<string, Document[]> {
  const users: Document[] = [
    { _id: id(1), status: 'active', updatedAt: at(1) }, // alone
    { _id: id(2), status: 'active', partnerId: id(3), updatedAt: at(2) }, // partner with rows
    { _id: id(3), status: 'active', partnerId: id(2), updatedAt: at(3) },
    { _id: id(4), status: 'active', partnerId: id(5), updatedAt: at(4) }, // soft-deleted partner
    { _id: id(5), status: 'active', partnerId: id(4), isDeleted: true, updatedAt: at(5) },
    { _id: id(6), status: 'active', partnerId: id(99), updatedAt: at(6) }, // partner id no user has
    { _id: id(7), status: 'active', partnerId: null, updatedAt: at(7) }, // null partner id
    { _id: id(8), status: 'active', partnerId: [id(2), id(3)], updatedAt: at(8) }, // array partner id (scanned)
    { _id: id(9), status: 'blocked', partnerId: id(10), updatedAt: at(9) }, // partner without rows
    { _id: id(10), status: 'active', updatedAt: at(10) },
    { _id: id(11), status: 'active', partnerId: id(3).toHexString(), updatedAt: at(11) }, // string, not ObjectId
  ];
  const seed: Record<string, Document[]> = { users };
  LEDGER_COLLECTIONS.forEach((coll, c) => {
    seed[coll] = [];
    for (const u of [1, 2, 3, 4, 5, 6, 7, 8, 11])
      for (let k = 0; k < 4; k++)
        seed[coll].push({ _id: new ObjectId(), userId: id(u), amount: k, updatedAt: at(100 * u + 10 * k + c) });
  });
  // Rows the partner's `$expr` equality matches in mingo without holding the id itself: an array holding it, and
  // null/missing owners (matched when the variable is null too).
  seed.expenses.push(
    { _id: new ObjectId(), userId: [id(3), id(9)], amount: 9, updatedAt: at(9_000) },
    { _id: new ObjectId(), userId: null, amount: 9, updatedAt: at(9_001) },
    { _id: new ObjectId(), amount: 9, updatedAt: at(9_002) },
  );
  return seed;
}

async function seeded(seed: Record<string, Document[]>, indexes: Record<string, Document[]>): Promise<Db> {
  const db = wire.client.db(uniqueDbName('corr'));
  for (const [name, docs] of Object.entries(seed)) if (docs.length) await db.collection(name).insertMany(docs);
  for (const [name, keys] of Object.entries(indexes))
    for (const key of keys) await db.collection(name).createIndex(key);
  return db;
}

interface Outcome {
  result: Document[];
  /** Correlated lookup runs answered from keys. */
  keyed: number;
  /** Documents examined with the keys and without them. */
  examined: { keyed: number; scanned: number };
}

/** Runs the aggregate with the fast paths off, then on; expects the same reply and returns it with the counts. */
async function compare(db: Db, coll: string, pipeline: Document[], options: Document = {}): Promise<Outcome> {
  const run = () => db.collection(coll).aggregate(pipeline, options).toArray();
  fastPaths.enabled = false;
  const before = fastPaths.lookupsKeyed;
  let expected: Document[] = [];
  let scanned: number;
  try {
    scanned = await examined(async () => (expected = await run()));
  } finally {
    fastPaths.enabled = true;
  }
  expect(fastPaths.lookupsKeyed).toBe(before); // the switch keeps the reference run on mingo's $lookup
  let actual: Document[] = [];
  const keyedExamined = await examined(async () => (actual = await run()));
  expect(canonicalEjson(actual)).toBe(canonicalEjson(expected));
  return { result: actual, keyed: fastPaths.lookupsKeyed - before, examined: { keyed: keyedExamined, scanned } };
}

describe('the ledger freshness probe', () => {
  let db: Db;
  beforeAll(async () => {
    db = await seeded(ledgerSeed(), Object.fromEntries(LEDGER_COLLECTIONS.map((c) => [c, [{ ...FRESHNESS_INDEX }]])));
  });

  it.each([
    ['a user without a partner', 1],
    ['a user whose partner has rows', 2],
    ['a user with a soft-deleted partner', 4],
    ['the soft-deleted partner', 5],
    ['a partner id no user has', 6],
    ['a null partner id', 7],
    ['an array partner id', 8],
    ['a partner without rows', 9],
    ['a partner id of another type', 11],
    ['an unknown user', 12],
  ])('answers like mingo for %s', async (_label, n) => {
    await compare(db, 'users', ledgerProbe(id(n)));
  });

  it('reads the partner by _id and the partner rows by index, nested lookups included', async () => {
    const { result, keyed, examined } = await compare(db, 'users', ledgerProbe(id(2)));
    const partner = result[0].partner as Document[];
    expect(partner).toHaveLength(1);
    // The array-valued row holding the partner's id is newer than the partner's own rows: it has to be found.
    expect(partner[0].expenses).toEqual([{ updatedAt: at(9_000) }]);
    expect(partner[0].budgets).toEqual([{ updatedAt: at(332) }]);
    expect(keyed).toBe(3); // the partner, then their expenses and budgets
    // The user, the partner, the partner's 4 + 1 expenses and 4 budgets (a correlated match: each is read), and the
    // user's newest row per collection (a constant match, sorted and limited to one).
    expect(examined.keyed).toBe(1 + 1 + 5 + 4 + LEDGER_COLLECTIONS.length);
    expect(examined.scanned).toBeGreaterThan(examined.keyed + 11);
  });

  it('probes the stand-in id for a null partner id and scans for an array one, which the $expr may match', async () => {
    expect((await compare(db, 'users', ledgerProbe(id(7)))).keyed).toBe(1);
    const arrayId = await compare(db, 'users', ledgerProbe(id(8)));
    expect(arrayId.keyed).toBe(0);
    expect(arrayId.result[0].partner).toEqual([]);
  });
});

describe('other correlated lookups', () => {
  let db: Db;
  beforeAll(async () => {
    db = await seeded(
      {
        owners: [
          { _id: 1, code: Long.fromNumber(5), min: 2, rows: 'kept in place', tag: 't1' },
          { _id: 2, code: new Int32(7), min: 0, tag: null },
          { _id: 3, code: null, min: 0, tag: 't2' },
          { _id: 4, min: 1, tag: 't1' },
          { _id: 5, code: [5, 7], min: 0, tag: 't3' },
          { _id: 6, code: 'five', min: 0, tag: 't2' },
          { _id: 7, code: new Double(5), min: 3, tag: 't1' },
        ],
        items: [
          { _id: 'a', code: 5, amount: 1, cat: 't1' },
          { _id: 'b', code: Long.fromNumber(5), amount: 2, cat: 't2' },
          { _id: 'c', code: new Double(5.0), amount: 3, cat: 't1' },
          { _id: 'd', code: [7, 8], amount: 4, cat: 't1' },
          { _id: 'e', code: null, amount: 5, cat: null },
          { _id: 'f', amount: 6, cat: 't3' },
          { _id: 'g', code: [[5]], amount: 7, cat: 't2' },
          { _id: 'h', code: 'five', amount: 8 },
          { _id: 'i', code: { n: 5 }, amount: 9, cat: 't3' },
        ],
        partial: [
          { _id: 1, code: 5, amount: 1 },
          { _id: 2, code: 7, amount: 2 },
        ],
      },
      { items: [{ code: 1 }], partial: [{ code: 1 }] },
    );
    await db.collection('partial').createIndex({ amount: 1 }, { partialFilterExpression: { amount: { $gt: 1 } } });
  });

  const byCode = (extra: Document[] = [], as = 'rows'): Document => ({
    $lookup: {
      from: 'items',
      let: { c: '$code' },
      pipeline: [{ $match: { $expr: { $eq: ['$code', '$$c'] } } }, ...extra],
      as,
    },
  });

  it('matches every numeric type, nested arrays and array elements like mingo, in natural order', async () => {
    const { result, keyed } = await compare(db, 'owners', [byCode([{ $project: { amount: 1 } }])]);
    expect(result.find((d) => Number(d._id) === 1)?.rows.map((r: Document) => r._id)).toEqual(['a', 'b', 'c', 'g']);
    expect(keyed).toBe(4); // ids 1, 2, 6, 7; null, missing and the array value scan
  });

  it('takes the variable on either side of $eq and several let variables', async () => {
    const pipeline = [
      {
        $lookup: {
          from: 'items',
          let: { lo: '$min', c: '$code', label: { $concat: [{ $ifNull: ['$tag', 'none'] }, '!'] } },
          pipeline: [
            { $match: { $expr: { $eq: ['$$c', '$code'] } } },
            { $match: { $expr: { $gte: ['$amount', '$$lo'] } } },
            { $addFields: { label: '$$label', root: '$$ROOT._id', current: '$$CURRENT.amount' } },
          ],
          as: 'rows',
        },
      },
    ];
    expect((await compare(db, 'owners', pipeline)).keyed).toBe(4);
  });

  it('sets `as` where mingo does, over an existing field, after earlier stages and before later ones', async () => {
    const pipeline = [
      { $addFields: { twice: { $multiply: [2, '$min'] } } },
      byCode([{ $sort: { amount: -1 } }, { $limit: 2 }]),
      byCode([{ $count: 'n' }], 'counted'),
      { $unwind: { path: '$rows', preserveNullAndEmptyArrays: true } },
      { $sort: { 'rows.amount': 1, _id: 1 } },
    ];
    const { result } = await compare(db, 'owners', pipeline);
    expect(Object.keys(result.find((d) => Number(d._id) === 1) ?? {})).toEqual([
      '_id',
      'code',
      'min',
      'rows',
      'tag',
      'twice',
      'counted',
    ]);
  });

  it('sees the command let and the outer let in nested lookups, inside $facet and $unionWith too', async () => {
    const nested = {
      $lookup: {
        from: 'owners',
        let: { t: '$cat' },
        pipeline: [
          { $match: { $expr: { $eq: ['$tag', '$$t'] } } },
          { $project: { tag: 1, outer: '$$c', cmd: '$$limitTo' } },
        ],
        as: 'sameTag',
      },
    };
    const pipeline = [
      { $match: { _id: { $lte: 3 } } },
      byCode([nested]),
      { $facet: { again: [byCode([{ $project: { _id: 1 } }])] } },
      {
        $unionWith: { coll: 'owners', pipeline: [byCode([{ $match: { $expr: { $lt: ['$amount', '$$limitTo'] } } }])] },
      },
    ];
    expect((await compare(db, 'owners', pipeline, { let: { limitTo: 5 } })).keyed).toBeGreaterThan(0);
  });

  it('scans like mingo when the field has no usable index', async () => {
    const unindexed = [
      {
        $lookup: {
          from: 'items',
          let: { t: '$tag' },
          pipeline: [{ $match: { $expr: { $eq: ['$cat', '$$t'] } } }],
          as: 'r',
        },
      },
      {
        $lookup: {
          from: 'partial',
          let: { m: '$min' },
          pipeline: [{ $match: { $expr: { $eq: ['$amount', '$$m'] } } }],
          as: 'p',
        },
      },
      {
        $lookup: {
          from: 'items',
          let: { c: '$code' },
          pipeline: [{ $match: { $expr: { $eq: ['$code', '$$ROOT'] } } }],
          as: 'notAVariable',
        },
      },
      {
        $lookup: {
          from: 'nowhere',
          let: { c: '$code' },
          pipeline: [{ $match: { $expr: { $eq: ['$x', '$$c'] } } }],
          as: 'n',
        },
      },
    ];
    const { keyed, examined } = await compare(db, 'owners', unindexed);
    expect(keyed).toBe(0);
    expect(examined.keyed).toBe(examined.scanned);
  });

  it('leaves stored documents untouched when later stages rewrite the joined rows', async () => {
    const before = canonicalEjson(await db.collection('items').find().toArray());
    await compare(db, 'owners', [
      byCode(),
      { $unwind: '$rows' },
      { $set: { 'rows.amount': 0, 'rows.code': 'changed' } },
      { $group: { _id: '$rows._id', n: { $sum: 1 } } },
      { $sort: { _id: 1 } },
    ]);
    expect(canonicalEjson(await db.collection('items').find().toArray())).toBe(before);
  });
});

describe('cost', () => {
  it('reads only the partner and their rows rather than every user and every row', async () => {
    const users = Array.from({ length: 200 }, (_, i) => ({
      _id: new ObjectId(),
      status: 'active',
      updatedAt: at(i),
    })) as Document[];
    users.forEach((u, i) => (u.partnerId = users[i ^ 1]._id)); // everyone in a couple
    const seed: Record<string, Document[]> = { users };
    for (const coll of LEDGER_COLLECTIONS)
      seed[coll] = users.flatMap((u, i) =>
        Array.from({ length: coll === 'expenses' ? 50 : 5 }, (_, k) => ({
          _id: new ObjectId(),
          userId: u._id,
          amount: k,
          updatedAt: at(i * 100 + k),
        })),
      );
    const db = await seeded(seed, Object.fromEntries(LEDGER_COLLECTIONS.map((c) => [c, [{ ...FRESHNESS_INDEX }]])));
    const { examined } = await compare(db, 'users', ledgerProbe(users[10]._id as ObjectId));
    // The user, the partner, the partner's 50 expenses and 5 budgets, the user's newest row per collection.
    expect(examined.keyed).toBe(1 + 1 + 50 + 5 + LEDGER_COLLECTIONS.length);
    expect(examined.scanned).toBe(1 + 200 + 200 * 50 + 200 * 5 + 50 + 4 * 5);
  });
});
