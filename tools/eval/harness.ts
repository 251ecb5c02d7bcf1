import { randomUUID } from 'node:crypto';
import { Console } from 'node:console';
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { loadConfig } from '@app/config';
import { estimateCostUsd } from '@app/llm';
import { AppLogger } from '@app/logging';
import { createApiApp } from '../../apps/api/src/create-api-app';
import { startTestMongo } from '../../test/support/mongo';
import { testRedisUrl } from '../../test/support/redis';
import { connectDb, testEnv } from '../../test/support/stack';
import { signMainBackendToken } from '../../test/support/tokens';
import { startFakeOpenAI, type FakeOpenAI } from '../fake-openai';
import { truthClock } from '../../test/finance-truth/seed';
import { DUE_HOUR, evalDataset, seedEvalDataset, EVAL_TIME_ZONE } from './dataset';
import { evalQuestions, type EvalQuestion } from './questions';
import { scriptedResponder, type AnswerWriter } from './scripted-model';
import { scoreQuestion, totals, type EvalTotals, type QuestionScore, type TurnOutcome } from './scoring';

/**
 * The chat eval: the fixed dataset seeded into a fresh database, the real api in this process, and every question
 * asked over the `/chat` socket as the dataset's user, one conversation each, one after another. Each answer is
 * scored on tool choice, figures, verification, tokens and cost; a table is printed, then one JSON line.
 *
 * `scripted` runs against the fake OpenAI server, which calls each question's scripted tools and quotes their figures
 * back (scripted-model.ts): it tests the harness and the whole path end to end, and scores 100% when the system
 * works. `endpoint` runs against a real OpenAI-compatible server with no scripting.
 */

export interface EvalEndpoint {
  baseURL: string;
  apiKey: string;
  /** Default: OPENAI_MODEL's default. */
  model?: string;
}

export interface EvalOptions {
  mode: 'scripted' | 'endpoint';
  /** Required for `endpoint`. */
  endpoint?: EvalEndpoint;
  /** Question ids to ask; default all. */
  only?: string[];
  /** Scripted mode: writes the fake model's answers instead of quoting the tool results (for testing the scorer). */
  answer?: AnswerWriter;
  /** Where the table and the JSON line go; default stdout. */
  stdout?: NodeJS.WritableStream;
  /** Default 30 s scripted, 180 s against an endpoint. */
  turnTimeoutMs?: number;
}

export interface EvalReport extends EvalTotals {
  eval: 'chat';
  mode: EvalOptions['mode'];
  model: string;
  /** Scripted mode: every tool the api offered the model (null against an endpoint, whose requests we do not see). */
  toolsOffered: string[] | null;
  perQuestion: QuestionScore[];
}

/** Settings for the run's api: no spending caps or rate limit to stop a long run, logs to stderr. */
function evalEnv(
  mongoUri: string,
  redisUrl: string,
  opts: EvalOptions,
  fake: FakeOpenAI | null,
): Record<string, string> {
  const base = testEnv(
    { mongoUri, redisUrl, model: fake ?? ({ baseURL: opts.endpoint!.baseURL } as FakeOpenAI) },
    {
      TIME_ZONE: EVAL_TIME_ZONE,
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      CHAT_RATE_LIMIT: '10000',
      AI_DAILY_CAP_USD: '0',
      AI_DAILY_CAP_TOKENS: '0',
      AI_DAILY_FEATURE_CAPS: JSON.stringify(
        Object.fromEntries(['chat', 'reports', 'parsing', 'suggestions'].map((f) => [f, { usd: 0, tokens: 0 }])),
      ),
    },
  );
  if (opts.mode === 'scripted') return base;
  const e = opts.endpoint!;
  return {
    ...base,
    OPENAI_BASE_URL: e.baseURL,
    OPENAI_API_KEY: e.apiKey,
    ...(e.model ? { OPENAI_MODEL: e.model } : {}),
    OPENAI_TIMEOUT_MS: '120000',
    OPENAI_MAX_RETRIES: '2',
    CHAT_REPLY_LOST_AFTER_MS: '600000',
  };
}

