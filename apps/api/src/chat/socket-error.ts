import { classifyError } from '../common/classify-error';
import { TooManyRequestsException } from '../limits/too-many-requests.exception';

/** The body of `message:error` and of a refused acknowledgement: same codes as HTTP, safe messages. */
export interface SocketError {
  status: number;
  code: string;
  message: string;
  retryAfterMs?: number;
  details?: unknown;
}

export function toSocketError(err: unknown): SocketError {
  const c = classifyError(err);
  return {
    status: c.status,
    code: c.code,
    message: c.message,
    ...(err instanceof TooManyRequestsException ? { retryAfterMs: err.retryAfterMs } : {}),
    ...(c.details !== undefined && c.status === 400 ? { details: c.details } : {}),
  };
}
