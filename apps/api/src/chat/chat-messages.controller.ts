import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthUser, CurrentUser } from '@app/auth';
import { setRateLimitHeaders } from '../limits/rate-limit-headers';
import { ChatLimitsService } from './chat-limits.service';
import { chatTurnView, ChatTurnView } from './chat-turn-view';
import { ChatService } from './chat.service';
import { ObjectIdPipe } from '../common/object-id.pipe';
import { ReplyCursorDto } from './dto/resume-reply.dto';
import { SendMessageDto } from './dto/send-message.dto';
import { followReply, toTransportEvent } from './reply-events';
import { ReplyStreams } from './reply-streams';
import { toSocketError } from './socket-error';

/** The HTTP ways to chat: the whole reply at once, or the same turn as Server-Sent Events. */
@ApiTags('chat')
@ApiBearerAuth()
@Controller('chat/messages')
export class ChatMessagesController {
  constructor(
    private readonly chat: ChatService,
    private readonly limits: ChatLimitsService,
    private readonly streams: ReplyStreams,
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
    // Waited on by the turn, alongside its own first reads; its headers go on every answer, refusals included.
    const admission = this.limits.admit(user.id);
    admission.then((decision) => setRateLimitHeaders(res, decision)).catch(() => undefined);
    const aborted = new AbortController();
    res.on('close', () => !res.writableEnded && aborted.abort());
    const result = await this.chat.turn(
      user,
      dto,
      { accepted: () => undefined, delta: () => undefined },
      aborted.signal,
      admission,
    );
    return chatTurnView(result);
  }

  @Post('stream')
  @ApiProduces('text/event-stream')
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'On a reconnect: the id of the last event received; the reply resumes after it, not answered again',
  })
  @ApiOperation({ summary: 'Send a message; the reply streams as SSE events: accepted, delta..., then done or error' })
  async stream(
    @CurrentUser() user: AuthUser,
    @Body() dto: SendMessageDto,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const resumeAt = parseEventId(lastEventId);
    // A reconnect resumes the reply it was reading: no new turn, so no message counted against the limits.
    if (resumeAt) return this.followAsSse(user, resumeAt.messageId, resumeAt.afterSeq, res);
    // Waited on by the turn, alongside its own first reads; the headers are set as soon as it is decided, which is
    // before the turn can accept the message and open the stream.
    const admission = this.limits.admit(user.id);
    admission.then((decision) => setRateLimitHeaders(res, decision)).catch(() => undefined);
    // The stream opens when the turn accepts the message: a refusal before that (the rate limit, a spent cap, an
    // unknown conversation) is still a plain HTTP error, a 429 with Retry-After.
    let opened: SseSend | null = null;
    const send: SseSend = (event, data, id) => (opened ??= openSse(res))(event, data, id);
    try {
      // No abort on close: a client that drops the stream reconnects with Last-Event-ID and reads the rest.
      const result = await this.chat.turn(
        user,
        dto,
        {
          accepted: (info) => send('accepted', info),
          delta: (d) => send('delta', d, `${d.messageId}:${d.seq}`),
          tool: (t) => send('tool', t),
        },
        undefined,
        admission,
      );
      send('done', chatTurnView(result), result.messageId ? `${result.messageId}:done` : undefined);
    } catch (err) {
      if (!opened) throw err;
      send('error', toSocketError(err));
    }
    res.end();
  }

  @Get(':messageId/stream')
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event (EventSource sends it)' })
  @ApiOperation({
    summary:
      'Follow a reply in progress (a reconnect, a second tab): the deltas after afterSeq, then the live rest, then ' +
      "done or error. 404 for a reply that is not the caller's or ended more than CHAT_STREAM_TTL_S ago",
  })
  async follow(
    @CurrentUser() user: AuthUser,
    @Param('messageId', ObjectIdPipe) messageId: string,
    @Query() q: ReplyCursorDto,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const resumeAt = parseEventId(lastEventId);
    const afterSeq = resumeAt?.messageId === messageId ? resumeAt.afterSeq : (q.afterSeq ?? -1);
    await this.followAsSse(user, messageId, afterSeq, res);
  }

  /** Refusals (404) are plain JSON answers: the stream only opens once the reply is known to be the caller's. */
  private async followAsSse(user: AuthUser, messageId: string, afterSeq: number, res: Response): Promise<void> {
    const aborted = new AbortController();
    res.on('close', () => aborted.abort());
    const follow = await followReply(this.streams, user, messageId, afterSeq, aborted.signal);
    const send = openSse(res);
    for await (const e of follow.events) {
      const out = toTransportEvent(follow, e);
      const name = out.event.slice('message:'.length);
      // Only deltas and done carry ids, as on the POST route: a tool event has the seq of the delta before it.
      const id = name === 'delta' ? `${messageId}:${out.seq}` : name === 'done' ? `${messageId}:done` : undefined;
      send(name, out.data, id);
    }
    res.end();
  }
}

type SseSend = (event: string, data: unknown, id?: string) => void;

function openSse(res: Response): SseSend {
  res.status(200).setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('Connection', 'keep-alive');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  return (event, data, id) => {
    // The client went away: the turn goes on (it is resumable), only this copy of it stops being written.
    if (res.destroyed || res.writableEnded) return;
    res.write(`${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
}

/**
 * Delta events carry `id: <messageId>:<seq>` and the done event `<messageId>:done`, so the Last-Event-ID a client
 * sends back names the reply and where it stopped reading. Anything else is ignored (a fresh request).
 */
export function parseEventId(id: string | undefined): { messageId: string; afterSeq: number } | null {
  const m = /^([0-9a-fA-F]{24}):(\d{1,8}|done)$/.exec(id?.trim() ?? '');
  if (!m) return null;
  return { messageId: m[1], afterSeq: m[2] === 'done' ? 99_999_999 : Number(m[2]) };
}
