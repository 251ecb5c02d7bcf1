import { QUEUES } from '@app/queue';
import { ChildWorker, startChildWorker } from '../support/child-worker';
import { recordingSocket, testQueue } from '../support/daily-queues';
import { eventually, request } from '../support/http';
import { seedDebt } from '../support/money-records';
import {
  FaultInfra,
  FaultStack,
  pollUntil,
  startFaultInfra,
  startFaultStack,
  timedRequest,
} from './support/fault-stack';
import { healthyModel } from './support/model-answers';

const BURST = 30;

/**
 * "Nothing acknowledged with 202 is ever lost", under the worst case our Redis allows: it runs without
 * persistence, so a restart loses every queued job. The guarantee is then kept by the database records the api
 * wrote before answering 202: a worker's recovery sweep (RECOVERY_SWEEP_MS) queues again, under the same job
 * id, every accepted record left unfinished whose job is gone. Work the api could not queue was never
 * acknowledged: it answered 503 and stored the record as failed, and the sweep leaves it so.
 */
describe('fault: nothing acknowledged with 202 is lost', () => {
  let infra: FaultInfra;
  let s: FaultStack;
  let first: ChildWorker | null = null;
  let second: ChildWorker | null = null;

  beforeAll(async () => {
    infra = await startFaultInfra();
    // Slow enough answers that most of the burst is still queued when the worker and Redis go down.
    infra.model.setResponder(healthyModel(250));
    // The burst must not meet the per-user parse limit: this suite is about losing work, not refusing it.
    s = await startFaultStack(infra, {
      WORKER_CONCURRENCY: '2',
      RECOVERY_SWEEP_MS: '500',
      RECOVERY_STALE_MS: '1000',
      EXPENSE_PARSE_RATE_LIMIT: '1000',
    });
    await seedDebt(s.db, s.user._id, { name: 'Card', amount: 900, monthlyPayment: 100 });
  });

  afterAll(async () => {
    await first?.kill();
    await second?.stop();
    await s?.close();
    await infra?.stop();
  });

  it('finishes a burst of parses and a report through a worker SIGKILL and a Redis restart that lost every job', async () => {
    const events = await recordingSocket(s.api.url, s.token);
    first = await startChildWorker(s.env);

    const accepted = await Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        timedRequest(s, 'POST', '/expenses/parse', { text: `item ${i} cost 12.50` }),
      ),
    );
    expect(accepted.map((r) => r.status)).toEqual(Array(BURST).fill(202));
    const report = await timedRequest(s, 'POST', '/reports', { type: 'debt' });
    expect(report.status).toBe(202);

    const completed = () =>
      s.db.collection('expense_parses').countDocuments({ userId: s.user._id, status: 'completed' });
    await eventually(completed, (n) => n >= 3);
    await first.kill();
    const completedBeforeCrash = await completed();
    first = null;
    await infra.redis.stop();

    // While Redis is down nothing is acknowledged: a 503, and no record is left for recovery to pick up.
    const refused = await timedRequest(s, 'POST', '/expenses/parse', { text: 'refused while Redis is down' });
    expect(refused.status).toBe(503);

    await infra.redis.start();
    const parses = testQueue(s.config, QUEUES.expenseParsing);
    try {
      // The restart really lost the backlog: no job of the burst is left in Redis.
      const counts = await parses.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
      expect(Object.values(counts).every((n) => n === 0)).toBe(true);
    } finally {
      await parses.close();
    }
    expect(await completed()).toBeLessThan(BURST);

    second = await startChildWorker(s.env);
    await eventually(completed, (n) => n === BURST, 30_000, 200);
    const body = await pollUntil(
      s,
      `/reports/${report.body.id}`,
      (b) => b.status === 'completed' || b.status === 'failed',
      15_000,
    );
    expect(body.status).toBe('completed');

    for (const res of accepted) {
      const parse = await request(s.api.url, 'GET', `/expenses/parse/${res.body.id}`, { token: s.token });
      expect(parse.body).toMatchObject({ status: 'completed', result: { amount: 12.5 } });
    }
    expect(
      await s.db
        .collection('expense_parses')
        .countDocuments({ text: 'refused while Redis is down', status: { $ne: 'failed' } }),
    ).toBe(0);
    // Never twice: at most one expense-parse:done per parse, and one for each parse the second worker finished.
    const parseDone = () => events.events.filter((e) => e.event === 'expense-parse:done').map((e) => e.payload);
    await eventually(
      async () => parseDone().length,
      (n) => n >= BURST - completedBeforeCrash,
    );
    expect(new Set(parseDone().map((p) => p.id)).size).toBe(parseDone().length);
    expect(parseDone().every((p) => p.status === 'completed')).toBe(true);
    await eventually(
      async () => events.events.filter((e) => e.event === 'report:done').length,
      (n) => n >= 1,
    );
    expect(events.events.filter((e) => e.event === 'report:done').map((e) => e.payload)).toEqual([
      { id: report.body.id, type: 'debt', status: 'completed', error: null },
    ]);
    events.socket.disconnect();
  }, 60_000);
});
