import { Schema, Types } from 'mongoose';

export type MessageRole = 'user' | 'assistant';
/** streaming: reply in flight; stopped: the user stopped it (partial text kept); failed: the model failed. */
export type MessageStatus = 'complete' | 'streaming' | 'stopped' | 'failed';

export interface MessageDoc {
  _id: Types.ObjectId;
  conversationId: Types.ObjectId;
  userId: Types.ObjectId;
  role: MessageRole;
  content: string;
  status: MessageStatus;
  /** On user messages: the client's id, so a resent message is recognised and not answered twice. */
  clientMessageId: string | null;
  /** On assistant messages: the user message answered. */
  replyTo: Types.ObjectId | null;
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const MessageSchema = new Schema<MessageDoc>(
  {
    conversationId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    role: { type: String, required: true, enum: ['user', 'assistant'] },
    content: { type: String, default: '' },
    status: { type: String, required: true, enum: ['complete', 'streaming', 'stopped', 'failed'] },
    clientMessageId: { type: String, default: null },
    replyTo: { type: Schema.Types.ObjectId, default: null },
    model: { type: String, default: null },
    inputTokens: { type: Number, default: 0 },
    outputTokens: { type: Number, default: 0 },
    error: { type: String, default: null },
  },
  { collection: 'messages', timestamps: true, versionKey: false },
);
MessageSchema.index({ conversationId: 1, createdAt: -1, _id: -1 });
MessageSchema.index({ replyTo: 1 });
// One user message per (user, clientMessageId); assistant messages carry no clientMessageId and are not indexed.
MessageSchema.index(
  { userId: 1, clientMessageId: 1 },
  {
    unique: true,
    partialFilterExpression: { clientMessageId: { $type: 'string' } },
    name: 'user_client_message_unique',
  },
);
