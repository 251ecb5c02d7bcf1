import { io, Socket } from 'socket.io-client';
import type { FaultStack } from './fault-stack';

/** The user's socket on the /chat namespace, connected; a refused handshake rejects with its connect_error. */
export async function chatSocket(s: Pick<FaultStack, 'api' | 'token'>): Promise<Socket> {
  const socket = io(`${s.api.url}/chat`, { auth: { token: s.token }, transports: ['websocket'], forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => {
      socket.disconnect();
      reject(err);
    });
  });
  return socket;
}

export interface SocketTurn {
  /** The `message:send` acknowledgement. */
  ack: any;
  /** `message:error` for this message, if that is how it ended. */
  error: any;
  /** `message:done` for this message, if that is how it ended. */
  done: any;
}

/** Sends one chat message (in a new conversation unless one is given) and resolves once it is acknowledged and its reply has ended, either way. */
export function sendOnSocket(
  socket: Socket,
  text: string,
  clientMessageId: string,
  conversationId?: string,
  timeoutMs = 10_000,
): Promise<SocketTurn> {
  return new Promise((resolve, reject) => {
    const turn: SocketTurn = { ack: null, error: null, done: null };
    const settle = () => {
      if (turn.ack === null || (turn.error === null && turn.done === null)) return;
      cleanup();
      resolve(turn);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`message ${clientMessageId} did not end within ${timeoutMs} ms: ${JSON.stringify(turn)}`));
    }, timeoutMs);
    const end = (key: 'error' | 'done') => (payload: any) => {
      if (payload?.clientMessageId !== clientMessageId) return;
      turn[key] = payload;
      settle();
    };
    const onError = end('error');
    const onDone = end('done');
    const cleanup = () => {
      clearTimeout(timer);
      socket.off('message:error', onError).off('message:done', onDone);
    };
    socket.on('message:error', onError).on('message:done', onDone);
    socket.emit(
      'message:send',
      { text, clientMessageId, ...(conversationId ? { conversationId } : {}) },
      (ack: any) => {
        turn.ack = ack;
        settle();
      },
    );
  });
}