export async function runEval(opts: EvalOptions): Promise<EvalReport> {
  if (opts.mode === 'endpoint' && !opts.endpoint) throw new Error('endpoint mode needs a baseURL and an apiKey');
  const out = new Console({ stdout: opts.stdout ?? process.stdout, stderr: process.stderr });
  await untilThisMonthsRowsAreDue();
  const ds = evalDataset();
  const questions = evalQuestions(ds).filter((q) => !opts.only || opts.only.includes(q.id));
  if (!questions.length) throw new Error(`no question has the ids ${opts.only?.join(', ')}`);
  const timeoutMs = opts.turnTimeoutMs ?? (opts.mode === 'scripted' ? 30_000 : 180_000);

  const stops: (() => Promise<unknown>)[] = [];
  try {
    // One at a time, each stopped at the end even when a later one fails to start.
    const fake = opts.mode === 'scripted' ? await startFakeOpenAI() : null;
    if (fake) {
      stops.push(() => fake.close());
      fake.setResponder(scriptedResponder(questions, opts.answer));
    }
    const redis = await testRedisUrl();
    stops.push(() => redis.stop());
    const mongo = await startTestMongo();
    stops.push(() => mongo.stop());
    const config = loadConfig(evalEnv(mongo.uri, redis.url, opts, fake));
    const { db, close } = await connectDb(config);
    stops.push(close);
    const users = await seedEvalDataset(db, ds);

    const logger = new AppLogger('api', config.log.level, {
      format: 'json',
      write: (line) => process.stderr.write(`${line}\n`),
    });
    const app = await createApiApp(config, logger);
    stops.push(() => app.close());
    await app.listen(0, '127.0.0.1');
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');

    const id = users.user.toHexString();
    const socket = await connect(url, signMainBackendToken({ id, email: `maya-${id}@example.com` }));
    stops.push(async () => socket.disconnect());

    const model = config.llm.taskModels.chat ?? config.llm.defaultModel;
    const cost = (input: number, output: number) => estimateCostUsd(config.llm.prices, model, input, output);
    const scores: QuestionScore[] = [];
    for (const q of questions) {
      const turn = await ask(socket, q, timeoutMs);
      const score = scoreQuestion(q, turn, cost);
      scores.push(score);
      if (process.env.EVAL_VERBOSE) process.stderr.write(`\n[${q.id}] ${q.text}\n${turn.done?.text ?? turn.error}\n`);
    }

    const report: EvalReport = {
      eval: 'chat',
      mode: opts.mode,
      model,
      ...totals(scores),
      toolsOffered: fake ? offeredTools(fake) : null,
      perQuestion: scores,
    };
    print(out, questions, report);
    return report;
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}

/** Started in the first seconds of a month: wait until this month's rows are in the past. */
async function untilThisMonthsRowsAreDue(): Promise<void> {
  const due = truthClock(new Date(), EVAL_TIME_ZONE).at(0, 1, DUE_HOUR).getTime();
  const wait = due - Date.now();
  if (wait >= 0) await new Promise((resolve) => setTimeout(resolve, wait + 1000));
}

function offeredTools(fake: FakeOpenAI): string[] {
  const names = fake.requests.flatMap((r) =>
    (r.chat?.tools ?? []).flatMap((t) => (t.type === 'function' ? [t.function.name] : [])),
  );
  return [...new Set(names)].sort();
}

function connect(url: string, token: string): Promise<Socket> {
  const socket = io(`${url}/chat`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** One question in a conversation of its own: its tool events, and how it ended. */
function ask(socket: Socket, q: EvalQuestion, timeoutMs: number): Promise<TurnOutcome> {
  const clientMessageId = `eval-${q.id}-${randomUUID()}`;
  const started = performance.now();
  const tools: TurnOutcome['tools'] = [];
  return new Promise((resolve) => {
    const mine = (d: { clientMessageId?: string | null } | undefined) => d?.clientMessageId === clientMessageId;
    const onTool = (t: TurnOutcome['tools'][number] & { clientMessageId?: string }) => {
      if (mine(t)) tools.push({ name: t.name, status: t.status, summary: t.summary });
    };
    const onDone = (d: NonNullable<TurnOutcome['done']> & { clientMessageId?: string }) => {
      if (mine(d)) finish(d, null);
    };
    const onError = (e: { clientMessageId?: string | null; code?: string; message?: string }) => {
      if (mine(e)) finish(null, e.code ?? e.message ?? 'message_error');
    };
    const timer = setTimeout(() => finish(null, 'timeout'), timeoutMs);
    function finish(done: TurnOutcome['done'], error: string | null) {
      clearTimeout(timer);
      socket.off('message:tool', onTool).off('message:done', onDone).off('message:error', onError);
      resolve({ tools, done, error, ms: Math.round(performance.now() - started) });
    }
    socket.on('message:tool', onTool).on('message:done', onDone).on('message:error', onError);
    socket.emit(
      'message:send',
      { text: q.text, clientMessageId },
      (ack: { ok?: boolean; error?: { code?: string } }) => {
        if (ack?.ok === false) finish(null, ack.error?.code ?? 'refused');
      },
    );
  });
}

const yes = (b: boolean) => (b ? 'yes' : 'NO');

function print(out: Console, questions: EvalQuestion[], r: EvalReport): void {
  const text = new Map(questions.map((q) => [q.id, q.text]));
  out.table(
    r.perQuestion.map((s) => ({
      id: s.id,
      lang: s.lang,
      expected: s.expectedTools.join(' ') || '(snapshot)',
      called: s.calledTools.join(' ') + (s.toolErrors ? ` (+${s.toolErrors} failed)` : ''),
      tools: yes(s.toolChoice),
      precision: Math.round(s.toolPrecision * 100) / 100,
      figures: s.figuresExpected ? `${s.figuresFound}/${s.figuresExpected}` : '-',
      verified: yes(s.verified) + (s.corrected ? ' (corrected)' : ''),
      tokens: s.inputTokens + s.outputTokens,
      ms: s.ms,
    })),
  );
  for (const s of r.perQuestion) {
    const problems = [
      s.error ? `failed: ${s.error}` : '',
      s.missingFigures.length ? `missing ${s.missingFigures.join(', ')}` : '',
      s.unverified.length ? `unverified ${s.unverified.join(', ')}` : '',
      s.leaks.length ? `LEAKED ${s.leaks.join(', ')}` : '',
    ].filter(Boolean);
    if (problems.length) out.log(`${s.id} ("${text.get(s.id)}"): ${problems.join('; ')}`);
  }
  const cost = r.costUsd === null ? 'not priced' : `$${r.costUsd}`;
  out.log(
    `${r.questions} questions (${r.bengali} Bengali) against ${r.model} (${r.mode}): tool choice ${r.toolChoice}%, ` +
      `tool precision ${r.toolPrecision}%, figure accuracy ${r.figureAccuracy}%, verification pass ${r.verificationPass}%, ` +
      `${r.leaks} leaked figures, ${r.tokens} tokens, cost ${cost}`,
  );
  out.log(JSON.stringify(r));
}
