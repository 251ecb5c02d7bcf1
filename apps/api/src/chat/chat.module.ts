import { Module } from '@nestjs/common';
import { AuthModule } from '@app/auth';
import { LlmModule } from '@app/llm';
import { RealtimeModule } from '../realtime/realtime.module';
import { ChatLimitsService } from './chat-limits.service';
import { ChatMessagesController } from './chat-messages.controller';
import { ChatGateway } from './chat.gateway';
import { ChatService } from './chat.service';
import { ConversationsController } from './conversations.controller';

@Module({
  imports: [LlmModule, AuthModule, RealtimeModule],
  controllers: [ConversationsController, ChatMessagesController],
  providers: [ChatService, ChatLimitsService, ChatGateway],
})
export class ChatModule {}
