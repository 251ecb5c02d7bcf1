import { Schema, Types } from 'mongoose';

export interface ConversationDoc {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  title: string | null;
  /** 'user' once renamed: an automatic title never overwrites a user's choice. */
  titleSource: 'auto' | 'user' | null;
  /** BCP 47 tag of the conversation's language, from its first message. */
  language: string | null;
  lastMessageAt: Date;
  messageCount: number;
  createdAt: Date;
  updatedAt: Date;
}

export const ConversationSchema = new Schema<ConversationDoc>(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    title: { type: String, default: null },
    titleSource: { type: String, default: null },
    language: { type: String, default: null },
    lastMessageAt: { type: Date, required: true },
    messageCount: { type: Number, default: 0 },
  },
  { collection: 'conversations', timestamps: true, versionKey: false },
);
// The list endpoint pages by (lastMessageAt, _id) descending within one user.
ConversationSchema.index({ userId: 1, lastMessageAt: -1, _id: -1 });
