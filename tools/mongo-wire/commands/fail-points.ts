/**
 * mongod's `failCommand` fail point (a test command of mongod's own), so tests can make one command fail at the
 * network edge, as a real server's error would reach our code:
 *   {configureFailPoint: 'failCommand', mode: 'alwaysOn' | 'off' | {times: n},
 *    data: {failCommands: ['update'], errorCode: 91, namespace?: 'db.collection'}}
 * The failing command gets `{ok: 0, code: errorCode, errmsg}` before it touches any data. `namespace` narrows it to
 * one collection.
 */
import type { Document } from 'bson';
import { CommandError } from '../errors';
import { isPlainObject, type Doc } from '../values';
import type { CommandHandler, ServerState } from './context';

export interface FailCommandPoint {
  commands: Set<string>;
  /** Failures left; null while always on. */
  remaining: number | null;
  code: number;
  namespace: string | null;
}

const configureFailPoint: CommandHandler = ({ server, db, command }) => {
  if (db !== 'admin')
    throw new CommandError('Unauthorized', 'configureFailPoint may only be run against the admin database');
  if (command.configureFailPoint !== 'failCommand') {
    throw new CommandError('BadValue', `unknown fail point: ${String(command.configureFailPoint)} (only failCommand)`);
  }
  const mode: unknown = command.mode;
  if (mode === 'off') {
    server.failCommand = null;
    return {};
  }
  const times = isPlainObject(mode) ? Number(mode.times) : null;
  if (mode !== 'alwaysOn' && !(times !== null && Number.isInteger(times) && times > 0)) {
    throw new CommandError('BadValue', "mode must be 'off', 'alwaysOn' or {times: n}, n > 0");
  }
  const data = isPlainObject(command.data) ? (command.data as Doc) : {};
  const commands = Array.isArray(data.failCommands) ? data.failCommands.map(String) : [];
  const code = Number(data.errorCode);
  if (!commands.length || !Number.isInteger(code)) {
    throw new CommandError('BadValue', 'data needs failCommands (a list of command names) and an integer errorCode');
  }
  server.failCommand = {
    commands: new Set(commands),
    remaining: times,
    code,
    namespace: typeof data.namespace === 'string' ? data.namespace : null,
  };
  return {};
};

export const failPointCommands: Record<string, CommandHandler> = { configureFailPoint };

/** The reply a command gets when the fail point takes it, else null (and a failure is counted off). */
export function failPointReply(server: ServerState, name: string, db: string, command: Doc): Document | null {
  const point = server.failCommand;
  if (!point || !point.commands.has(name)) return null;
  if (point.namespace !== null && point.namespace !== `${db}.${String(command[name])}`) return null;
  if (point.remaining !== null && --point.remaining <= 0) server.failCommand = null;
  return { ok: 0, errmsg: "Failing command via 'failCommand' failpoint", code: point.code };
}
