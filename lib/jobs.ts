import 'server-only';
import { getDb } from '@/db';
import { sweepTimeouts } from '@/lib/approvals/timeouts';
import { sweepEndingSoon } from '@/lib/activation';
import { deliverOutbox } from '@/lib/notify/deliver';
import { pruneChangeLog } from '@/lib/tenant/engine';
import { pruneConnectorHistory } from '@/lib/connectors/prune';

const INTERVAL_MS = 60_000;

/**
 * Housekeeping that only *tells* people about time passing: it stores TimedOut on
 * requests whose approval window ended, warns of activations about to end, and delivers
 * queued e-mail. No status depends on it: the engine derives every status from
 * timestamps, so a stopped job delays news, never correctness.
 */
export function runJobsOnce(now = Date.now()) {
  const db = getDb();
  const timedOut = sweepTimeouts(db, now);
  const endingSoon = sweepEndingSoon(db, now);
  // old change-log rows only serve processes that slept through them; those rebuild instead
  const pruned = pruneChangeLog(db, now);
  const connectorHistory = pruneConnectorHistory(db, now);
  return { timedOut, endingSoon, pruned, connectorHistory, delivery: deliverOutbox(db) };
}

export function startJobs() {
  const holder = globalThis as unknown as { __elevateJobs?: NodeJS.Timeout };
  if (holder.__elevateJobs) return;
  const tick = () => {
    try {
      void runJobsOnce().delivery.catch((e) => console.error('[elevate] e-mail delivery failed:', e instanceof Error ? e.message : e));
    } catch (e) {
      console.error('[elevate] housekeeping failed:', e instanceof Error ? e.message : e);
    }
  };
  holder.__elevateJobs = setInterval(tick, INTERVAL_MS);
  holder.__elevateJobs.unref();
  setTimeout(tick, 2_000).unref();
}
