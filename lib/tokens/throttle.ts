/**
 * Wrong TOTP codes are counted per user in memory (verifyMfaStepUp records them for the
 * portal and the API alike): after MAX_FAILURES within WINDOW_MS the user must wait, so
 * six digits cannot be guessed by brute force. In memory because the failed attempt's
 * transaction rolls back. (Per process; one Elevate process serves one database.)
 */
const MAX_FAILURES = 5;
const WINDOW_MS = 5 * 60_000;

type Entry = { failures: number[] };
const state = ((globalThis as unknown as { __elevateStepUpThrottle?: Map<string, Entry> }).__elevateStepUpThrottle ??= new Map<
  string,
  Entry
>());

function recent(userId: string, now: number): number[] {
  const e = state.get(userId);
  if (!e) return [];
  e.failures = e.failures.filter((t: number) => now - t < WINDOW_MS);
  return e.failures;
}

/** ms until the user may try again, or 0. */
export function stepUpRetryAfter(userId: string, now: number): number {
  const f = recent(userId, now);
  return f.length >= MAX_FAILURES ? WINDOW_MS - (now - f[0]) : 0;
}

export function recordStepUpFailure(userId: string, now: number): void {
  const f = recent(userId, now);
  f.push(now);
  state.set(userId, { failures: f });
}

export function clearStepUpFailures(userId: string): void {
  state.delete(userId);
}
