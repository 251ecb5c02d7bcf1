import { Schema, Types } from 'mongoose';

export type MessageRole = 'user' | 'assistant';
/** streaming: reply in flight; stopped: the user stopped it (partial text kept); failed: the model failed. */
export type MessageStatus = 'complete' | 'streaming' | 'stopped' | 'failed';

/** A tool the model called while writing a reply: what the client was told (`message:tool`), kept with the reply. */
export interface MessageToolCall {
  name: string;
  status: 'done' | 'error';
  summary: string;
  round: number;
}

/** How the reply's figures were checked against the turn's figures (the snapshot and the tools' results). */
export interface MessageVerification {
  checked: number;
  /** Figures as written that no fact of the turn shows, after the corrective round. */
  unverified: string[];
  /** A corrective round rewrote the streamed text: `content` is the rewritten one. */
  corrected: boolean;
}

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
  /** On assistant messages. */
  tools?: MessageToolCall[];
  verification?: MessageVerification | null;
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
    tools: {
      type: [{ _id: false, name: String, status: String, summary: String, round: Number }],
      default: undefined,
    },
    verification: {
      type: { _id: false, checked: Number, unverified: [String], corrected: Boolean },
      default: null,
    },
  },
  { collection: 'messages', timestamps: true, versionKey: false },
);
MessageSchema.index({ conversationId: 1, createdAt: -1, _id: -1 });
MessageSchema.index({ replyTo: 1 });
// The worker's sweep for replies left "streaming" by an api instance that died; only replies in flight are indexed.
MessageSchema.index(
  { updatedAt: 1 },
  { partialFilterExpression: { status: 'streaming' }, name: 'streaming_replies_by_age' },
);
// One user message per (user, clientMessageId); assistant messages carry no clientMessageId and are not indexed.
MessageSchema.index(
  { userId: 1, clientMessageId: 1 },
  {
    unique: true,
    partialFilterExpression: { clientMessageId: { $type: 'string' } },
    name: 'user_client_message_unique',
  },
);
