import { sql } from 'drizzle-orm';
import { SQLiteTransaction } from 'drizzle-orm/sqlite-core';
import type { DbOrTx } from '@/db/client';
import { buildPolicyIndex, type PolicyIndex } from '@/lib/policy';
import { loadSnapshot } from './snapshot';

/**
 * The policy index is rebuilt only when the tenant changed. Every write that changes
 * what the engine sees bumps `tenant_revision` in its own transaction; readers compare
 * the stored revision (one indexed read) with the cached one. Because the check reads
 * the database, a grant is visible to the very next question, in this process or
 * another, so access takes effect the instant it is granted.
 */
const cache = ((globalThis as unknown as { __elevateIndex?: { revision: number; index: PolicyIndex; db: unknown } }).__elevateIndex ??= {
  revision: -1,
  index: undefined as unknown as PolicyIndex,
  db: undefined,
});

export function currentRevision(db: DbOrTx): number {
  return db.get<{ revision: number }>(sql`SELECT revision FROM tenant_revision WHERE id = 1`)?.revision ?? 0;
}

export function bumpRevision(tx: DbOrTx): void {
  tx.run(sql`UPDATE tenant_revision SET revision = revision + 1 WHERE id = 1`);
}

/**
 * The engine's view of the tenant, fresh as of this call. Inside a transaction it sees
 * that transaction's writes, but an index built inside a transaction is not kept: the
 * transaction may still roll back, and its revision number would later be reached by a
 * different committed change, which would then be served the rolled-back state.
 */
export function policyIndex(db: DbOrTx): PolicyIndex {
  const revision = currentRevision(db);
  // a different database object (tests open several files) never shares a cached index
  const root = (db as unknown as { session?: unknown }).session ?? db;
  if (cache.revision === revision && cache.db === root && cache.index) return cache.index;
  if (db instanceof SQLiteTransaction) {
    // kept for the rest of this transaction only (a service may ask again after a write)
    const mine = txCache.get(db);
    if (mine && mine.revision === revision) return mine.index;
    const index = buildPolicyIndex(loadSnapshot(db));
    txCache.set(db, { revision, index });
    return index;
  }
  cache.index = buildPolicyIndex(loadSnapshot(db));
  cache.revision = revision;
  cache.db = root;
  return cache.index;
}

const txCache = new WeakMap<object, { revision: number; index: PolicyIndex }>();
