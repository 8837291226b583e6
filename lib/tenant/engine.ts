import { sql } from 'drizzle-orm';
import { SQLiteTransaction } from 'drizzle-orm/sqlite-core';
import type { DbOrTx } from '@/db/client';
import { buildPolicyIndex, indexOps, type PolicyIndex } from '@/lib/policy';
import {
  historyCutoff,
  loadGroupFact,
  loadPendingRequestFact,
  loadResourceFact,
  loadRoleFact,
  loadScheduleFact,
  loadSettingsFact,
  loadSnapshot,
  loadUserFact,
} from './snapshot';

/**
 * The policy index follows the change log (ADR 012). Triggers write one `change_log` row
 * per changed entity in the writing transaction; the log's AUTOINCREMENT sequence is the
 * tenant revision. Every question reads that revision (one lookup) and, if the index is
 * behind, refreshes just the logged entities from SQL — so a grant is visible to the very
 * next question, in this process or another, at a cost proportional to the change.
 *
 * Inside a write transaction the index is brought up to the transaction's own view, so a
 * service that asks again after writing sees its write. Those refreshes are remembered as
 * speculative, with the log rows' nonces. The next question asked outside that
 * transaction checks the nonces: rows still there mean the transaction committed; rows
 * gone (or replaced by another commit that reused the sequence numbers) mean it rolled
 * back, and the entities it touched are refreshed again from committed state. A rolled
 * back transaction therefore never leaves its changes in the shared index.
 *
 * A full build happens only when a process has no index yet or has fallen behind the
 * log's retention (see pruneChangeLog).
 */

type Entity = 'resource' | 'role' | 'user' | 'group' | 'schedule' | 'settings' | 'request';
interface LogRow {
  seq: number;
  entity: Entity;
  entityId: string;
  nonce: number;
}

interface Cache {
  db: unknown;
  index: PolicyIndex | undefined;
  seq: number;
  cutoff: number;
  /** settings row id → its (scope, role), so a deleted row can be taken out */
  settingsKeys: Map<string, { scopeId: string; roleId: string }>;
  /** refreshes applied from inside a transaction, not yet known to have committed */
  speculative: { tx: unknown; baseSeq: number; rows: LogRow[] } | null;
}

/** What the index did, for tests and benchmarks (a full build is what must be rare). */
export const indexStats = { builds: 0, applied: 0, reverted: 0 };

const cache: Cache = ((globalThis as unknown as { __elevateIndex?: Cache }).__elevateIndex ??= {
  db: undefined,
  index: undefined,
  seq: -1,
  cutoff: 0,
  settingsKeys: new Map(),
  speculative: null,
});

/** The tenant revision: the change log's sequence (kept even when old rows are pruned). */
export function currentRevision(db: DbOrTx): number {
  return db.get<{ seq: number }>(sql`SELECT seq FROM sqlite_sequence WHERE name = 'change_log'`)?.seq ?? 0;
}

/** Above this many changed entities in one catch-up, a full build is cheaper than refreshing each. */
const REBUILD_ABOVE = 50_000;

/** The engine's view of the tenant, fresh as of this call (in this connection's view). */
export function policyIndex(db: DbOrTx): PolicyIndex {
  const root = (db as unknown as { session?: unknown }).session ?? db;
  const inTx = db instanceof SQLiteTransaction;
  if (cache.db !== root || cache.index === undefined) {
    // a different database object (tests open several files) never shares a cached index
    if (inTx) return txLocalIndex(db);
    fullBuild(db, root);
  }
  if (cache.speculative && (!inTx || cache.speculative.tx !== db)) settleSpeculative(db, inTx);
  const seq = currentRevision(db);
  if (seq !== cache.seq) catchUp(db, seq, inTx);
  return cache.index!;
}

function fullBuild(db: DbOrTx, root: unknown): void {
  const seq = currentRevision(db);
  const cutoff = historyCutoff(db);
  cache.index = buildPolicyIndex(loadSnapshot(db, cutoff));
  cache.settingsKeys = new Map(
    db
      .all<{ id: string; scopeId: string; roleId: string }>(sql`SELECT id, scope_id AS scopeId, role_id AS roleId FROM role_settings`)
      .map((r) => [r.id, { scopeId: r.scopeId, roleId: r.roleId }]),
  );
  cache.seq = seq;
  cache.cutoff = cutoff;
  cache.db = root;
  cache.speculative = null;
  indexStats.builds++;
}

/**
 * No shared index yet and asked inside a transaction: build one for this transaction only
 * (it may hold uncommitted writes). Kept for the rest of the transaction.
 */
const txIndexes = new WeakMap<object, { seq: number; index: PolicyIndex }>();
function txLocalIndex(tx: DbOrTx): PolicyIndex {
  const seq = currentRevision(tx);
  const mine = txIndexes.get(tx);
  if (mine && mine.seq === seq) return mine.index;
  const index = buildPolicyIndex(loadSnapshot(tx));
  txIndexes.set(tx, { seq, index });
  indexStats.builds++;
  return index;
}

