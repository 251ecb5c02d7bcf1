import { ArgumentsHost, Catch, WsExceptionFilter } from '@nestjs/common';
import { Socket } from 'socket.io';
import type { AuthUser } from '@app/auth';
import { AppLogger } from '@app/logging';
import { SocketError, toSocketError } from './socket-error';

/** `message:error`: a message's outcome when it was refused or its reply failed. */
export function messageError(clientMessageId: unknown, error: SocketError) {
  return { clientMessageId: typeof clientMessageId === 'string' ? clientMessageId : null, ...error };
}

/**
 * A chat event refused before it was acknowledged (a payload the ValidationPipe refused, a blocked user, a
 * limit, an unknown conversation): the acknowledgement says `{ ok: false, error }`, with the same codes as HTTP.
 * A refused `message:send` is also told as `message:error`, where a client waiting for its message looks.
 */
@Catch()
export class SocketRefusalFilter implements WsExceptionFilter {
  constructor(private readonly logger: AppLogger) {}

  catch(err: unknown, host: ArgumentsHost): void {
    const ws = host.switchToWs();
    const socket = ws.getClient<Socket>();
    const error = toSocketError(err);
    if (error.status >= 500) {
      const userId = (socket.data.user as AuthUser | undefined)?.id;
      this.logger.event('warn', 'chat.turn_failed', { event: ws.getPattern(), userId, error: err });
    }
    if (ws.getPattern() === 'message:send') {
      const payload: unknown = ws.getData();
      const cmid = typeof payload === 'object' && payload !== null ? Reflect.get(payload, 'clientMessageId') : null;
      socket.emit('message:error', messageError(cmid, error));
    }
    // Socket.IO hands the acknowledgement callback to the handler after the payload.
    const ack: unknown = host.getArgByIndex(2);
    if (typeof ack === 'function') ack({ ok: false, error });
  }
}
