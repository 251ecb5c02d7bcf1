import { Module } from '@nestjs/common';
import { AuthModule } from '@app/auth';
import { LlmModule } from '@app/llm';
import { RealtimeModule } from '../realtime/realtime.module';
import { ChatAnswerer } from './chat-answerer';
import { ChatLimitsService } from './chat-limits.service';
import { ChatMessagesController } from './chat-messages.controller';
import { ChatGateway } from './chat.gateway';
import { ChatService } from './chat.service';
import { ReplyStreams } from './reply-streams';
import { ConversationCache } from './conversation-cache';
import { ConversationsController } from './conversations.controller';
import { ChatToolsModule } from './tools/tools.module';
import { TurnClaims } from './turn-claims';

@Module({
  imports: [LlmModule, AuthModule, RealtimeModule, ChatToolsModule],
  controllers: [ConversationsController, ChatMessagesController],
  providers: [ChatService, ChatAnswerer, ChatLimitsService, ChatGateway, ConversationCache, TurnClaims, ReplyStreams],
  // The Reho WebSocket (reho-compat) runs the same turns, limits, conversation cache and resumable streams.
  exports: [ChatService, ChatLimitsService, ConversationCache, ReplyStreams],
})
export class ChatModule {}
