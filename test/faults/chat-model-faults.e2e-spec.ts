import { ObjectId } from 'mongodb';
import { Socket } from 'socket.io-client';
import type { Reply } from '../../tools/fake-openai';
import { matchers } from '../../tools/fake-openai';
import { chatSocket, sendOnSocket } from './support/chat-socket';
import { FaultInfra, FaultStack, startFaultInfra, startFaultStack, timedRequest } from './support/fault-stack';
import { healthyModel, isChatTurn } from './support/model-answers';

/** Words of ours the user may see, none of the model server's own (its error text, status line, body). */
const SAFE_MESSAGE =
  /^The assistant (took too long to answer|is busy right now|is unavailable right now); please try again/;
const SERVER_SECRET = 'upstream-internal-detail';

const FAULTS: Array<{ fault: string; reply: Reply; status: number; code: string }> = [
  { fault: 'hangs', reply: { hang: true }, status: 504, code: 'model_timeout' },
  {
    fault: 'answers 429',
    reply: { error: { status: 429, message: SERVER_SECRET, retryAfterSeconds: 30 } },
    status: 503,
    code: 'model_busy',
  },
  {
    fault: 'answers 500',
    reply: { error: { status: 500, message: SERVER_SECRET } },
    status: 503,
    code: 'model_unavailable',
  },
  {
    fault: 'answers garbage',
    reply: { garbage: `<html>${SERVER_SECRET}</html>` },
    status: 503,
    code: 'model_unavailable',
  },
];

/**
 * The model failing in the middle of a chat turn on the socket: the user gets message:error with a reason
 * written by us, the stored reply says failed, and the next message in the same conversation is answered.
 */
describe('fault: the model fails during chat', () => {
  let infra: FaultInfra;
  let s: FaultStack;
  let chat: Socket;

  // The SDK prints an unparseable stream chunk with console.error; keep it out of the test output.
  let quietSdk: jest.SpyInstance;

  beforeAll(async () => {
    quietSdk = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    infra = await startFaultInfra();
    infra.model.setResponder(healthyModel());
    s = await startFaultStack(infra);
    chat = await chatSocket(s);
  });

  afterAll(async () => {
    chat?.disconnect();
    await s?.close();
    await infra?.stop();
    quietSdk.mockRestore();
  });

  it.each(FAULTS)(
    'when it $fault: message:error $status $code, the reply stored as failed, then the next message works',
    async ({ fault, reply, status, code }) => {
      const marker = `model ${fault}`;
      infra.model.enqueue({ match: (req) => isChatTurn(req) && matchers.lastUserIncludes(marker)(req), ...reply });
      const id = `fault-${fault.replace(/\W+/g, '-')}`;

      const failed = await sendOnSocket(chat, `Where does my money go? (${marker})`, id);
      expect(failed.ack).toMatchObject({ ok: true, clientMessageId: id });
      expect(failed.error).toMatchObject({
        clientMessageId: id,
        status,
        code,
        message: expect.stringMatching(SAFE_MESSAGE),
      });
      expect(JSON.stringify(failed.error)).not.toContain(SERVER_SECRET);
      const conversationId = new ObjectId(failed.ack.conversationId as string);
      expect(await s.db.collection('messages').findOne({ conversationId, role: 'assistant' })).toMatchObject({
        status: 'failed',
        content: '',
      });

      const next = await sendOnSocket(chat, 'Try again please', `${id}-next`, failed.ack.conversationId);
      expect(next.done).toMatchObject({ status: 'complete', text: 'Here is what I see in your figures.' });
      const stored = await s.db
        .collection('messages')
        .find({ conversationId, role: 'assistant' })
        .sort({ createdAt: 1 })
        .toArray();
      expect(stored.map((m) => m.status)).toEqual(['failed', 'complete']);
    },
  );

  it('answers the same faults over REST with the same status and code', async () => {
    for (const { fault, reply, status, code } of FAULTS) {
      infra.model.enqueue({
        match: (req) => isChatTurn(req) && matchers.lastUserIncludes(`rest ${fault}`)(req),
        ...reply,
      });
      const res = await timedRequest(s, 'POST', '/chat/messages', { text: `rest ${fault}` });
      expect({ fault, status: res.status, code: res.body.code }).toEqual({ fault, status, code });
      expect(JSON.stringify(res.body)).not.toContain(SERVER_SECRET);
    }
  });
});
