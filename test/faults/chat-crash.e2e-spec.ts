import { INestApplicationContext } from '@nestjs/common';
import { ObjectId } from 'mongodb';
import { io, Socket } from 'socket.io-client';
import { matchers } from '../../tools/fake-openai';
import { INTERRUPTED_REPLY } from '../../apps/worker/src/recovery/lost-work';
import { RecoverySweep } from '../../apps/worker/src/recovery/recovery-sweep.service';
import { ChildApi, startChildApi } from '../support/child-api';
import { eventually } from '../support/http';
import { startWorker } from '../support/stack';
import { chatSocket, sendOnSocket } from './support/chat-socket';
import { FaultInfra, FaultStack, startFaultInfra, startFaultStack, timedRequest } from './support/fault-stack';
import { healthyModel, isChatTurn } from './support/model-answers';

/** A reply of 60 chunks 150 ms apart: still streaming, long after its first deltas, when its api is killed. */
const SLOW_REPLY = 'Rent takes the largest share of what you earn, then groceries and transport. '.repeat(6);
const ANSWERED_AGAIN = 'Here is what I see in your figures.';
/** Short enough to see within the test, longer than a model request's timeout as start-up demands. */
const LOST_AFTER_MS = 2000;

/**
 * An api instance SIGKILLed while it streams a reply: no shutdown hooks, no failReply. The user message and the
 * reply's placeholder were written beside the model call, so the message survives and the reply is left
 * "streaming". A worker's recovery sweep closes it as interrupted once CHAT_REPLY_LOST_AFTER_MS has passed, with
 * no resend needed; any other api instance then shows both messages, and a resend of the same clientMessageId is
 * answered anew there without storing the message twice.
 */
