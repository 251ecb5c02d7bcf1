import { chatTurnView } from './chat-turn-view';

describe('chatTurnView', () => {
  it('carries what message:done has always had and what the HTTP body has always had, from one turn', () => {
    const usage = { inputTokens: 321, outputTokens: 17 };
    const turn = {
      conversationId: 'c1',
      clientMessageId: 'm-1',
      userMessageId: 'u1',
      messageId: 'a1',
      text: 'You spent £1,162.50.',
      status: 'complete' as const,
      usage,
      duplicate: false,
    };
    expect(chatTurnView(turn)).toEqual({
      // message:done (README, Socket.IO)
      ...turn,
      // POST /chat/messages and the SSE done event (README, HTTP endpoints)
      message: { id: 'a1', content: 'You spent £1,162.50.', status: 'complete', usage },
    });
  });
});
