import crypto from 'node:crypto';
import os from 'node:os';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';

/**
 * Leases: one holder per unit of work (a binding, a webhook endpoint) across every
 * Elevate process on the database, so two processes never both apply the same change.
 * A lease is taken or renewed by one conditional upsert (SQLite serialises writers), and
 * lapses on its own when its holder dies: another process takes over within LEASE_MS.
 */
export const LEASE_MS = 15_000;

/** This process's identity as a lease holder (one per process, random, never reused). */
export const PROCESS_HOLDER: string = ((globalThis as unknown as { __elevateHolder?: string }).__elevateHolder ??=
  `${os.hostname()}/${process.pid}/${crypto.randomUUID()}`);

/**
 * A holder on this host whose process is gone (killed, crashed) cannot be working: its
 * leases are taken at once instead of after they lapse, so a restarted Elevate revokes
 * what ended while it was down without waiting out the old leases.
 */
function holderIsDeadHere(holder: string): boolean {
  const [host, pid] = holder.split('/');
  if (host !== os.hostname() || !/^\d+$/.test(pid ?? '') || Number(pid) === process.pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Takes or renews the lease; true when `holder` holds it until now + ttl. */
export function acquireLease(db: DbOrTx, name: string, now: number, holder = PROCESS_HOLDER, ttl = LEASE_MS): boolean {
  const current = db.get<{ holder: string; expiresAt: number }>(
    sql`SELECT holder, expires_at AS expiresAt FROM connector_leases WHERE name = ${name}`,
  );
  if (current && current.holder !== holder && current.expiresAt > now && holderIsDeadHere(current.holder)) {
    db.run(sql`DELETE FROM connector_leases WHERE name = ${name} AND holder = ${current.holder}`);
  }
  const r = db.run(sql`
    INSERT INTO connector_leases (name, holder, expires_at) VALUES (${name}, ${holder}, ${now + ttl})
    ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
    WHERE connector_leases.holder = excluded.holder OR connector_leases.expires_at <= ${now}`);
  return r.changes > 0;
}

/** Gives the lease up (on shutdown), so another process need not wait for it to lapse. */
export function releaseLease(db: DbOrTx, name: string, holder = PROCESS_HOLDER): void {
  db.run(sql`DELETE FROM connector_leases WHERE name = ${name} AND holder = ${holder}`);
}

export function leaseHolder(db: DbOrTx, name: string, now: number): string | null {
  return db.get<{ holder: string }>(sql`SELECT holder FROM connector_leases WHERE name = ${name} AND expires_at > ${now}`)?.holder ?? null;
}