describe('fault: an api instance is killed mid-reply', () => {
  let infra: FaultInfra;
  let s: FaultStack;
  let child: ChildApi | null = null;
  let worker: INestApplicationContext | null = null;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    infra = await startFaultInfra();
    infra.model.setResponder(healthyModel());
    s = await startFaultStack(infra, {
      OPENAI_TIMEOUT_MS: '1000',
      CHAT_REPLY_LOST_AFTER_MS: String(LOST_AFTER_MS),
      RECOVERY_SWEEP_MS: '200',
    });
    child = await startChildApi(s.env);
  });

  afterAll(async () => {
    sockets.forEach((socket) => socket.disconnect());
    await child?.kill();
    await worker?.close();
    await s?.close();
    await infra?.stop();
  });

  it('keeps the message, marks the reply interrupted without a resend, and answers a resend anew', async () => {
    const text = 'Where did my money go this month? (asked of an api about to die)';
    const clientMessageId = 'crash-mid-reply-1';
    infra.model.enqueue({
      match: (req) => isChatTurn(req) && matchers.lastUserIncludes(text)(req),
      content: SLOW_REPLY,
      chunkSize: 8,
      chunkDelayMs: 150,
    });

    // On the instance that will die; no reconnection, it would only knock on a dead port.
    const doomed = io(`${child!.url}/chat`, {
      auth: { token: s.token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    sockets.push(doomed);
    await new Promise<void>((resolve, reject) => {
      doomed.once('connect', () => resolve());
      doomed.once('connect_error', reject);
    });
    const deltas: any[] = [];
    doomed.on('message:delta', (d) => deltas.push(d));
    const ack: any = await new Promise((resolve) => doomed.emit('message:send', { text, clientMessageId }, resolve));
    expect(ack).toMatchObject({ ok: true, clientMessageId, created: true, duplicate: false });
    const messages = s.db.collection('messages');
    const userMessageId = new ObjectId(ack.userMessageId as string);
    const replyId = new ObjectId(ack.messageId as string);
    const conversationId = new ObjectId(ack.conversationId as string);

    // Mid-reply: deltas are arriving and the writes that run beside the model call have landed.
    await eventually(
      async () => deltas.length,
      (n) => n >= 2,
    );
    await eventually(
      () => messages.countDocuments({ _id: { $in: [userMessageId, replyId] } }),
      (n) => n === 2,
    );
    await child!.kill();
    child = null;
    const received = deltas.map((d) => d.delta as string).join('');
    expect(received.length).toBeGreaterThan(0);
    expect(received.length).toBeLessThan(SLOW_REPLY.length);

    const question = await messages.findOne({ _id: userMessageId });
    expect(question).toMatchObject({
      conversationId,
      role: 'user',
      content: text,
      status: 'complete',
      clientMessageId,
    });
    const orphan = await messages.findOne({ _id: replyId });
    expect(orphan).toMatchObject({ conversationId, role: 'assistant', status: 'streaming', replyTo: userMessageId });
    // Both are counted when they are stored, as the message page lists them, the reply being written included.
    expect(await s.db.collection('conversations').findOne({ _id: conversationId })).toMatchObject({
      messageCount: 2,
    });

    // No resend: a worker's sweep alone closes the orphan, once it is CHAT_REPLY_LOST_AFTER_MS old.
    worker = await startWorker(s.config);
    const closed = await eventually(
      () => messages.findOne({ _id: replyId }),
      (m) => m?.status !== 'streaming',
      15_000,
      100,
    );
    expect(closed).toMatchObject({ status: 'failed', error: INTERRUPTED_REPLY, content: '' });
    expect(closed!.updatedAt.getTime() - orphan!.createdAt.getTime()).toBeGreaterThanOrEqual(LOST_AFTER_MS);
    // Counted once, when it was stored, however many sweeps close it.
    expect(await worker.get(RecoverySweep).sweep()).toMatchObject({ interrupted: 0 });
    const conversation = await timedRequest(s, 'GET', `/conversations/${ack.conversationId}`);
    expect(conversation.body).toMatchObject({ id: ack.conversationId, messageCount: 2 });

    // Another instance shows both: the message, and the reply as interrupted.
    const page = await timedRequest(s, 'GET', `/conversations/${ack.conversationId}/messages`);
    expect(page.status).toBe(200);
    expect(page.body.items).toEqual([
      expect.objectContaining({ id: ack.userMessageId, role: 'user', content: text, status: 'complete' }),
      expect.objectContaining({
        id: ack.messageId,
        role: 'assistant',
        status: 'failed',
        error: INTERRUPTED_REPLY,
        replyTo: ack.userMessageId,
      }),
    ]);

    // The client sends the same message again to the surviving instance: answered anew, stored once.
    const survivor = await chatSocket(s);
    sockets.push(survivor);
    const again = await sendOnSocket(survivor, text, clientMessageId);
    expect(again.error).toBeNull();
    expect(again.ack).toMatchObject({
      ok: true,
      conversationId: ack.conversationId,
      userMessageId: ack.userMessageId,
      duplicate: false,
    });
    expect(again.ack.messageId).not.toBe(ack.messageId);
    expect(again.done).toMatchObject({ messageId: again.ack.messageId, status: 'complete', text: ANSWERED_AGAIN });

    expect(await messages.countDocuments({ clientMessageId })).toBe(1);
    expect(await messages.find({ conversationId }).sort({ createdAt: 1, _id: 1 }).toArray()).toEqual([
      expect.objectContaining({ _id: userMessageId, role: 'user', status: 'complete' }),
      expect.objectContaining({ _id: replyId, status: 'failed', error: INTERRUPTED_REPLY }),
      expect.objectContaining({
        _id: new ObjectId(again.ack.messageId as string),
        replyTo: userMessageId,
        status: 'complete',
        content: ANSWERED_AGAIN,
      }),
    ]);
    expect(await s.db.collection('conversations').findOne({ _id: conversationId })).toMatchObject({
      messageCount: 3,
    });
    // The model was asked twice: by the instance that died and once more for the resend.
    const turns = infra.model.requests.filter(
      (r) => r.chat && isChatTurn(r.chat) && matchers.lastUserIncludes(text)(r.chat),
    );
    expect(turns).toHaveLength(2);
  }, 60_000);
});
