import { NotFoundException } from '@nestjs/common';
import type { AuthUser } from '@app/auth';
import type { ReplyEvent, ReplyFollow, ReplyStreams } from './reply-streams';
import { messageError } from './socket-refusal.filter';

/** A followed reply's events as every transport sends them: the same payloads as the turn that wrote them. */
export type ReplyTransportEvent =
  | { event: 'message:delta' | 'message:tool'; seq: number; data: object }
  | { event: 'message:done' | 'message:error'; seq: null; data: object };

/** The reply's stream as the caller may see it; another user's, unknown and expired all answer 404 alike. */
export async function followReply(
  streams: ReplyStreams,
  user: AuthUser,
  messageId: string,
  afterSeq: number,
  signal: AbortSignal,
): Promise<ReplyFollow> {
  const follow = await streams.follow(messageId, user.id, afterSeq, signal);
  if (!follow) throw new NotFoundException({ code: 'not_found', message: 'No reply in progress with this id' });
  return follow;
}

export function toTransportEvent(follow: ReplyFollow, e: ReplyEvent): ReplyTransportEvent {
  const { conversationId, clientMessageId, messageId } = follow.meta;
  switch (e.type) {
    case 'delta':
      return {
        event: 'message:delta',
        seq: e.seq,
        data: { conversationId, clientMessageId, messageId, delta: e.delta, seq: e.seq },
      };
    case 'tool':
      return {
        event: 'message:tool',
        seq: e.seq,
        data: { conversationId, clientMessageId, messageId, ...(e.tool as object) },
      };
    case 'done':
      return { event: 'message:done', seq: null, data: e.view as object };
    case 'error':
      return { event: 'message:error', seq: null, data: e.error as object };
    case 'lost':
      return {
        event: 'message:error',
        seq: null,
        data: messageError(clientMessageId, {
          status: 503,
          code: 'reply_interrupted',
          message: 'The reply was interrupted; send the message again to have it answered',
        }),
      };
  }
}
