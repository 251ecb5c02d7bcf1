import { Emitter } from '@socket.io/redis-emitter';
import { Types } from 'mongoose';
import type { ConversationDoc, ReportDoc, SuggestionTip } from '@app/database';
import { socketIoChannelKey, userRoom } from '@app/queue';
import { readFrame } from './reho-frames';
import { rehoAlert, rehoConversation, rehoOptimization, rehoSuggestions, UNTITLED } from './reho-views';
import { decodeUserEvent, userEventChannel } from './user-event-subscriber';

describe('Reho frames in', () => {
  const text = (s: string) => readFrame(Buffer.from(s), false, 20);

  it('takes a text frame as the message, and Reho’s later {"message"} frames the same way', () => {
    expect(text('How am I doing?')).toEqual({ kind: 'message', text: 'How am I doing?', clientMessageId: undefined });
    expect(text('{"message":"Hi","clientMessageId":"m-1"}')).toEqual({
      kind: 'message',
      text: 'Hi',
      clientMessageId: 'm-1',
    });
    // Text that only looks like JSON is an ordinary message.
    expect(text('{not json')).toMatchObject({ kind: 'message', text: '{not json' });
  });

  it('skips blank frames, as Reho did, and refuses what it cannot answer', () => {
    expect(text('   ')).toEqual({ kind: 'blank' });
    expect(text('{"message":"  "}')).toEqual({ kind: 'blank' });
    expect(text('{"text":"Hi"}')).toMatchObject({ kind: 'refused', error: { status: 400, code: 'validation_failed' } });
    expect(text('x'.repeat(21))).toMatchObject({ kind: 'refused', error: { code: 'message_too_long' } });
    expect(readFrame(Buffer.from('hi'), true, 20)).toMatchObject({
      kind: 'refused',
      error: { code: 'unsupported_frame' },
    });
  });
});

describe('user events as the worker publishes them', () => {
  it('are read off the channel the Redis emitter writes one user’s room to', () => {
    const published: [string, Buffer][] = [];
    const redis = { publish: (channel: string, message: Buffer) => published.push([channel, message]) };
    const emitter = new Emitter(redis, { key: socketIoChannelKey('fab') });
    const userId = new Types.ObjectId().toHexString();
    for (const nsp of ['/', '/chat'])
      emitter.of(nsp).to(userRoom(userId)).emit('conversation:title', { conversationId: 'c1', title: 'Rent plan' });

    expect(published.map(([channel]) => channel)).toContain(userEventChannel('fab', userId));
    const [, message] = published.find(([channel]) => channel === userEventChannel('fab', userId))!;
    expect(decodeUserEvent(message)).toEqual({
      event: 'conversation:title',
      payload: { conversationId: 'c1', title: 'Rent plan' },
    });
    expect(decodeUserEvent(Buffer.from('not msgpack at all'))).toBeNull();
  });
});

describe('Reho views', () => {
  const at = new Date('2026-05-01T10:00:00Z');

  it('lists a conversation as Reho’s ConversationInfo, an untitled one with a placeholder', () => {
    const c = {
      _id: new Types.ObjectId(),
      title: null,
      createdAt: at,
      lastMessageAt: at,
    } as unknown as ConversationDoc;
    expect(rehoConversation(c)).toEqual({
      conversation_id: String(c._id),
      title: UNTITLED,
      createdAt: at,
      lastMessageAt: at,
    });
  });

  it('maps our tip categories onto Reho’s four and makes each tip one text', () => {
    const tip = (category: SuggestionTip['category'], title = 'Trim takeaways') => ({
      title,
      detail: 'They cost £120.00 this month.',
      category,
      figures: [],
    });
    const out = rehoSuggestions({
      tips: [
        tip('spending'),
        tip('subscriptions'),
        tip('budgeting'),
        tip('income'),
        tip('saving', 'Save it!'),
        tip('debt'),
      ],
      completedAt: at,
      createdAt: new Date(0),
    });
    expect(out.map((s) => s.category)).toEqual(['Spending', 'Spending', 'Budgeting', 'Budgeting', 'Savings', 'Debt']);
    expect(out[0]).toEqual({
      text: 'Trim takeaways. They cost £120.00 this month.',
      category: 'Spending',
      createdAt: at,
    });
    expect(out[4].text).toBe('Save it! They cost £120.00 this month.');
  });

  it('words an alert as Reho’s AdminAlert', () => {
    const userId = new Types.ObjectId();
    expect(rehoAlert({ userId, message: 'Over budget', category: 'cash-flow', createdAt: at }, 'a@b.c')).toEqual({
      userId: String(userId),
      userEmail: 'a@b.c',
      alertMessage: 'Over budget',
      category: 'Cash Flow',
      createdAt: at,
    });
  });

  it('answers a report as Reho’s OptimizationResponse, each insight filed by the facts it cites', () => {
    const report = {
      _id: new Types.ObjectId(),
      type: 'expenses',
      summary: 'Two subscriptions cost £20.00 a month.',
      completedAt: at,
      insights: [
        {
          title: 'Netflix',
          detail: 'Cancel it.',
          impact: 'high',
          figures: [{ key: 'subscription.1', text: '£10.99' }],
        },
        { title: 'Coffee', detail: 'Brew at home.', impact: 'low', figures: [] },
      ],
    } as unknown as ReportDoc;
    expect(rehoOptimization(report, false)).toMatchObject({
      summary: 'Two subscriptions cost £20.00 a month.',
      insights: [
        { insight: 'Netflix', suggestion: 'Cancel it.', category: 'Subscriptions', impact: 'high' },
        { insight: 'Coffee', suggestion: 'Brew at home.', category: 'Spending', impact: 'low' },
      ],
      reportId: String(report._id),
      cached: false,
    });
  });
});
