import { Socket } from 'socket.io-client';
import { ChildWorker, startChildWorker } from '../support/child-worker';
import { eventually } from '../support/http';
import { seedDebt } from '../support/money-records';
import { chatSocket, sendOnSocket } from './support/chat-socket';
import {
  FaultInfra,
  FaultStack,
  pollUntil,
  startFaultInfra,
  startFaultStack,
  timedHealth,
  timedRequest,
} from './support/fault-stack';
import { healthyModel } from './support/model-answers';

/** Longest a request may take to answer while Redis is down: a clear error, never a hang. */
const FAIL_FAST_MS = 3_000;

/**
 * Redis stopped (SIGKILL, no persistence: its data is gone) under a running api and worker, then started
 * again on the same port. Neither process is restarted.
 */
describe('fault: Redis stops and comes back while the api serves', () => {
  let infra: FaultInfra;
  let s: FaultStack;
  let worker: ChildWorker;
  let chat: Socket;

  beforeAll(async () => {
    infra = await startFaultInfra();
    infra.model.setResponder(healthyModel());
    s = await startFaultStack(infra);
    await seedDebt(s.db, s.user._id, { name: 'Card', amount: 900, monthlyPayment: 100 });
    worker = await startChildWorker(s.env);
    chat = await chatSocket(s);
  }, 60_000);

  afterAll(async () => {
    chat?.disconnect();
    await worker?.stop();
    await s?.close();
    await infra?.stop();
  });

  async function parseCompletes(text: string): Promise<void> {
    const res = await timedRequest(s, 'POST', '/expenses/parse', { text });
    expect(res.status).toBe(202);
    expect((await pollUntil(s, `/expenses/parse/${res.body.id}`, (b) => b.status !== 'processing')).status).toBe(
      'completed',
    );
  }

  async function reportCompletes(): Promise<void> {
    const res = await timedRequest(s, 'POST', '/reports', { type: 'debt' });
    expect(res.status).toBe(202);
    expect(
      (await pollUntil(s, `/reports/${res.body.id}`, (b) => b.status === 'completed' || b.status === 'failed')).status,
    ).toBe('completed');
  }

  it('works before the outage', async () => {
    await parseCompletes('lunch 12.50 before the outage');
    await reportCompletes();
  });

  describe('while Redis is down', () => {
    beforeAll(async () => {
      await infra.redis.stop();
    });

    it('/health answers 503 naming Redis and the queues', async () => {
      const res = await eventually(
        () => timedHealth(s),
        (r) => r.status === 503,
      );
      expect(res.ms).toBeLessThan(FAIL_FAST_MS);
      expect(res.body.checks.redis.status).toBe('down');
      expect(res.body.checks.mongo.status).toBe('up');
      expect(res.body.checks.queues['expense-parsing'].status).toBe('down');
    });

    it('POST /expenses/parse answers 503 queue_unavailable fast and leaves no parse stuck in processing', async () => {
      const res = await timedRequest(s, 'POST', '/expenses/parse', { text: 'dinner 20 during the outage' });
      expect(res.ms).toBeLessThan(FAIL_FAST_MS);
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ statusCode: 503, code: 'queue_unavailable', message: expect.any(String) });
      // Refused before a record was written, or written and then failed: never one waiting to be processed.
      expect(
        await s.db
          .collection('expense_parses')
          .countDocuments({ text: 'dinner 20 during the outage', status: 'processing' }),
      ).toBe(0);
    });

    it('POST /reports answers 503 fast, and the type is free again for the next request', async () => {
      const res = await timedRequest(s, 'POST', '/reports', { type: 'debt' });
      expect(res.ms).toBeLessThan(FAIL_FAST_MS);
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('queue_unavailable');
      expect(
        await s.db.collection('reports').countDocuments({ userId: s.user._id, status: { $in: ['queued', 'running'] } }),
      ).toBe(0);
    });

    it('chat answers 503 over REST and message:error over the socket, fast', async () => {
      const rest = await timedRequest(s, 'POST', '/chat/messages', { text: 'How am I doing?' });
      expect(rest.ms).toBeLessThan(FAIL_FAST_MS);
      expect(rest.status).toBe(503);
      expect(rest.body.statusCode).toBe(503);

      const started = Date.now();
      const { ack, error } = await sendOnSocket(chat, 'How am I doing?', 'outage-1');
      expect(Date.now() - started).toBeLessThan(FAIL_FAST_MS);
      expect(ack).toMatchObject({ ok: false, error: { status: 503 } });
      expect(error).toMatchObject({
        clientMessageId: 'outage-1',
        status: 503,
        code: expect.any(String),
        message: expect.any(String),
      });
    });

    it('still serves what needs only MongoDB', async () => {
      const res = await timedRequest(s, 'GET', '/reports?limit=5');
      expect(res.status).toBe(200);
    });
  });

  describe('after Redis is back (same api and worker processes)', () => {
    beforeAll(async () => {
      await infra.redis.start();
    });

    it('/health answers 200 again', async () => {
      const res = await eventually(
        () => timedHealth(s),
        (r) => r.status === 200,
        15_000,
        200,
      );
      expect(res.body.checks.redis.status).toBe('up');
    });

    it('queues and completes new expense parses and reports', async () => {
      await parseCompletes('taxi 12.50 after the outage');
      await reportCompletes();
    });

    it('chat answers again over REST and the socket', async () => {
      const rest = await timedRequest(s, 'POST', '/chat/messages', { text: 'And now?' });
      expect(rest.status).toBe(200);
      expect(rest.body.message.status).toBe('complete');
      const { ack, done } = await sendOnSocket(chat, 'And now, on the socket?', 'after-1');
      expect(ack).toMatchObject({ ok: true });
      expect(done).toMatchObject({ status: 'complete' });
    });
  });
});
