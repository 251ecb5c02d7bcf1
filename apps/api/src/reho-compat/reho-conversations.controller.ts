import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Injectable,
  NotFoundException,
  Param,
  Patch,
  PipeTransform,
  Query,
  Res,
  UseFilters,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthUser, CurrentUser } from '@app/auth';
import { ConversationsRepository, isObjectIdHex } from '@app/database';
import { ConversationCache } from '../chat/conversation-cache';
import { RenameConversationDto } from '../chat/dto/conversation.dto';
import { cursorFrom, PageQueryDto } from '../common/page-query.dto';
import { RehoErrorFilter } from './reho-error.filter';
import { rehoConversation } from './reho-views';

/** Reho answered these when the conversation was missing or someone else's. */
const NOT_FOUND = {
  rename: 'Conversation not found or you do not have permission to rename it.',
  delete: 'Conversation not found or you do not have permission to delete it.',
};

/** Reho's list had no pages; ours holds up to this many, most recently active first. */
const DEFAULT_LIMIT = 100;

/**
 * Reho's ids were its own; any id that is not one of ours is a conversation this user does not have (404, as Reho
 * answered), not a malformed request.
 */
@Injectable()
class ConversationIdPipe implements PipeTransform<unknown, string | null> {
  transform(value: unknown): string | null {
    return isObjectIdHex(value) ? value.toLowerCase() : null;
  }
}

/**
 * Reho's conversation routes over the same conversations as /conversations (what one renames or deletes, the other
 * shows), in Reho's shapes.
 */
@ApiTags('reho-compat')
@ApiBearerAuth()
@UseFilters(RehoErrorFilter)
@Controller('chat/conversations')
export class RehoConversationsController {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly cache: ConversationCache,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      "Reho's list: [{ conversation_id, title, createdAt }], most recently active first; up to 100 (limit), the " +
      'next page from the X-Next-Cursor header (cursor)',
  })
  async list(@CurrentUser() user: AuthUser, @Query() q: PageQueryDto, @Res({ passthrough: true }) res: Response) {
    const page = await this.conversations.list(user.id, q.limit ?? DEFAULT_LIMIT, cursorFrom(q.cursor));
    if (page.nextCursor) res.setHeader('X-Next-Cursor', page.nextCursor);
    return page.items.map(rehoConversation);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Rename (1-100 characters): { message }; automatic titles never replace it' })
  async rename(
    @CurrentUser() user: AuthUser,
    @Param('id', ConversationIdPipe) id: string | null,
    @Body() dto: RenameConversationDto,
  ) {
    const renamed = id ? await this.conversations.rename(id, user.id, dto.title) : null;
    if (!renamed) throw new NotFoundException({ code: 'not_found', message: NOT_FOUND.rename });
    // A turn on any instance must not ask for an automatic title any more.
    await this.cache.markTitled(id!);
    return { message: 'Conversation renamed successfully', conversation_id: id, title: renamed.title };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete the conversation and its messages: 204, no body' })
  async remove(@CurrentUser() user: AuthUser, @Param('id', ConversationIdPipe) id: string | null): Promise<void> {
    if (!id || !(await this.conversations.delete(id, user.id)))
      throw new NotFoundException({ code: 'not_found', message: NOT_FOUND.delete });
    // Turns on every instance read conversations from the cache: there too it must now read as missing.
    await this.cache.forget(id);
  }
}
