/** What the mongo-wire specs share: a server and a driver client per spec file, and how they read its answers. */
import { BSON, MongoClient, type MongoClientOptions } from 'mongodb';
import { startMongoWireServer, type MongoWireServer } from './index';

export interface WireFixture {
  /** Set before the file's tests run. */
  server: MongoWireServer;
  client: MongoClient;
  /** Stored documents the server read while `fn` ran (mongod's scannedObjects): whether indexes narrowed them. */
  examined(fn: () => Promise<unknown>): Promise<number>;
}

/** Starts a server and connects a client before the file's tests, and closes both after them. */
export function useWireServer(clientOptions: MongoClientOptions = {}): WireFixture {
  const wire = {
    async examined(fn: () => Promise<unknown>): Promise<number> {
      const before = wire.server.stats().documentsExamined;
      await fn();
      return wire.server.stats().documentsExamined - before;
    },
  } as WireFixture;
  beforeAll(async () => {
    wire.server = await startMongoWireServer();
    wire.client = await MongoClient.connect(wire.server.uri, { serverSelectionTimeoutMS: 2_000, ...clientOptions });
  });
  afterAll(async () => {
    await wire.client?.close();
    await wire.server?.close();
  });
  return wire;
}

/** Canonical Extended JSON: BSON types and field order count when two answers are compared. */
export const canonicalEjson = (v: unknown): string => BSON.EJSON.stringify(v, { relaxed: false });
