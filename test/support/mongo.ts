import { startEmbeddedMongo, EmbeddedMongo } from '../../tools/embedded-mongo/embedded-mongo';

export { uniqueDbName, uniqueDbUri } from '../../tools/embedded-mongo/embedded-mongo';
export type TestMongo = EmbeddedMongo;

/** Tests never download a mongod: MONGODB_URI, else a binary already on disk, else the wire-protocol server. */
export function startTestMongo(): Promise<TestMongo> {
  return startEmbeddedMongo();
}
