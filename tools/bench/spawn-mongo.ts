import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { cpuProfileFlags, killOnExit } from './spawn-ts';

/**
 * Starts mongo-process.ts as a child and resolves with its URI once it is listening. `pid` is the process whose CPU
 * time is the database's when kind is 'wire' (the server runs inside it); otherwise the database is elsewhere.
 */
export async function spawnTestMongo(): Promise<{ uri: string; kind: string; pid?: number; stop(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    [...cpuProfileFlags(), path.join(__dirname, '..', 'run-ts.js'), path.join(__dirname, 'mongo-process.ts')],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  killOnExit(child);
  const line = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`test MongoDB process exited (${code})`)));
  });
  const { uri, kind } = JSON.parse(line) as { uri: string; kind: string };
  return {
    uri,
    kind,
    pid: kind === 'wire' ? child.pid : undefined,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
