import { Db } from 'mongodb';
import { io, Socket } from 'socket.io-client';

/** Our collections and the main backend's: a hostile request must leave every one of them as it was. */
export const ALL_COLLECTIONS = [
  'users',
  'incomes',
  'expenses',
  'budgets',
  'debts',
  'savinggoals',
  'conversations',
  'messages',
  'expense_parses',
  'reports',
  'suggestions',
  'alerts',
  'ai_usage',
];

/** Every document of every collection, in a stable order: compare two to prove nothing changed. */
export async function dbSnapshot(db: Db): Promise<string> {
  const parts = await Promise.all(
    ALL_COLLECTIONS.map(async (c) => [c, await db.collection(c).find().sort({ _id: 1 }).toArray()]),
  );
  return JSON.stringify(parts);
}

/** A socket.io-client socket that records every event it receives, in order, and how it ended. */
export class SocketRecorder {
  readonly events: Array<{ name: string; data: any }> = [];
  readonly disconnected: Promise<{ reason: string; at: number }>;

  constructor(readonly socket: Socket) {
    socket.onAny((name: string, data: unknown) => this.events.push({ name, data }));
    this.disconnected = new Promise((resolve) =>
      socket.once('disconnect', (reason) => resolve({ reason, at: Date.now() })),
    );
  }

  of(name: string): any[] {
    return this.events.filter((e) => e.name === name).map((e) => e.data);
  }
}

function open(url: string, token: string): Socket {
  return io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
}

/** Connects (to `url`, a namespace URL) and resolves once the server has accepted the handshake. */
export async function connectRecorder(url: string, token: string): Promise<SocketRecorder> {
  const socket = open(url, token);
  const recorder = new SocketRecorder(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return recorder;
}

/** The refusal a handshake gets (`connect_error`'s data), or 'connected'. */
export async function handshakeRefusal(url: string, token: string): Promise<unknown> {
  const socket = open(url, token);
  try {
    return await new Promise((resolve) => {
      socket.once('connect', () => resolve('connected'));
      socket.once('connect_error', (err: Error & { data?: unknown }) => resolve(err.data ?? err.message));
    });
  } finally {
    socket.disconnect();
  }
}
