import { INestApplicationContext } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { Db } from 'mongodb';
import { AppConfig } from '@app/config';
import { AppLogger } from '@app/logging';
import { jobIds, QUEUES } from '@app/queue';
import { createWorkerApp } from '../../apps/worker/src/create-worker-app';
import type { ChatRequest } from '../../tools/fake-openai';
import { testQueue } from '../support/daily-queues';
import { eventually, request } from '../support/http';
import { connectDb, Infra, RunningApi, startApi, startInfra, testConfig } from '../support/stack';
import { signMainBackendToken } from '../support/tokens';
import { seedUser, SeedUser } from '../support/users';

const schemaOf = (req: ChatRequest) =>
  req.response_format?.type === 'json_schema' ? req.response_format.json_schema.name : undefined;

/** Marks in what the user typed and what the model wrote: none may reach Redis job state or a log line. */
const USER_MARK = 'PRIVATE-USER-WORDS';
const MODEL_MARK = 'MODEL-OWN-REASON';

/**
 * The queue board shows every job's data, return value and failure reason, and logs are shipped elsewhere: neither
 * may carry what a user typed (a note, a message that becomes a title) or what the model wrote about it. The model's
 * reason for refusing a note is still the user's to read, in the parse record the api serves.
 */
describe('hostile input: no user or model text in job state or logs', () => {
  let infra: Infra;
  let config: AppConfig;
  let api: RunningApi;
  let worker: INestApplicationContext;
  let db: Db;
  let closeDb: () => Promise<void>;
  let user: SeedUser;
  let token: string;
  const logLines: string[] = [];
  const queues: Queue[] = [];

  /** Everything BullMQ keeps of a job that the board can show, beside its data (which holds ids only). */
  const boardView = (job: Job) =>
    JSON.stringify({
      data: job.data,
      returnvalue: job.returnvalue,
      failedReason: job.failedReason,
      stacktrace: job.stacktrace,
      progress: job.progress,
    });

  beforeAll(async () => {
    infra = await startInfra();
    config = testConfig(infra, { JOB_ATTEMPTS: '2', LOG_LEVEL: 'debug' });
    ({ db, close: closeDb } = await connectDb(config));
    user = await seedUser(db, { name: 'Writer' });
    token = signMainBackendToken({ id: user._id.toHexString(), email: user.email, role: user.role });
    infra.model.setResponder((req) => {
      switch (schemaOf(req)) {
        case 'parsed_expense':
          return {
            json: {
              amount: null,
              currency: 'GBP',
              category: 'Other',
              description: `${USER_MARK} reminder`,
              date: '2026-01-01',
              unparseableReason: `${MODEL_MARK}: the note "${USER_MARK}" is a reminder, not a purchase`,
            },
          };
        case 'conversation_title':
          // One word: not a title, so the worker falls back to the first words of the user's message.
          return { json: { title: `${MODEL_MARK}` } };
        default:
          return { content: 'Noted.' };
      }
    });
    api = await startApi(config);
    const logger = new AppLogger('worker', 'debug', { format: 'json', write: (line) => logLines.push(line) });
    worker = await createWorkerApp(config, logger);
  });

  afterAll(async () => {
    await Promise.all(queues.map((q) => q.close()));
    await worker?.close();
    await api?.close();
    await closeDb?.();
    await infra?.stop();
  });

  it("a note the model refuses: the user reads the model's reason; the job and the logs hold our words only", async () => {
    const queue = testQueue(config, QUEUES.expenseParsing);
    queues.push(queue);
    const accepted = await request(api.url, 'POST', '/expenses/parse', {
      token,
      body: { text: `${USER_MARK}: call the plumber about the leak` },
    });
    expect(accepted.status).toBe(202);
    const id: string = accepted.body.id;

    const job = (await eventually(
      () => queue.getJob(jobIds.expenseParse(id)),
      (j) => j?.finishedOn !== undefined,
    )) as Job;
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toBe('Model found no amount in the text');
    expect(boardView(job)).not.toContain(USER_MARK);
    expect(boardView(job)).not.toContain(MODEL_MARK);

    const read = await request(api.url, 'GET', `/expenses/parse/${id}`, { token });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      status: 'failed',
      error: `${MODEL_MARK}: the note "${USER_MARK}" is a reminder, not a purchase`,
    });

    const failedLine = logLines.find((l) => l.includes('"job.failed"') && l.includes(jobIds.expenseParse(id)));
    expect(JSON.parse(failedLine!)).toMatchObject({ queue: QUEUES.expenseParsing, error: job.failedReason });
    expect(logLines.filter((l) => l.includes(USER_MARK) || l.includes(MODEL_MARK))).toEqual([]);
  });

  it("a title from the user's first words: the completed job's return value names how, never the title", async () => {
    const queue = testQueue(config, QUEUES.titles);
    queues.push(queue);
    const sent = await request(api.url, 'POST', '/chat/messages', {
      token,
      body: { text: `${USER_MARK} plan my sister's surprise party next month` },
    });
    expect(sent.status).toBe(200);
    const conversationId: string = sent.body.conversationId;

    const job = (await eventually(
      () => queue.getJob(jobIds.title(conversationId)),
      (j) => j?.finishedOn !== undefined,
    )) as Job;
    expect(await job.getState()).toBe('completed');
    expect(job.returnvalue).toEqual({ source: 'fallback', titled: true, reason: 'invalid_output' });
    expect(boardView(job)).not.toContain(USER_MARK);
    expect(boardView(job)).not.toContain(MODEL_MARK);
    // The conversation got its title all the same.
    const conversation = await request(api.url, 'GET', `/conversations/${conversationId}`, { token });
    expect(conversation.body.title).toContain(USER_MARK);

    expect(logLines.some((l) => l.includes('"title.fallback"'))).toBe(true);
    expect(logLines.filter((l) => l.includes(USER_MARK) || l.includes(MODEL_MARK))).toEqual([]);
  });
});
