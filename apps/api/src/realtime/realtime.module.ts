import { Module } from '@nestjs/common';
import { NotificationsGateway } from './notifications.gateway';

@Module({ providers: [NotificationsGateway] })
export class RealtimeModule {}
