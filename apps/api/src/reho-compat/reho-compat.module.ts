import { Module } from '@nestjs/common';
import { AuthModule } from '@app/auth';
import { ChatModule } from '../chat/chat.module';
import { ReportsModule } from '../reports/reports.module';
import { RehoChatServer } from './reho-chat.server';
import { RehoConversationsController } from './reho-conversations.controller';
import { RehoFeedbackController } from './reho-feedback.controller';
import { RehoSessions } from './reho-sessions';
import { ReportCompletion } from './report-completion';
import { UserEventSubscriber } from './user-event-subscriber';

/**
 * The Reho AI service's routes, so its clients work unchanged: the chat WebSocket, its conversation routes and the
 * synchronous optimisation reports. Each runs on our services (ChatService turns, ReportsService, the
 * conversations), never beside them. The shared routes (/suggestions, /admin/alerts, /health) add Reho's fields
 * through reho-views.
 */
@Module({
  imports: [AuthModule, ChatModule, ReportsModule],
  controllers: [RehoConversationsController, RehoFeedbackController],
  providers: [RehoChatServer, RehoSessions, UserEventSubscriber, ReportCompletion],
})
export class RehoCompatModule {}
