/**
 * Chat latency and throughput against a baseline, in one run:
 *
 *   node tools/run-ts.js tools/bench/chat.bench.ts        (npm run bench:chat)
 *
 * N users each hold a /chat socket and send M messages one after another. The fake model answers every
 * request after a fixed first-token delay, so time-to-first-token minus that delay is what our service adds
 * (auth'd socket, dedupe, Mongo writes, the user's financial context, prompt, usage accounting). The same
 * load then goes through a bare socket.io + express relay that only forwards the message to the same model
 * with the same SDK and streams the deltas back: the cost of the hop itself.
 *
 * MongoDB runs in a child process (as a real server would), so its CPU time is not charged to the api.
 *
 * Env: BENCH_USERS (default 20), BENCH_MESSAGES (5), BENCH_MODEL_DELAY_MS (200).
 */
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import express from 'express';
import OpenAI from 'openai';
import { Server } from 'socket.io';
import { io, Socket } from 'socket.io-client';
import { startFakeOpenAI } from '../fake-openai';
import { testRedisUrl } from '../../test/support/redis';
import { connectDb, startApi, startWorker, testConfig } from '../../test/support/stack';
import { signMainBackendToken } from '../../test/support/tokens';
import { seedUser } from '../../test/support/users';
import { spawnTestMongo } from './spawn-mongo';
import { intEnv, percentile, runBench } from './bench-kit';

const USERS = intEnv('BENCH_USERS', 20);
const MESSAGES = intEnv('BENCH_MESSAGES', 5);
const MODEL_DELAY_MS = intEnv('BENCH_MODEL_DELAY_MS', 200);
const REPLY = 'Your spending this month is within budget; groceries are the largest category so far.';

interface RunResult {
  ttftOverheadMs: number[];
  messages: number;
  seconds: number;
}

/** Each socket sends its messages one after another; all sockets run at once. */
async function drive(sockets: Socket[], send: (s: Socket, i: number, n: number) => void): Promise<RunResult> {
  const overheads: number[] = [];
  const started = performance.now();
  await Promise.all(
    sockets.map(async (socket, i) => {
      for (let n = 0; n < MESSAGES; n++) {
        const t0 = performance.now();
        let first = 0;
        await new Promise<void>((resolve, reject) => {
          const onDelta = () => {
            if (!first) first = performance.now();
          };
          socket.on('message:delta', onDelta);
          socket.once('message:done', () => {
            socket.off('message:delta', onDelta);
            resolve();
          });
          socket.once('message:error', (e) => reject(new Error(JSON.stringify(e))));
          send(socket, i, n);
        });
        overheads.push(first - t0 - MODEL_DELAY_MS);
      }
    }),
  );
  return {
    ttftOverheadMs: overheads.sort((a, b) => a - b),
    messages: sockets.length * MESSAGES,
    seconds: (performance.now() - started) / 1000,
  };
}

function connectAll(url: string, auth: (i: number) => Record<string, string>): Promise<Socket[]> {
  return Promise.all(
    Array.from({ length: USERS }, (_, i) => {
      const s = io(url, { auth: auth(i), transports: ['websocket'], reconnection: false, forceNew: true });
      return new Promise<Socket>((resolve, reject) => {
        s.once('connect', () => resolve(s));
        s.once('connect_error', reject);
      });
    }),
  );
}

