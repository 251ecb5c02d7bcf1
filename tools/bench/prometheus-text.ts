/**
 * Reading a Prometheus /metrics endpoint from a benchmark: CPU time and histograms are read before and after the
 * measured phase, and the difference is what that phase cost.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface HistogramDelta {
  count: number;
  sum: number;
  /** Cumulative counts by upper bound, ascending (the last is +Inf). */
  buckets: { le: number; count: number }[];
}

function promNumber(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/** The text exposition format: one sample per line; comments and blank lines skipped. */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    samples.push({ name: m[1], labels, value: promNumber(m[3]) });
  }
  return samples;
}

/** GET <baseUrl>/metrics, with the bearer token when the endpoint wants one. */
export async function scrape(baseUrl: string, token?: string): Promise<Sample[]> {
  const res = await fetch(`${baseUrl}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!res.ok) throw new Error(`GET ${baseUrl}/metrics answered ${res.status}`);
  return parsePrometheusText(await res.text());
}

/** The sum of a metric's samples over all label sets; null when it is not exposed. */
export function metricValue(samples: Sample[], name: string): number | null {
  const found = samples.filter((s) => s.name === name);
  return found.length ? found.reduce((total, s) => total + s.value, 0) : null;
}

/** CPU seconds spent between two scrapes (prom-client's default process_cpu_seconds_total). */
export function cpuSecondsBetween(before: Sample[], after: Sample[]): number | null {
  const a = metricValue(before, 'process_cpu_seconds_total');
  const b = metricValue(after, 'process_cpu_seconds_total');
  return a === null || b === null ? null : b - a;
}

/** What a histogram recorded between two scrapes (all label sets together); null when it is not exposed. */
export function histogramBetween(before: Sample[], after: Sample[], name: string): HistogramDelta | null {
  const count = metricValue(after, `${name}_count`);
  if (count === null) return null;
  const les = new Map<number, number>();
  for (const s of after) {
    if (s.name === `${name}_bucket`)
      les.set(promNumber(s.labels.le), (les.get(promNumber(s.labels.le)) ?? 0) + s.value);
  }
  for (const s of before) {
    if (s.name === `${name}_bucket`)
      les.set(promNumber(s.labels.le), (les.get(promNumber(s.labels.le)) ?? 0) - s.value);
  }
  return {
    count: count - (metricValue(before, `${name}_count`) ?? 0),
    sum: (metricValue(after, `${name}_sum`) ?? 0) - (metricValue(before, `${name}_sum`) ?? 0),
    buckets: [...les].map(([le, n]) => ({ le, count: n })).sort((x, y) => x.le - y.le),
  };
}

/** The smallest bucket bound every observation in the delta fits under: an upper bound of the largest value. */
export function maxBucket(h: HistogramDelta): number | null {
  if (h.count === 0) return null;
  return h.buckets.find((b) => b.count >= h.count)?.le ?? null;
}
