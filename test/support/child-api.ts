import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

export interface ChildApi {
  process: ChildProcess;
  url: string;
  /** SIGKILL: no shutdown hooks, nothing flushed; a reply in progress simply stops where it was. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts an api process with the given environment and waits until it listens. Its other stdout lines (logs) go to
 * our stderr, and stdout is read to the end so the child never blocks on a full pipe.
 */
export async function startChildApi(env: Record<string, string>): Promise<ChildApi> {
  const child = spawn(
    process.execPath,
    [path.join(__dirname, '..', '..', 'tools', 'run-ts.js'), path.join(__dirname, 'api-process.ts')],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let waiting = true;
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      if (waiting && line.startsWith('{"ready":true')) {
        waiting = false;
        resolve((JSON.parse(line) as { url: string }).url);
      } else {
        process.stderr.write(`${line}\n`);
      }
    });
    child.once('exit', (code) => reject(new Error(`api process exited (${code}) before it was ready`)));
  });
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const ending = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (exited()) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  return { process: child, url, kill: () => ending('SIGKILL'), stop: () => ending('SIGTERM') };
}
