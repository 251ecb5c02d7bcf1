import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { SERVICE_NODE_FLAGS } from '@app/config';

export interface TsChild<R> {
  process: ChildProcess;
  /** What the child printed when it was ready (its one `{"ready":true,...}` line). */
  ready: R;
  stop(): Promise<void>;
}

/**
 * A benchmark that fails exits at once (runBench): its child servers must not outlive it, holding ports and CPU the
 * next run measures with.
 */
export function killOnExit(child: ChildProcess): void {
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', kill);
  child.once('exit', () => process.off('exit', kill));
}

/** BENCH_CPU_PROF=<dir>: each server process writes a V8 CPU profile there when it exits (Chrome DevTools opens it). */
export function cpuProfileFlags(): string[] {
  const dir = process.env.BENCH_CPU_PROF;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

/**
 * What a measured server runs with: the flags production gives our api and worker, for the baselines too, so a
 * comparison is between the code and not the runtime's settings.
 */
export function serverNodeFlags(): string[] {
  return [...SERVICE_NODE_FLAGS, ...cpuProfileFlags()];
}

/**
 * Runs a TypeScript file in its own process (through tools/run-ts.js) and resolves once it prints a line starting
 * with `{"ready":true`. Benchmarks use it so each measured server has a core's worth of CPU of its own and its CPU
 * time is its own. Every other line the child writes to stdout goes to our stderr: a benchmark's stdout ends with
 * its one JSON line.
 */
export async function spawnTs<R extends { ready: true }>(
  script: string,
  env: Record<string, string>,
): Promise<TsChild<R>> {
  const child = spawn(process.execPath, [...serverNodeFlags(), path.join(__dirname, '..', 'run-ts.js'), script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  killOnExit(child);
  const ready = await new Promise<R>((resolve, reject) => {
    let waiting = true;
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      if (waiting && line.startsWith('{"ready":true')) {
        waiting = false;
        resolve(JSON.parse(line) as R);
      } else {
        process.stderr.write(`${line}\n`);
      }
    });
    child.once('exit', (code) => reject(new Error(`${path.basename(script)} exited (${code}) before it was ready`)));
  });
  return {
    process: child,
    ready,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
