/** Pieces every benchmark script shares. */

/** A positive integer from the environment, else the default: how a run is sized from the command line. */
export function intEnv(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

/** A comma-separated list of positive integers from the environment (BENCH_SOCKETS="20,200"), else the default. */
export function intListEnv(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (!raw) return fallback;
  const values = raw.split(',').map((v) => Number(v.trim()));
  if (!values.every((v) => Number.isInteger(v) && v > 0)) throw new Error(`${name} must list positive integers`);
  return values;
}

/** Rounded for a report: the JSON line carries a measurement's precision, not float noise. */
export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The p-th percentile (0-100) of an ascending list, by nearest rank. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Runs a benchmark to the end and exits: 0 (or the exit code it set) on success, 1 with the error otherwise. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}

/**
 * The test environment with the settings the suites pin for determinism put back to their deployed defaults: a
 * benchmark measures the service as it runs in production (the snapshot's recheck window and the sampled round-trip
 * count included).
 */
export function asDeployed(env: Record<string, string>): Record<string, string> {
  const { SNAPSHOT_RECHECK_MS: _recheck, CHAT_ROUND_TRIPS_SAMPLE_MS: _sampling, ...deployed } = env;
  return deployed;
}
