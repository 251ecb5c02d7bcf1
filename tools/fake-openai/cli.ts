import { createDemoResponder } from './demo-responder';
import { startFakeOpenAI } from './server';
import type { FakeOpenAI } from './types';

/**
 * Starts the fake as a standalone process (the dev launcher's "offline demo model").
 * Prints exactly one JSON line, `{"baseURL": ...}`, so a parent process can read where to connect.
 *
 * Env: FAKE_OPENAI_PORT, else PORT (default 0 = any free port); FAKE_OPENAI_HOST (default
 * 127.0.0.1; not HOST, which some shells set to the machine name); FAKE_OPENAI_CHUNK_DELAY_MS
 * (default 30, so streaming is visible in the UI).
 */
export async function main(
  env: NodeJS.ProcessEnv = process.env,
  out: NodeJS.WritableStream = process.stdout,
): Promise<FakeOpenAI> {
  const fake = await startFakeOpenAI({
    port: parseNumber(env.FAKE_OPENAI_PORT ?? env.PORT, 0),
    host: env.FAKE_OPENAI_HOST || undefined,
    responder: createDemoResponder({ chunkDelayMs: parseNumber(env.FAKE_OPENAI_CHUNK_DELAY_MS, 30) }),
  });
  out.write(`${JSON.stringify({ baseURL: fake.baseURL })}\n`);
  return fake;
}

function parseNumber(value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new Error(`fake-openai: expected a non-negative integer, got "${value}"`);
  return parsed;
}

if (require.main === module) {
  main().then(
    (fake) => {
      const stop = () => void fake.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (err: unknown) => {
      process.stderr.write(`fake-openai failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
