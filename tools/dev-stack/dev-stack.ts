import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { MongoClient } from 'mongodb';
import { startFakeOpenAI } from '../fake-openai';
import { startEmbeddedMongo } from '../embedded-mongo/embedded-mongo';
import { isListening } from '../ports';
import { redisServerBinary, startRedisServer } from '../local-redis/redis-server';
import { seedDemoData } from './demo-data';

import { root as ROOT } from '../run-ts';
const DEV_JWT_SECRET = 'dev-only-secret-change-me';

interface Resource {
  name: string;
  stop(): Promise<void>;
}

const resources: Resource[] = [];
const children: ChildProcess[] = [];

async function resolveMongo(env: NodeJS.ProcessEnv): Promise<{ uri: string; embedded: boolean }> {
  if (env.MONGODB_URI) return { uri: env.MONGODB_URI, embedded: false };
  const mongo = await startEmbeddedMongo();
  resources.push({ name: 'mongo', stop: mongo.stop });
  const uri = new URL(mongo.uri);
  uri.pathname = '/finance';
  console.log(
    `  MongoDB : embedded (${mongo.kind === 'wire' ? 'in-process wire-protocol server, data kept in memory' : 'mongodb-memory-server'}) at ${uri}`,
  );
  return { uri: uri.toString(), embedded: true };
}

async function resolveRedis(env: NodeJS.ProcessEnv): Promise<string> {
  if (env.REDIS_URL) return env.REDIS_URL;
  if (await isListening(6379)) {
    console.log('  Redis   : redis://127.0.0.1:6379 (already running)');
    return 'redis://127.0.0.1:6379';
  }
  if (!redisServerBinary()) {
    console.error(
      '\nRedis is required and none answers on 127.0.0.1:6379.\n' +
        '  Install it:  sudo apt-get install redis-server   (macOS: brew install redis)\n' +
        '  or point at one:  REDIS_URL=redis://host:6379 npm start\n',
    );
    process.exit(1);
  }
  const redis = await startRedisServer();
  resources.push({ name: 'redis', stop: redis.stop });
  console.log(`  Redis   : started redis-server on ${redis.url}`);
  return redis.url;
}

async function resolveModel(env: NodeJS.ProcessEnv): Promise<Record<string, string>> {
  if (env.OPENAI_API_KEY) {
    console.log(`  Model   : ${env.OPENAI_BASE_URL ?? 'OpenAI'} (OPENAI_API_KEY set)`);
    return {};
  }
  const demo = await startFakeOpenAI();
  resources.push({ name: 'model', stop: demo.close });
  console.log(
    `  Model   : *** OFFLINE DEMO MODEL *** at ${demo.baseURL} — canned answers, not AI. Set OPENAI_API_KEY for a real model.`,
  );
  return { OPENAI_API_KEY: 'offline-demo', OPENAI_BASE_URL: demo.baseURL, LLM_OFFLINE_DEMO: 'true' };
}

function launch(name: string, script: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, [path.join(ROOT, script)], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited (${signal ?? code}); stopping everything`);
      void shutdown(1);
    }
  });
  children.push(child);
  return child;
}

let stopping = false;
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGTERM');
        }),
    ),
  );
  for (const r of resources.reverse()) await r.stop().catch(() => undefined);
  process.exit(code);
}

async function main(): Promise<void> {
  const env = { ...process.env };
  console.log('finance-ai-brain (development launcher)');
  const mongo = await resolveMongo(env);
  const redisUrl = await resolveRedis(env);
  const model = await resolveModel(env);
  if (!env.JWT_SECRET) console.log(`  JWT     : JWT_SECRET not set, using the development secret "${DEV_JWT_SECRET}"`);

  const childEnv: NodeJS.ProcessEnv = {
    ...env,
    MONGODB_URI: mongo.uri,
    REDIS_URL: redisUrl,
    JWT_SECRET: env.JWT_SECRET ?? DEV_JWT_SECRET,
    ...model,
  };

  if (mongo.embedded && env.DEMO_DATA !== 'false') {
    const client = await MongoClient.connect(mongo.uri);
    const demo = await seedDemoData(client.db());
    await client.close();
    const sign = (u: { id: string; email: string }, role: string) =>
      jwt.sign({ id: u.id, email: u.email, role }, childEnv.JWT_SECRET as string, {
        algorithm: 'HS256',
        expiresIn: '7d',
      });
    console.log('\n  Demo data seeded (DEMO_DATA=false to skip). Tokens valid 7 days:');
    console.log(`    user : ${sign(demo.user, 'USER')}`);
    console.log(`    admin: ${sign(demo.admin, 'ADMIN')}\n`);
  }

  launch('api', 'dist/apps/api/apps/api/src/main.js', childEnv);
  launch('worker', 'dist/apps/worker/apps/worker/src/main.js', childEnv);
  console.log(
    `  API     : http://localhost:${childEnv.PORT ?? 3000}  (docs at /docs, health at /health). Ctrl+C stops everything.\n`,
  );
}

process.once('SIGINT', () => void shutdown(0));
process.once('SIGTERM', () => void shutdown(0));
main().catch((err: unknown) => {
  console.error(`Could not start: ${err instanceof Error ? err.message : String(err)}`);
  void shutdown(1);
});
