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
      tools: [{ name: 'search_transactions', status: 'done' as const, summary: 'Found 2 transactions', round: 1 }],
      verification: { checked: 1, unverified: [], corrected: false },
    };
    expect(chatTurnView(turn)).toEqual({
      // message:done (README, Socket.IO)
      ...turn,
      // POST /chat/messages and the SSE done event (README, HTTP endpoints)
      message: { id: 'a1', content: 'You spent £1,162.50.', status: 'complete', usage },
    });
  });

  it('says "nothing called, not checked" for a turn that carries neither (a reply still in progress)', () => {
    const view = chatTurnView({
      conversationId: 'c1',
      clientMessageId: 'm-1',
      userMessageId: 'u1',
      messageId: null,
      text: '',
      status: 'in_progress',
      usage: { inputTokens: 0, outputTokens: 0 },
      duplicate: true,
    });
    expect(view).toMatchObject({ tools: [], verification: null });
  });
});
