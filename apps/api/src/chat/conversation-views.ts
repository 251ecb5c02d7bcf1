import { ConversationDoc, MessageDoc } from '@app/database';

export function conversationView(c: ConversationDoc) {
  return {
    id: String(c._id),
    title: c.title,
    language: c.language,
    lastMessageAt: c.lastMessageAt,
    messageCount: c.messageCount,
    createdAt: c.createdAt,
  };
}

export function messageView(m: MessageDoc) {
  return {
    id: String(m._id),
    role: m.role,
    content: m.content,
    status: m.status,
    clientMessageId: m.clientMessageId,
    replyTo: m.replyTo ? String(m.replyTo) : null,
    usage: m.role === 'assistant' ? { inputTokens: m.inputTokens, outputTokens: m.outputTokens } : undefined,
    error: m.error ?? undefined,
    createdAt: m.createdAt,
  };
}
