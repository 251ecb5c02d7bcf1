import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { freePort, isListening } from '../ports';

export interface RedisServerHandle {
  url: string;
  port: number;
  /** Stops the server (SIGKILL: like a crash, nothing flushed). */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
}

export function redisServerBinary(): string | null {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : null;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms`);
}

/** A private redis-server child process: for tests that stop and restart Redis under a running service. */
export async function startRedisServer(port?: number): Promise<RedisServerHandle> {
  const binary = redisServerBinary();
  if (!binary) throw new Error('redis-server is not installed (apt-get install redis-server); .ci/run installs it');
  const p = port ?? (await freePort());
  let child: ChildProcess | null = null;
  const handle: RedisServerHandle = {
    url: `redis://127.0.0.1:${p}`,
    port: p,
    async start() {
      child = spawn(
        binary,
        ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'],
        {
          stdio: 'ignore',
        },
      );
      await waitFor(() => isListening(p), 5000, `redis-server on port ${p} accepting connections`);
    },
    async stop() {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
      await waitFor(async () => !(await isListening(p)), 5000, `redis-server on port ${p} stopping`);
    },
  };
  await handle.start();
  return handle;
}
