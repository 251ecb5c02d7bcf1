/** failCommand: one command failing as a real mongod's error would, before it touches any data. */
import { MongoServerError } from 'mongodb';
import { uniqueDbName } from '../embedded-mongo/embedded-mongo';
import { useWireServer } from './spec-support';

describe('mongo-wire failCommand fail point', () => {
  const wire = useWireServer();
  const failCommand = (mode: unknown, data: Record<string, unknown> = {}) =>
    wire.client.db('admin').command({ configureFailPoint: 'failCommand', mode, data });

  it('fails the named command the given number of times, in the named collection only, leaving the data as it was', async () => {
    const db = wire.client.db(uniqueDbName('failpoint'));
    const [items, others] = [db.collection('items'), db.collection('others')];
    await items.insertOne({ _id: 1, n: 0 } as never);
    await others.insertOne({ _id: 1, n: 0 } as never);
    await failCommand({ times: 1 }, { failCommands: ['update'], errorCode: 91, namespace: `${db.databaseName}.items` });

    await others.updateOne({ _id: 1 } as never, { $inc: { n: 1 } });
    const failed = await items.updateOne({ _id: 1 } as never, { $inc: { n: 1 } }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(MongoServerError);
    expect((failed as MongoServerError).code).toBe(91);
    expect(await items.findOne({ _id: 1 } as never)).toMatchObject({ n: 0 });

    await items.updateOne({ _id: 1 } as never, { $inc: { n: 1 } });
    expect(await items.findOne({ _id: 1 } as never)).toMatchObject({ n: 1 });
    expect(await others.findOne({ _id: 1 } as never)).toMatchObject({ n: 1 });
  });

  it("stays on with 'alwaysOn' until turned 'off'", async () => {
    const coll = wire.client.db(uniqueDbName('failpoint')).collection('items');
    await failCommand('alwaysOn', { failCommands: ['insert'], errorCode: 112 });
    for (let i = 0; i < 3; i++) await expect(coll.insertOne({ i })).rejects.toMatchObject({ code: 112 });
    await failCommand('off');
    await coll.insertOne({ i: 3 });
    expect(await coll.countDocuments()).toBe(1);
  });

  it('refuses a bad configuration, or one sent to another database than admin', async () => {
    await expect(failCommand({ times: 0 }, { failCommands: ['update'], errorCode: 91 })).rejects.toMatchObject({
      codeName: 'BadValue',
    });
    await expect(failCommand('alwaysOn', { errorCode: 91 })).rejects.toMatchObject({ codeName: 'BadValue' });
    await expect(
      wire.client.db('app').command({ configureFailPoint: 'failCommand', mode: 'off' }),
    ).rejects.toMatchObject({
      codeName: 'Unauthorized',
    });
  });
});
