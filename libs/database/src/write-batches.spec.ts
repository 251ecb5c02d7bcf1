import type { CommandStartedEvent } from 'mongodb';
import { uniqueDbName } from '../../../tools/embedded-mongo/embedded-mongo';
import { useWireServer } from '../../../tools/mongo-wire/spec-support';
import { RefusedWrite, WriteBatches } from './write-batches';

interface Row {
  _id: number;
  n?: number;
}

describe('WriteBatches', () => {
  const wire = useWireServer({ monitorCommands: true });
  const sent: string[] = [];
  const listen = (e: CommandStartedEvent) => {
    if (['insert', 'update', 'delete'].includes(e.commandName))
      sent.push(`${e.commandName} ${String(e.command[e.commandName])}`);
  };
  beforeAll(() => wire.client.on('commandStarted', listen));
  afterAll(() => wire.client.off('commandStarted', listen));
  beforeEach(() => (sent.length = 0));

  const collections = () => {
    const db = wire.client.db(uniqueDbName('batches'));
    return { a: db.collection<Row>('a'), b: db.collection<Row>('b') };
  };

  it('sends the writes of one turn of the event loop as one command per collection and kind, and each lands', async () => {
    const { a, b } = collections();
    await a.insertOne({ _id: 0, n: 0 });
    sent.length = 0;
    const batches = new WriteBatches();

    await Promise.all([
      batches.write(a, { insertOne: { document: { _id: 1 } } }),
      batches.write(a, { insertOne: { document: { _id: 2 } } }),
      batches.write(a, { updateOne: { filter: { _id: 0 }, update: { $inc: { n: 1 } } } }),
      batches.write(a, { updateOne: { filter: { _id: 0 }, update: { $inc: { n: 2 } } } }),
      batches.write(b, { insertOne: { document: { _id: 1 } } }),
    ]);

    expect(sent.sort()).toEqual(['insert a', 'insert b', 'update a']);
    expect(await a.find().sort({ _id: 1 }).toArray()).toEqual([{ _id: 0, n: 3 }, { _id: 1 }, { _id: 2 }]);
    expect(await b.countDocuments()).toBe(1);
  });

  it('sends writes made in later turns of the loop on their own', async () => {
    const { a } = collections();
    const batches = new WriteBatches();

    await batches.write(a, { insertOne: { document: { _id: 1 } } });
    await batches.write(a, { insertOne: { document: { _id: 2 } } });

    expect(sent).toEqual(['insert a', 'insert a']);
    expect(await a.countDocuments()).toBe(2);
  });

  it('rejects only the caller whose statement the server refused, with its code', async () => {
    const { a } = collections();
    await a.insertOne({ _id: 1 });
    const batches = new WriteBatches();

    const outcomes = await Promise.allSettled([
      batches.write(a, { insertOne: { document: { _id: 2 } } }),
      batches.write(a, { insertOne: { document: { _id: 1 } } }),
      batches.write(a, { insertOne: { document: { _id: 3 } } }),
    ]);

    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const refused = (outcomes[1] as PromiseRejectedResult).reason as RefusedWrite;
    expect(refused).toBeInstanceOf(RefusedWrite);
    expect(refused.code).toBe(11000);
    expect((await a.find().sort({ _id: 1 }).toArray()).map((r) => r._id)).toEqual([1, 2, 3]);
  });

  it('rejects every caller of a command that failed as a whole, and the next batch goes on', async () => {
    const { a, b } = collections();
    await wire.client.db('admin').command({
      configureFailPoint: 'failCommand',
      mode: { times: 1 },
      data: { failCommands: ['insert'], errorCode: 2, namespace: a.namespace },
    });
    const batches = new WriteBatches();

    const outcomes = await Promise.allSettled([
      batches.write(a, { insertOne: { document: { _id: 1 } } }),
      batches.write(a, { insertOne: { document: { _id: 2 } } }),
      batches.write(b, { insertOne: { document: { _id: 1 } } }),
    ]);

    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    for (const o of outcomes.slice(0, 2)) expect((o as PromiseRejectedResult).reason).toMatchObject({ code: 2 });
    expect(await a.countDocuments()).toBe(0);
    await batches.write(a, { insertOne: { document: { _id: 1 } } });
    expect(await a.countDocuments()).toBe(1);
  });
});
