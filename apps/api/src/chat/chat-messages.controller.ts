import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthUser, CurrentUser } from '@app/auth';
import { setRateLimitHeaders } from '../limits/rate-limit-headers';
import { ChatLimitsService } from './chat-limits.service';
import { chatTurnView, ChatTurnView } from './chat-turn-view';
import { ChatService } from './chat.service';
import { SendMessageDto } from './dto/send-message.dto';
import { toSocketError } from './socket-error';

/** The HTTP ways to chat: the whole reply at once, or the same turn as Server-Sent Events. */
@ApiTags('chat')
@ApiBearerAuth()
@Controller('chat/messages')
export class ChatMessagesController {
  constructor(
    private readonly chat: ChatService,
    private readonly limits: ChatLimitsService,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a message and get the whole reply (non-streaming)' })
  async send(
    @CurrentUser() user: AuthUser,
    @Body() dto: SendMessageDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ChatTurnView> {
    setRateLimitHeaders(res, await this.limits.admit(user.id));
    const aborted = new AbortController();
    res.on('close', () => !res.writableEnded && aborted.abort());
    const result = await this.chat.turn(
      user,
      dto,
      { accepted: () => undefined, delta: () => undefined },
      aborted.signal,
    );
    return chatTurnView(result);
  }

  @Post('stream')
  @ApiProduces('text/event-stream')
  @ApiOperation({ summary: 'Send a message; the reply streams as SSE events: accepted, delta..., then done or error' })
  async stream(
    @CurrentUser() user: AuthUser,
    @Body() dto: SendMessageDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    // Limits are checked before the stream opens, so a refusal is still a plain 429 with Retry-After.
    setRateLimitHeaders(res, await this.limits.admit(user.id));
    res.status(200).setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

    const aborted = new AbortController();
    res.on('close', () => !res.writableEnded && aborted.abort());
    try {
      const result = await this.chat.turn(
        user,
        dto,
        { accepted: (info) => send('accepted', info), delta: (d) => send('delta', d) },
        aborted.signal,
      );
      send('done', chatTurnView(result));
    } catch (err) {
      send('error', toSocketError(err));
    }
    res.end();
  }
}
