import autocannon from 'autocannon';
import type { Answer } from './client';

/** One line of the report. Latencies in ms; size in bytes per response. */
export interface Row {
  section: string;
  name: string;
  n: number;
  p50?: number;
  p95?: number;
  p99?: number;
  rps?: number;
  size?: number;
  /** CPU time the server spent per request (user + system, whole process tree), ms */
  cpu?: number;
  note?: string;
}

/** Nearest-rank percentile of sorted values. */
export function pct(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export function summarise(ms: number[]): { n: number; p50: number; p95: number; p99: number } {
  const s = [...ms].sort((a, b) => a - b);
  return { n: s.length, p50: pct(s, 0.5), p95: pct(s, 0.95), p99: pct(s, 0.99) };
}

export interface LoadResult {
  latencies: number[];
  rps: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/**
 * autocannon against one URL for `duration` seconds at `connections` connections. Every
 * response time is kept (autocannon's own histogram has no p95). Requests that fail or
 * answer other than 2xx are counted and reported, not hidden.
 */
export async function load(
  url: string,
  headers: Record<string, string>,
  o: { connections: number; duration: number; method?: 'GET' | 'POST'; body?: string },
): Promise<LoadResult> {
  if (!url.startsWith('http://127.0.0.1:')) throw new Error(`refusing to load anything but 127.0.0.1: ${url}`);
  const latencies: number[] = [];
  // without a callback autocannon returns its instance, which is also a promise of the result
  const inst = autocannon({
    url,
    connections: o.connections,
    duration: o.duration,
    headers,
    method: o.method ?? 'GET',
    body: o.body,
    timeout: 30,
    pipelining: 1,
  }) as unknown as autocannon.Instance & Promise<autocannon.Result>;
  inst.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
    latencies.push(responseTime);
  });
  const t0 = performance.now();
  const result = await inst;
  const secs = (performance.now() - t0) / 1000;
  return { latencies, rps: latencies.length / secs, non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts };
}

export interface SeqResult {
  ms: number[];
  failures: number;
  firstFailure?: string;
  answers: Answer[];
  /** the time budget ran out before all n operations */
  stoppedAfterBudget?: boolean;
}

/**
 * Up to `n` operations one after another (a write waits for the previous one), within
 * `budgetMs`: the latency of each, and how many were refused (`check` returns the reason,
 * or null when the answer is what the operation should get). A request that throws (a
 * timeout) counts as refused. Stops early after 10 failures in a row.
 */
export async function sequential(
  n: number,
  op: (i: number) => Promise<Answer>,
  check: (a: Answer, i: number) => string | null,
  budgetMs = Infinity,
): Promise<SeqResult> {
  const out: SeqResult = { ms: [], failures: 0, answers: [] };
  let streak = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    if (performance.now() - t0 > budgetMs) {
      out.stoppedAfterBudget = true;
      break;
    }
    const started = performance.now();
    let bad: string | null;
    try {
      const a = await op(i);
      out.ms.push(a.ms);
      out.answers.push(a);
      bad = check(a, i);
    } catch (e) {
      out.ms.push(performance.now() - started);
      bad = e instanceof Error ? e.message : String(e);
    }
    if (bad) {
      out.failures++;
      out.firstFailure ??= bad;
      if (++streak >= 10) break;
    } else streak = 0;
  }
  return out;
}
