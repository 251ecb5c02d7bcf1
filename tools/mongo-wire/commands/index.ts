/**
 * Command dispatch: picks the handler by the command document's first field,
 * applies checks common to every command, and turns anything thrown into an
 * `ok: 0` reply so a bad command never takes the connection down.
 */
import { CommandError, errorReply } from '../errors';
import { validateDbName } from '../storage';
import type { Doc } from '../values';
import { adminCommands } from './admin';
import { failPointCommands, failPointReply } from './fail-points';
import { sessionKey, type CommandHandler, type ConnectionInfo, type ServerState } from './context';
import { handshakeCommands } from './handshake';
import { readCommands } from './read';
import { sessionCommands, TRANSACTIONS_UNSUPPORTED } from './sessions';
import { writeCommands } from './write';

const handlers = new Map<string, CommandHandler>(
  Object.entries({
    ...handshakeCommands,
    ...readCommands,
    ...writeCommands,
    ...adminCommands,
    ...sessionCommands,
    ...failPointCommands,
  }),
);

export const HANDSHAKE_COMMANDS = new Set(
  Object.keys(handshakeCommands).filter((n) => n !== 'ping' && n !== 'buildInfo'),
);

export function runCommand(server: ServerState, connection: ConnectionInfo, db: string, command: Doc): Doc {
  const name = Object.keys(command)[0] ?? '';
  server.stats.commands[name] = (server.stats.commands[name] ?? 0) + 1;
  try {
    const handler = handlers.get(name);
    // Looked up with hasOwnProperty semantics (a Map), so `{constructor: 1}` is "no such command" too.
    if (!handler) throw new CommandError('CommandNotFound', `no such command: '${name}'`);
    validateDbName(db);
    // A standalone mongod refuses transactions and retryable writes alike.
    if (command.txnNumber !== undefined || command.autocommit !== undefined || command.startTransaction !== undefined) {
      throw new CommandError('IllegalOperation', TRANSACTIONS_UNSUPPORTED);
    }
    const failed = failPointReply(server, name, db, command);
    if (failed) return failed;
    const reply = handler({ server, connection, db, name, command, session: sessionKey(command.lsid) });
    return { ...reply, ok: 1 };
  } catch (err) {
    return errorReply(err);
  }
}
