import { HttpException } from '@nestjs/common';
import { defaultCode } from './error-body';

export interface ClassifiedError {
  status: number;
  code: string;
  message: string;
  details?: unknown;
  /** Unexpected failures are logged; expected client errors are not noise. */
  unexpected: boolean;
}

const MONGO_UNAVAILABLE =
  /MongoServerSelectionError|MongoNetworkError|MongoNotConnectedError|MongoTopologyClosedError|MongooseServerSelectionError|MongoNetworkTimeoutError/;
const REDIS_UNAVAILABLE =
  /Connection is closed|enableOfflineQueue|ECONNREFUSED|MaxRetriesPerRequestError|Stream isn't writeable|ETIMEDOUT|Reached the max retries/;
/**
 * A bare socket error. The MongoDB driver lets one escape unwrapped when the server closed a pooled connection
 * (a crash or restart): the write waits for 'drain' and rethrows the socket's own EPIPE/ECONNRESET. ioredis
 * always wraps its socket errors (matched above), so a bare one here is the database going away.
 */
const SOCKET_GONE = new Set(['EPIPE', 'ECONNRESET', 'ECONNABORTED', 'ENOTCONN']);

/** Maps anything thrown during a request to a status and a message safe to show a client. */
export function classifyError(err: unknown): ClassifiedError {
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const res = err.getResponse();
    if (typeof res === 'string') return { status, code: defaultCode(status), message: res, unexpected: false };
    const body = res as { message?: unknown; code?: string; details?: unknown };
    // ValidationPipe answers a list of messages: keep them as details, lead with the first.
    if (Array.isArray(body.message)) {
      return {
        status,
        code: body.code ?? 'validation_failed',
        message: String(body.message[0] ?? 'Invalid request'),
        details: body.message,
        unexpected: false,
      };
    }
    return {
      status,
      code: body.code ?? defaultCode(status),
      message: String(body.message ?? err.message),
      details: body.details,
      unexpected: false,
    };
  }
  const e = err as { name?: string; message?: string; code?: unknown };
  const text = `${e?.name ?? ''} ${e?.message ?? ''}`;
  if (MONGO_UNAVAILABLE.test(text) || (typeof e?.code === 'string' && SOCKET_GONE.has(e.code)))
    return {
      status: 503,
      code: 'database_unavailable',
      message: 'Database is temporarily unavailable',
      unexpected: true,
    };
  if (REDIS_UNAVAILABLE.test(text))
    return {
      status: 503,
      code: 'queue_unavailable',
      message: 'Job queue is temporarily unavailable',
      unexpected: true,
    };
  // The user vanished between the auth check (cached briefly) and the read: same answer as at the door.
  if (e?.name === 'FinanceUserNotFoundError')
    return { status: 401, code: 'user_not_found', message: 'User does not exist', unexpected: false };
  if (e?.name === 'CastError')
    return {
      status: 400,
      code: 'invalid_value',
      message: 'A value in the request has the wrong type',
      unexpected: false,
    };
  return { status: 500, code: 'internal_error', message: 'Internal server error', unexpected: true };
}
