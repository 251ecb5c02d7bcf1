import { ChildWorker, startChildWorker } from '../support/child-worker';
import { recordingSocket } from '../support/daily-queues';
import { eventually } from '../support/http';
import { seedDebt } from '../support/money-records';
import {
  FaultInfra,
  FaultStack,
  pollUntil,
  startFaultInfra,
  startFaultStack,
  timedRequest,
} from './support/fault-stack';
import { healthyModel, isExpenseParse, isReport, parsedExpense, reportWords } from './support/model-answers';

/**
 * A worker process SIGKILLed while a report and an expense parse are mid-model-call: no shutdown hooks, locks
 * left to expire. A new worker process picks both up through BullMQ's stalled-job check and finishes each
 * exactly once. (worker-behaviour.e2e-spec.ts shows the parse alone; here the report's events are counted.)
 */
describe('fault: a worker is killed mid-job', () => {
  let infra: FaultInfra;
  let s: FaultStack;
  let first: ChildWorker | null = null;
  let second: ChildWorker | null = null;

  beforeAll(async () => {
    infra = await startFaultInfra();
    s = await startFaultStack(infra);
    await seedDebt(s.db, s.user._id, { name: 'Card', amount: 900, monthlyPayment: 100 });
  });

  afterAll(async () => {
    await first?.kill();
    await second?.stop();
    await s?.close();
    await infra?.stop();
  });

  it('finishes the report and the parse exactly once after another worker starts', async () => {
    const events = await recordingSocket(s.api.url, s.token);
    first = await startChildWorker(s.env);
    // Both first calls never answer (the killed worker would have waited for them); any later call is healthy.
    infra.model.enqueue(
      { match: isReport, hang: true },
      { match: isExpenseParse, hang: true },
      { match: isReport, json: reportWords },
      { match: isExpenseParse, json: parsedExpense('After the crash') },
    );
    infra.model.setResponder(healthyModel());

    const report = await timedRequest(s, 'POST', '/reports', { type: 'debt' });
    const parse = await timedRequest(s, 'POST', '/expenses/parse', { text: 'dinner 12.50 survives a crash' });
    expect([report.status, parse.status]).toEqual([202, 202]);
    const modelCalls = () => infra.model.requests.filter((r) => r.chat && (isReport(r.chat) || isExpenseParse(r.chat)));
    await eventually(
      async () => modelCalls().length,
      (n) => n === 2,
    );
    expect(await pollUntil(s, `/reports/${report.body.id}`, () => true)).toMatchObject({ status: 'running' });

    await first.kill();
    first = null;
    second = await startChildWorker(s.env);

    const done = await pollUntil(
      s,
      `/reports/${report.body.id}`,
      (b) => b.status === 'completed' || b.status === 'failed',
      20_000,
    );
    expect(done).toMatchObject({ status: 'completed', summary: reportWords.summary });
    const parsed = await pollUntil(s, `/expenses/parse/${parse.body.id}`, (b) => b.status !== 'processing', 20_000);
    expect(parsed).toMatchObject({ status: 'completed', result: { description: 'After the crash' } });

    // Exactly once: one stored completion each, one done event each, and no model call after they completed.
    await eventually(
      async () => events.events.filter((e) => e.event.endsWith(':done')).length,
      (n) => n >= 2,
    );
    const callsAtCompletion = modelCalls().length;
    await new Promise((r) => setTimeout(r, 1_500)); // longer than a lock (1.5 s): a duplicate run would show by now
    expect(events.events.filter((e) => e.event === 'report:done')).toEqual([
      { event: 'report:done', payload: { id: report.body.id, type: 'debt', status: 'completed', error: null } },
    ]);
    expect(events.events.filter((e) => e.event === 'expense-parse:done')).toEqual([
      { event: 'expense-parse:done', payload: { id: parse.body.id, status: 'completed' } },
    ]);
    expect(modelCalls()).toHaveLength(callsAtCompletion);
    expect(callsAtCompletion).toBe(4);
    expect(await s.db.collection('reports').find({ userId: s.user._id }).toArray()).toEqual([
      expect.objectContaining({ status: 'completed', attempts: 2 }),
    ]);
    expect(await s.db.collection('expense_parses').find({ userId: s.user._id }).toArray()).toEqual([
      expect.objectContaining({ status: 'completed', attempts: 2 }),
    ]);
    events.socket.disconnect();
  }, 60_000);
});
