import { AuthError, AuthUser } from './auth-user';
import { AuthService } from './auth.service';

/** Shape of the parts of a Socket.IO handshake we read (kept structural to avoid a socket.io import here). */
interface HandshakeLike {
  auth?: Record<string, unknown>;
  query?: Record<string, unknown>;
  headers?: Record<string, string | string[] | undefined>;
}

export function tokenFromHandshake(handshake: HandshakeLike): string | null {
  const fromAuth = handshake.auth?.token;
  if (typeof fromAuth === 'string' && fromAuth) return fromAuth.replace(/^Bearer\s+/i, '');
  const fromQuery = handshake.query?.token; // older clients put the token in the connection URL
  if (typeof fromQuery === 'string' && fromQuery) return fromQuery;
  const header = handshake.headers?.authorization;
  if (typeof header === 'string' && /^Bearer\s+/i.test(header)) return header.replace(/^Bearer\s+/i, '');
  return null;
}

export interface SocketWithUser {
  handshake: HandshakeLike;
  data: { user?: AuthUser };
}

/**
 * Socket.IO middleware: a refused handshake reaches the client as `connect_error` whose `data`
 * carries the same status and code the HTTP API would answer.
 */
export function socketAuthMiddleware(auth: AuthService) {
  return (socket: SocketWithUser, next: (err?: Error) => void): void => {
    auth
      .authenticateToken(tokenFromHandshake(socket.handshake))
      .then((user) => {
        socket.data.user = user;
        next();
      })
      .catch((err: unknown) => {
        const refusal = new Error(
          err instanceof AuthError ? err.message : 'Service temporarily unavailable',
        ) as Error & {
          data: unknown;
        };
        refusal.data =
          err instanceof AuthError ? { status: err.status, code: err.code } : { status: 503, code: 'unavailable' };
        next(refusal);
      });
  };
}
