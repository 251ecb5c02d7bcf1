/**
 * Logical sessions and transactions.
 *
 * Sessions only matter for bookkeeping: ending or killing one reaps the
 * cursors it opened. Transactions get the answer a real standalone mongod
 * gives (IllegalOperation), so code relying on them fails here as it would
 * against a standalone server rather than silently losing atomicity.
 */
import { CommandError } from '../errors';
import { requiredArray, sessionKey, type CommandContext, type CommandHandler } from './context';

export const TRANSACTIONS_UNSUPPORTED = 'Transaction numbers are only allowed on a replica set member or mongos';

function endSessions(ctx: CommandContext) {
  const keys = new Set<string>();
  for (const lsid of requiredArray(ctx, ctx.name)) {
    const key = sessionKey(lsid);
    if (key) keys.add(key);
  }
  ctx.server.cursors.killSessionCursors(keys);
  ctx.server.stats.endedSessions += keys.size;
  return {};
}

function transactionCommand(): never {
  throw new CommandError('IllegalOperation', TRANSACTIONS_UNSUPPORTED);
}

export const sessionCommands: Record<string, CommandHandler> = {
  endSessions,
  killSessions: endSessions,
  // Sessions are not tracked server-side, so there is nothing to refresh.
  refreshSessions: () => ({}),
  commitTransaction: transactionCommand,
  abortTransaction: transactionCommand,
};
