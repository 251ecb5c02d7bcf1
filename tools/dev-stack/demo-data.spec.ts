import { MongoClient } from 'mongodb';
import { startMongoWireServer, type MongoWireServer } from '../mongo-wire';
import { uniqueDbUri } from '../embedded-mongo/embedded-mongo';
import { ensureDemoData } from './demo-data';

let server: MongoWireServer;
let client: MongoClient;

beforeAll(async () => {
  server = await startMongoWireServer({ port: 0 });
  client = await MongoClient.connect(uniqueDbUri(server.uri, 'demo'));
});
afterAll(async () => {
  await client.close();
  await server.close();
});

describe('ensureDemoData', () => {
  it('seeds an empty database once; a later start reuses the same users and keeps what was added since', async () => {
    const db = client.db();
    const first = await ensureDemoData(db);
    expect(first.seeded).toBe(true);
    expect(first.users.user.email).toBe('demo@example.com');
    expect(first.users.admin.email).toBe('admin@example.com');
    const expenses = await db.collection('expenses').countDocuments();
    await db.collection('conversations').insertOne({ title: 'kept across restarts' });

    const second = await ensureDemoData(db);
    expect(second).toEqual({ users: first.users, seeded: false });
    expect(await db.collection('users').countDocuments()).toBe(2);
    expect(await db.collection('expenses').countDocuments()).toBe(expenses);
    expect(await db.collection('conversations').countDocuments()).toBe(1);
  });
});
