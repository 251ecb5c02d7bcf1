import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

export interface ChildWorker {
  process: ChildProcess;
  /** SIGKILL: no shutdown hooks, the job's lock is simply left to expire. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a worker process with the given environment and waits until its processors are running. nodeFlags go to
 * node itself (a benchmark's CPU profile).
 */
export async function startChildWorker(env: Record<string, string>, nodeFlags: string[] = []): Promise<ChildWorker> {
  const child = spawn(
    process.execPath,
    [...nodeFlags, path.join(__dirname, '..', '..', 'tools', 'run-ts.js'), path.join(__dirname, 'worker-process.ts')],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', (line) => line === 'worker ready' && resolve());
    child.once('exit', (code) => reject(new Error(`worker process exited (${code}) before it was ready`)));
  });
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const ending = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (exited()) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  return { process: child, kill: () => ending('SIGKILL'), stop: () => ending('SIGTERM') };
}
