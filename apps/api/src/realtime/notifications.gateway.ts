import { ConnectedSocket, OnGatewayConnection, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { Socket } from 'socket.io';
import { AuthUser } from '@app/auth';
import { userRoom } from '@app/queue';
import { SocketSessions } from './socket-sessions';

/** The default namespace: where job progress and completion events reach a user's devices. */
@WebSocketGateway()
export class NotificationsGateway implements OnGatewayConnection {
  constructor(private readonly sessions: SocketSessions) {}

  handleConnection(socket: Socket): void {
    const user = socket.data.user as AuthUser;
    this.sessions.track(socket);
    void socket.join(userRoom(user.id));
  }

  @SubscribeMessage('whoami')
  whoami(@ConnectedSocket() socket: Socket) {
    const user = socket.data.user as AuthUser;
    return { id: user.id, role: user.role };
  }
}