/** Were the speculative refreshes committed? Confirm, or undo them from the current view. */
function settleSpeculative(db: DbOrTx, inTx: boolean): void {
  const spec = cache.speculative!;
  const seqs = spec.rows.map((r) => r.seq);
  const found = new Map<number, number>();
  for (let i = 0; i < seqs.length; i += 500) {
    const chunk = seqs.slice(i, i + 500);
    for (const r of db.all<{ seq: number; nonce: number }>(sql`SELECT seq, nonce FROM change_log WHERE seq IN ${chunk}`))
      found.set(r.seq, r.nonce);
  }
  const committed = spec.rows.every((r) => found.get(r.seq) === r.nonce);
  if (committed) {
    // from another transaction's view this proves nothing yet about the outer one; from outside, it has committed
    if (!inTx) cache.speculative = null;
    return;
  }
  // rolled back: what it touched is refreshed from the state that is really there, and the
  // log is replayed from before it (another commit may have reused its sequence numbers)
  cache.speculative = null;
  refresh(db, spec.rows);
  cache.seq = spec.baseSeq;
  indexStats.reverted++;
}

function catchUp(db: DbOrTx, seq: number, inTx: boolean): void {
  const first = db.get<{ seq: number | null }>(sql`SELECT min(seq) AS seq FROM change_log`)?.seq ?? null;
  const covered = first !== null && first <= cache.seq + 1;
  if (!covered || seq < cache.seq || seq - cache.seq > REBUILD_ABOVE) {
    if (inTx) {
      // cannot rebuild the shared index from a view that may roll back: serve this transaction its own
      cache.index = undefined;
      cache.db = undefined;
      return void txLocalIndex(db);
    }
    fullBuild(db, cache.db);
    return;
  }
  const rows = db.all<LogRow>(sql`SELECT seq, entity, entity_id AS entityId, nonce FROM change_log WHERE seq > ${cache.seq} ORDER BY seq`);
  if (inTx) {
    if (cache.speculative) cache.speculative.rows.push(...rows);
    else cache.speculative = { tx: db, baseSeq: cache.seq, rows };
  }
  refresh(db, rows);
  cache.seq = seq;
}

/** Apply each changed entity once, parents before what hangs off them. */
const ORDER: Entity[] = ['resource', 'role', 'user', 'group', 'settings', 'schedule', 'request'];

function refresh(db: DbOrTx, rows: LogRow[]): void {
  const index = cache.index!;
  const byEntity = new Map<Entity, Set<string>>();
  for (const r of rows) {
    let set = byEntity.get(r.entity);
    if (!set) byEntity.set(r.entity, (set = new Set()));
    set.add(r.entityId);
  }
  for (const entity of ORDER) {
    for (const id of byEntity.get(entity) ?? []) {
      applyEntity(db, index, entity, id);
      indexStats.applied++;
    }
  }
}

function applyEntity(db: DbOrTx, index: PolicyIndex, entity: Entity, id: string): void {
  switch (entity) {
    case 'resource': {
      const f = loadResourceFact(db, id);
      return f ? indexOps.putResourceFact(index, f) : indexOps.removeResource(index, id);
    }
    case 'role': {
      const f = loadRoleFact(db, id);
      return f ? indexOps.putRoleFact(index, f) : indexOps.removeRole(index, id);
    }
    case 'user': {
      const f = loadUserFact(db, id);
      return f ? indexOps.putUserFact(index, f) : indexOps.removeUser(index, id);
    }
    case 'group': {
      const f = loadGroupFact(db, id);
      return f ? indexOps.putGroupFact(index, f) : indexOps.removeGroup(index, id);
    }
    case 'schedule': {
      const f = loadScheduleFact(db, id, cache.cutoff);
      return f ? indexOps.putScheduleFact(index, f) : indexOps.removeSchedule(index, id);
    }
    case 'settings': {
      // a deleted row logs 'id\0scope\0role'; a changed one logs its id
      const [settingsId, scopeId, roleId] = id.split('\u0000');
      const f = loadSettingsFact(db, settingsId);
      const before = cache.settingsKeys.get(settingsId) ?? (scopeId !== undefined ? { scopeId, roleId } : undefined);
      if (before && (!f || f.scopeId !== before.scopeId || f.roleId !== before.roleId))
        indexOps.removeSettings(index, before.scopeId, before.roleId);
      if (f) {
        cache.settingsKeys.set(settingsId, { scopeId: f.scopeId, roleId: f.roleId });
        indexOps.putSettingsFact(index, f);
      } else {
        cache.settingsKeys.delete(settingsId);
      }
      return;
    }
    case 'request': {
      const f = loadPendingRequestFact(db, id);
      return f ? indexOps.putRequestFact(index, f) : indexOps.removeRequest(index, id);
    }
  }
}

/**
 * Drop log rows older than `keepMs` (but never the newest `keepRows`): a process that slept
 * past them rebuilds once instead of replaying. Run from the periodic jobs.
 */
export function pruneChangeLog(db: DbOrTx, now: number, keepMs = 24 * 3600_000, keepRows = 100_000): number {
  // a rowid range first (cheap when there is nothing to prune), then the age of each row in it
  const r = db.run(sql`DELETE FROM change_log WHERE seq <= (SELECT coalesce(max(seq), 0) FROM change_log) - ${keepRows}
    AND at < ${now - keepMs}`);
  return r.changes;
}

/** For tests: forget the shared index (as a new process would start). */
export function forgetIndex(): void {
  cache.index = undefined;
  cache.db = undefined;
  cache.seq = -1;
  cache.speculative = null;
}
