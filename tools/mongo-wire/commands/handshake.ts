/**
 * Connection handshake and server-identity commands.
 *
 * We present a standalone mongod 7.0 (wire version 21). `topologyVersion` is
 * deliberately omitted: without it the driver's monitor polls `hello` instead
 * of using the streaming (exhaust) protocol, which we do not implement.
 */
import { MAX_BSON_OBJECT_SIZE, MAX_MESSAGE_SIZE_BYTES, MAX_WRITE_BATCH_SIZE } from '../protocol';
import type { CommandContext, CommandHandler } from './context';

export const SERVER_VERSION = '7.0.0';
export const MAX_WIRE_VERSION = 21;

function hello(ctx: CommandContext) {
  // `hello` answers isWritablePrimary; the legacy spellings answer ismaster.
  const legacy = ctx.name !== 'hello';
  return {
    ...(ctx.command.helloOk === true ? { helloOk: true } : {}),
    [legacy ? 'ismaster' : 'isWritablePrimary']: true,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE_BYTES,
    maxWriteBatchSize: MAX_WRITE_BATCH_SIZE,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.connection.id,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
  };
}

export const handshakeCommands: Record<string, CommandHandler> = {
  hello,
  isMaster: hello,
  ismaster: hello,
  ping: () => ({}),
  buildInfo: () => ({
    version: SERVER_VERSION,
    gitVersion: 'in-process-test-server',
    versionArray: [7, 0, 0, 0],
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    storageEngines: ['inMemory'],
    javascriptEngine: 'none',
    modules: [],
  }),
};
