import { Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, Patch, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '@app/auth';
import { ConversationsRepository, MessagesRepository } from '@app/database';
import { ObjectIdPipe } from '../common/object-id.pipe';
import { ConversationCache } from './conversation-cache';
import { conversationView, messageView } from './conversation-views';
import { cursorFrom, PageQueryDto } from '../common/page-query.dto';
import { RenameConversationDto } from './dto/conversation.dto';

const notFound = () => new NotFoundException({ code: 'not_found', message: 'Conversation not found' });

@ApiTags('chat')
@ApiBearerAuth()
@Controller('conversations')
export class ConversationsController {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly messages: MessagesRepository,
    private readonly cache: ConversationCache,
  ) {}

  @Get()
  @ApiOperation({ summary: "The caller's conversations, most recent first (cursor pagination)" })
  async list(@CurrentUser() user: AuthUser, @Query() q: PageQueryDto) {
    const page = await this.conversations.list(user.id, q.limit ?? 20, cursorFrom(q.cursor));
    return { items: page.items.map(conversationView), nextCursor: page.nextCursor };
  }

  @Get(':id')
  async get(@CurrentUser() user: AuthUser, @Param('id', ObjectIdPipe) id: string) {
    const c = await this.conversations.findForUser(id, user.id);
    if (!c) throw notFound();
    return conversationView(c);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Rename (1-100 characters); an automatic title never replaces it afterwards' })
  async rename(
    @CurrentUser() user: AuthUser,
    @Param('id', ObjectIdPipe) id: string,
    @Body() dto: RenameConversationDto,
  ) {
    const c = await this.conversations.rename(id, user.id, dto.title);
    if (!c) throw notFound();
    await this.cache.markTitled(id);
    return conversationView(c);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete the conversation and all its messages' })
  async remove(@CurrentUser() user: AuthUser, @Param('id', ObjectIdPipe) id: string): Promise<void> {
    if (!(await this.conversations.delete(id, user.id))) throw notFound();
    // Turns on every instance read conversations from the cache: there too it must now read as missing.
    await this.cache.forget(id);
  }

  @Get(':id/messages')
  @ApiOperation({
    summary: 'Messages, newest page first; each page in chronological order; nextCursor pages back in time',
  })
  async messagesPage(@CurrentUser() user: AuthUser, @Param('id', ObjectIdPipe) id: string, @Query() q: PageQueryDto) {
    const c = await this.conversations.findForUser(id, user.id);
    if (!c) throw notFound();
    const page = await this.messages.page(c._id, q.limit ?? 50, cursorFrom(q.cursor));
    return { items: page.items.map(messageView), nextCursor: page.nextCursor };
  }
}
