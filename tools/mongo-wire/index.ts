/**
 * In-process MongoDB wire-protocol server for tests and the dev "embedded
 * MongoDB", used when no real mongod is available. Application code reaches
 * it only through the real driver/mongoose over TCP on loopback.
 *
 * Layout: protocol.ts (framing, OP_MSG/OP_QUERY), server.ts (sockets),
 * commands/* (one module per command group), storage.ts + indexes.ts
 * (collections, unique keys), postings.ts + pinned-values.ts (equality
 * filters answered from indexes, commands/pipeline-narrowing.ts for
 * aggregates), cursors.ts, update.ts + numeric-updates.ts (update
 * semantics), query-engine.ts + timezones.ts (mingo adapter).
 *
 * Known gaps compared with mongod 7.0 (standalone):
 * - no auth/TLS/compression, no transactions or retryable writes (answered
 *   with IllegalOperation exactly like a standalone), no change streams;
 * - indexes enforce uniqueness and narrow exact-equality filters on their
 *   first field (storage.ts), but TTL indexes never expire documents,
 *   text/geo queries, collation and hints are not supported or ignored;
 * - collection validators and views are not enforced / not supported;
 * - int32 vs double is not preserved (both come back as JS numbers, as the
 *   driver would return anyway); inside aggregation pipelines Long and
 *   Decimal128 are computed as JS numbers;
 * - `$out`/`$merge`/`explain` answer CommandNotSupported.
 */
export { startMongoWireServer, type MongoWireServer, type MongoWireServerOptions } from './server';
export type { ServerStats } from './commands/context';
