/**
 * TCP listener: one framer per socket, each complete message decoded,
 * dispatched and answered in arrival order (handlers are synchronous, so
 * replies can never overtake each other on a connection).
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { ConnectionInfo, ServerState, ServerStats } from './commands/context';
import { HANDSHAKE_COMMANDS, runCommand } from './commands/index';
import { CursorManager } from './cursors';
import { CommandError, errorReply } from './errors';
import { decodeMessage, encodeOpMsgReply, encodeOpReply, MessageFramer, type WireRequest } from './protocol';
import { Store } from './storage';
import type { Doc } from './values';

export interface MongoWireServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1: the server has no authentication and must stay on loopback. */
  host?: string;
}

export interface MongoWireServer {
  /** `mongodb://host:port` without a database; append `/<db>` as needed. */
  uri: string;
  port: number;
  host: string;
  /** Counters for tests that assert on driver behaviour (sessions ended, commands seen). */
  stats(): ServerStats & { openCursors: number };
  /**
   * Takes the server offline like a crashed mongod: stops listening and drops every client socket (their
   * cursors die with them). Data is kept for resume(). Clients see connection resets, then refusals.
   */
  suspend(): Promise<void>;
  /** Listens again on the same host and port, with the data it had. */
  resume(): Promise<void>;
  /** Ends every client socket and stops listening. Data is discarded. */
  close(): Promise<void>;
}

export async function startMongoWireServer(opts: MongoWireServerOptions = {}): Promise<MongoWireServer> {
  const host = opts.host ?? '127.0.0.1';
  const state: ServerState = {
    store: new Store(),
    cursors: new CursorManager(),
    stats: { connectionsOpened: 0, activeConnections: 0, commands: {}, endedSessions: 0, documentsExamined: 0 },
    failCommand: null,
  };
  const sockets = new Set<Socket>();
  let nextConnectionId = 1;

  const server = createServer((socket) => {
    sockets.add(socket);
    state.stats.connectionsOpened++;
    state.stats.activeConnections++;
    socket.setNoDelay(true);
    const connection: ConnectionInfo = { id: nextConnectionId++ };
    const framer = new MessageFramer();
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const message of framer.push(chunk)) {
          const reply = handleMessage(state, connection, decodeMessage(message));
          if (reply && !socket.destroyed) socket.write(reply);
        }
      } catch {
        // Malformed framing or BSON: mongod drops such connections too.
        socket.destroy();
      }
    });
    socket.on('error', () => undefined); // resets by clients going away are routine
    socket.on('close', () => {
      sockets.delete(socket);
      state.stats.activeConnections--;
    });
  });

  await listen(server, opts.port ?? 0, host);
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('mongo-wire: server has no TCP address');

  const port = address.port;
  const disconnect = async () => {
    const closed = [...sockets].map((socket) => new Promise((resolve) => socket.once('close', resolve)));
    for (const socket of sockets) socket.destroy();
    state.cursors.clear();
    await Promise.all([...closed, new Promise((resolve) => server.close(resolve))]);
  };
  let closing: Promise<void> | undefined;
  let suspended = false;
  return {
    uri: `mongodb://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    host,
    stats: () => ({ ...state.stats, commands: { ...state.stats.commands }, openCursors: state.cursors.openCount }),
    async suspend() {
      if (closing) throw new Error('mongo-wire: server is closed');
      if (suspended) return;
      suspended = true;
      await disconnect();
    },
    async resume() {
      if (closing) throw new Error('mongo-wire: server is closed');
      if (!suspended) return;
      await listen(server, port, host);
      suspended = false;
    },
    close() {
      closing ??= suspended ? Promise.resolve() : disconnect();
      return closing;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Returns the encoded reply, or undefined when the client asked for none (moreToCome). */
function handleMessage(state: ServerState, connection: ConnectionInfo, request: WireRequest): Buffer | undefined {
  if (request.kind === 'query') {
    // Since 5.1 mongod accepts OP_QUERY only for the handshake commands.
    const [db, collection] = splitNamespace(request.fullCollectionName);
    const name = Object.keys(request.command)[0] ?? '';
    const reply =
      collection === '$cmd' && HANDSHAKE_COMMANDS.has(name)
        ? runCommand(state, connection, db, request.command)
        : errorReply(
            new CommandError(
              'UnsupportedOpQueryCommand',
              `Unsupported OP_QUERY command: ${name}. The client driver may require an upgrade. For more details see https://dochub.mongodb.org/core/legacy-opcode-removal`,
            ),
          );
    return encode(reply, (doc) => encodeOpReply(request.requestId, doc));
  }
  const db = request.command.$db;
  const reply =
    typeof db === 'string'
      ? runCommand(state, connection, db, request.command)
      : errorReply(new CommandError('Location40571', 'OP_MSG requests require a $db argument'));
  if (request.moreToCome) return undefined; // fire-and-forget (w:0) writes get no reply
  return encode(reply, (doc) => encodeOpMsgReply(request.requestId, doc));
}

/** A reply that cannot be serialised (e.g. over 16 MiB) becomes an error reply instead of a dropped connection. */
function encode(reply: Doc, encoder: (doc: Doc) => Buffer): Buffer {
  try {
    return encoder(reply);
  } catch (err) {
    return encoder(
      errorReply(new CommandError('BSONObjectTooLarge', `reply could not be encoded: ${(err as Error).message}`)),
    );
  }
}

function splitNamespace(ns: string): [string, string] {
  const dot = ns.indexOf('.');
  return dot < 0 ? [ns, ''] : [ns.slice(0, dot), ns.slice(dot + 1)];
}
