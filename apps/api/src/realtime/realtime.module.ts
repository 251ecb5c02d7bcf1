import { Module } from '@nestjs/common';
import { AuthModule } from '@app/auth';
import { NotificationsGateway } from './notifications.gateway';
import { SocketSessions } from './socket-sessions';

@Module({
  imports: [AuthModule],
  providers: [SocketSessions, NotificationsGateway],
  exports: [SocketSessions],
})
export class RealtimeModule {}