/** The baseline: socket in, the same model call through the same SDK, deltas out. Nothing else. */
async function startBareRelay(baseURL: string): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  const server = createServer(app);
  const ioServer = new Server(server);
  const model = new OpenAI({ apiKey: 'bench', baseURL, maxRetries: 0 });
  ioServer.on('connection', (socket) => {
    socket.on('message:send', async (msg: { text: string; clientMessageId: string }) => {
      const stream = await model.chat.completions.create({
        model: 'bench',
        stream: true,
        messages: [{ role: 'user', content: msg.text }],
      });
      let text = '';
      for await (const chunk of stream) {
        const delta = chunk.choices[0]?.delta?.content;
        if (delta) {
          text += delta;
          socket.emit('message:delta', { clientMessageId: msg.clientMessageId, delta });
        }
      }
      socket.emit('message:done', { clientMessageId: msg.clientMessageId, text });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => ioServer.close(() => r())),
  };
}

function report(name: string, r: RunResult): Record<string, string> {
  return {
    setup: name,
    'TTFT overhead p50 (ms)': percentile(r.ttftOverheadMs, 50).toFixed(1),
    'TTFT overhead p99 (ms)': percentile(r.ttftOverheadMs, 99).toFixed(1),
    'messages/s': (r.messages / r.seconds).toFixed(1),
  };
}

async function main(): Promise<void> {
  const [mongo, redis, model] = await Promise.all([
    spawnTestMongo(),
    testRedisUrl(),
    startFakeOpenAI({ responder: () => ({ content: REPLY, delayMs: MODEL_DELAY_MS, chunkDelayMs: 0 }) }),
  ]);
  const config = testConfig(
    { mongoUri: mongo.uri, redisUrl: redis.url, model },
    {
      CHAT_RATE_LIMIT: '100000',
      // The bench measures latency, not allowances: no spending caps.
      AI_DAILY_CAP_USD: '0',
      AI_DAILY_CAP_TOKENS: '0',
      AI_DAILY_FEATURE_CAPS: '{"chat":{"usd":0,"tokens":0}}',
      LOG_LEVEL: 'error',
    },
  );
  const { db, close: closeDb } = await connectDb(config);
  const users = await Promise.all(Array.from({ length: USERS }, () => seedUser(db)));
  const now = new Date();
  await db.collection('incomes').insertMany(
    users.map((u) => ({
      name: 'Salary',
      amount: 2500,
      receiveDate: now,
      frequency: 'monthly',
      userId: u._id,
      isDeleted: false,
    })),
  );
  await db.collection('expenses').insertMany(
    users.flatMap((u) =>
      Array.from({ length: 50 }, (_, k) => ({
        name: `Shop ${k % 10}`,
        amount: 10 + k,
        endDate: now,
        frequency: 'on-off',
        userId: u._id,
        isDeleted: false,
      })),
    ),
  );

  const api = await startApi(config);
  const worker = await startWorker(config);
  const relay = await startBareRelay(model.baseURL);
  console.log(
    `bench:chat — ${USERS} concurrent sockets × ${MESSAGES} messages, model first-token delay ${MODEL_DELAY_MS} ms (${mongo.kind} MongoDB)`,
  );

  const ours = await connectAll(`${api.url}/chat`, (i) => ({
    token: signMainBackendToken({ id: users[i]._id.toHexString() }),
  }));
  const conversations = new Map<number, string>();
  // Warm-up: one message each, which also creates the conversations the measured turns continue.
  await drive(ours.slice(0, 1), (s, i, n) =>
    s.emit('message:send', { text: 'warm up', clientMessageId: `w-${i}-${n}` }),
  );
  const oursResult = await drive(ours, (s, i, n) =>
    s.emit(
      'message:send',
      {
        conversationId: conversations.get(i),
        text: `How am I doing? (${n})`,
        clientMessageId: `b-${i}-${n}-${Date.now()}`,
      },
      (ack: { conversationId?: string }) => {
        if (ack?.conversationId) conversations.set(i, ack.conversationId);
      },
    ),
  );
  const bare = await connectAll(relay.url, () => ({}));
  const bareResult = await drive(bare, (s, i, n) =>
    s.emit('message:send', { text: `How am I doing? (${n})`, clientMessageId: `r-${i}-${n}` }),
  );

  console.table([report('finance-ai-brain /chat', oursResult), report('bare socket.io + express relay', bareResult)]);
  [...ours, ...bare].forEach((s) => s.disconnect());
  await relay.close();
  await worker.close();
  await api.close();
  await closeDb();
  await Promise.allSettled([model.close(), mongo.stop(), redis.stop()]);
}

runBench(main);
