import 'server-only';
import { and, asc, desc, eq, gte, inArray, isNull, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { DbOrTx } from '@/db/client';
import { auditEvents, resources, type AuditEvent } from '@/db/schema';
import { pathUpperBound, underScope } from '@/db/tree';
import { keysetPage, type Key, type Page, type Seek } from '@/lib/portal/keyset';

export interface AuditFilters {
  /** inclusive start, exclusive end (epoch ms) */
  from?: number;
  to?: number;
  actorId?: string;
  /** exact event types; several when a typed word named several (see matchingEventTypes) */
  actions?: string[];
  roleId?: string;
  principalId?: string;
  /** a resource audit: this scope and everything below it (structural, db/tree.ts) */
  scopeId?: string;
  /** "my audit": events I did or that were about me */
  involving?: string;
}

export const AUDIT_PAGE_SIZE = 50;
/** Events looked at next to the cursor before a large subtree is probed resource by resource. */
const WINDOW = 2000;
/** Below this many resources a subtree is probed resource by resource at once (one index range each). */
const SMALL_SUBTREE = 500;

type Dir = 'forward' | 'backward';
/** Internal: the "about me, by someone else" half of my audit. */
type Slice = AuditFilters & { notActor?: string };
/** An event's place in the list, newest first: (at, seq); seq, the chain's order, breaks ties. */
const keyOf = (e: AuditEvent): Key => [e.at, e.seq];
const atSeq = sql`(${auditEvents.at}, ${auditEvents.seq})`;
/** Rows past `key` in the direction of reading (forward = older, as the list is newest first). */
const past = (dir: Dir, key: Key): SQL =>
  dir === 'forward' ? sql`${atSeq} < (${key[0]}, ${key[1]})` : sql`${atSeq} > (${key[0]}, ${key[1]})`;
/** Rows up to and including `key` in the direction of reading: the window before an edge. */
const upTo = (dir: Dir, key: Key): SQL =>
  dir === 'forward' ? sql`${atSeq} >= (${key[0]}, ${key[1]})` : sql`${atSeq} <= (${key[0]}, ${key[1]})`;
const order = (dir: Dir) =>
  dir === 'forward' ? [desc(auditEvents.at), desc(auditEvents.seq)] : [asc(auditEvents.at), asc(auditEvents.seq)];

/**
 * The filters other than scope and "mine". `plain` keeps SQLite from driving the query
 * by them (unary + on the column), for when a small subtree is the better index range.
 */
function conditions(f: AuditFilters, plain = false): SQL[] {
  const col = (c: SQLiteColumn): SQL => (plain ? sql`+${c}` : sql`${c}`);
  const out: SQL[] = [];
  if (f.from !== undefined) out.push(gte(auditEvents.at, f.from));
  if (f.to !== undefined) out.push(lt(auditEvents.at, f.to));
  if (f.actorId) out.push(sql`${col(auditEvents.actorId)} = ${f.actorId}`);
  if (f.principalId) out.push(sql`${col(auditEvents.principalId)} = ${f.principalId}`);
  if (f.roleId) out.push(sql`${col(auditEvents.roleId)} = ${f.roleId}`);
  if (f.actions)
    out.push(
      f.actions.length
        ? sql`${col(auditEvents.action)} IN (${sql.join(
            f.actions.map((a) => sql`${a}`),
            sql`, `,
          )})`
        : sql`0`,
    );
  return out;
}

const read = (db: DbOrTx, where: (SQL | undefined)[], dir: Dir, limit: number): AuditEvent[] =>
  limit <= 0
    ? []
    : db
        .select()
        .from(auditEvents)
        .where(and(...where))
        .orderBy(...order(dir))
        .limit(limit)
        .all();

/** Is this event's scope the resource or below it: one primary-key look-up per event, for a scan in time order. */
function scopeCheck(path: string): SQL {
  return sql`EXISTS (SELECT 1 FROM ${resources} sr WHERE sr.id = ${auditEvents.scopeId} AND sr.path >= ${path} AND sr.path < ${pathUpperBound(path)})`;
}

/**
 * Up to `limit` events past `from` in the direction of reading. The plan follows the
 * filters, so a page reads about its own rows:
 * - no scope: SQLite walks one (column, at) index in order (an equality filter's, or at);
 * - a small subtree: each of its resources' (scope, at) ranges;
 * - a large subtree: the WINDOW events next to the cursor are checked in time order
 *   (enough when the subtree's events are frequent), then the subtree's resources are
 *   probed for the rest (cheap when they are rare). With an equality filter the window is
 *   that filter's WINDOW events (its index range, each event's scope checked) and the
 *   probe applies the filter; either way a page reads at most WINDOW events before it
 *   probes, however long the filter's history.
 */
function slice(db: DbOrTx, f: Slice, dir: Dir, from: Key | null, limit: number): AuditEvent[] {
  const start = from ? past(dir, from) : undefined;
  if (f.involving) {
    // two ordered index ranges (what I did; what others did about me), merged
    const me = f.involving;
    const rest = { ...f, involving: undefined };
    const mine = f.actorId && f.actorId !== me ? [] : slice(db, { ...rest, actorId: me }, dir, from, limit);
    const aboutMe = f.principalId && f.principalId !== me ? [] : slice(db, { ...rest, principalId: me, notActor: me }, dir, from, limit);
    const sign = dir === 'forward' ? -1 : 1;
    return [...mine, ...aboutMe].sort((a, b) => sign * (a.at - b.at || a.seq - b.seq)).slice(0, limit);
  }
  const others = f.notActor ? [or(isNull(auditEvents.actorId), ne(auditEvents.actorId, f.notActor))] : [];
  const base = [start, ...conditions(f), ...others];
  if (!f.scopeId) return read(db, base, dir, limit);

  const scope = db.select({ path: resources.path }).from(resources).where(eq(resources.id, f.scopeId)).get();
  if (!scope) return [];
  const probe = underScope(auditEvents.scopeId, f.scopeId);
  const probed = (where: (SQL | undefined)[], n: number) => read(db, [...where, ...conditions(f, true), ...others, probe], dir, n);
  const size =
    db.get<{ n: number }>(
      sql`SELECT count(*) AS n FROM (SELECT 1 FROM ${resources} WHERE path >= ${scope.path} AND path < ${pathUpperBound(scope.path)} LIMIT ${SMALL_SUBTREE})`,
    )?.n ?? 0;
  if (size < SMALL_SUBTREE) return probed([start], limit);
  // The WINDOW-th event from the cursor on bounds the scan in time order: of the filter's
  // index range when an equality filter drives the query (its events next to the cursor,
  // each event's scope checked), else of the log (dates included either way). Past it the
  // subtree's resources are probed, with the filters applied.
  const driven = f.actorId || f.principalId || f.roleId || f.actions?.length === 1;
  const bounding = driven ? conditions(f) : conditions({ from: f.from, to: f.to });
  const edge = db
    .select({ at: auditEvents.at, seq: auditEvents.seq })
    .from(auditEvents)
    .where(and(start, ...bounding))
    .orderBy(...order(dir))
    .limit(1)
    .offset(WINDOW - 1)
    .get();
  const near = read(db, [...base, edge ? upTo(dir, [edge.at, edge.seq]) : undefined, scopeCheck(scope.path)], dir, limit);
  if (near.length >= limit || !edge) return near;
  return [...near, ...probed([past(dir, [edge.at, edge.seq])], limit - near.length)];
}

/**
 * One page of events, newest first, keyset-paged on (at, seq): a page reads its rows plus
 * one, and an event is never shown twice or skipped while new events are written between
 * page reads (they are newer than every cursor). No total: counting would read the whole log.
 */
export function auditPage(db: DbOrTx, f: AuditFilters, seek: Seek = {}, size = AUDIT_PAGE_SIZE): Page<AuditEvent> {
  return keysetPage(seek, size, (dir, from, limit) => slice(db, f, dir, from, limit), keyOf);
}

/** Every matching event for export, newest first, read in keyset chunks: the log never sits in memory. */
export function* iterateAudit(db: DbOrTx, f: AuditFilters, chunk = 1000): Generator<AuditEvent> {
  let from: Key | null = null;
  for (;;) {
    const rows = slice(db, f, 'forward', from, chunk);
    yield* rows;
    if (rows.length < chunk) return;
    from = keyOf(rows[rows.length - 1]);
  }
}

/** Most event types a filter offers; Elevate writes a few dozen. */
const EVENT_TYPES_CAP = 500;

/**
 * The distinct event types in the log, for the filter's choices: a loose index scan over
 * (action, at) reads one index entry per type, not the log.
 */
export function auditEventTypes(db: DbOrTx): string[] {
  return db
    .all<{ a: string }>(
      sql`WITH RECURSIVE t(a) AS (
      SELECT (SELECT min(action) FROM audit_events)
      UNION ALL
      SELECT (SELECT min(action) FROM audit_events WHERE action > t.a) FROM t WHERE t.a IS NOT NULL
    ) SELECT a FROM t WHERE a IS NOT NULL LIMIT ${EVENT_TYPES_CAP}`,
    )
    .map((r) => r.a);
}

/**
 * The event types a typed word stands for: itself when it is one, else every type that
 * contains it (case-insensitive), e.g. "approved" → "Request approved".
 */
export function matchingEventTypes(types: string[], typed: string): string[] {
  if (types.includes(typed)) return [typed];
  const q = typed.toLowerCase();
  return types.filter((t) => t.toLowerCase().includes(q));
}

// action names written by lib/activation and lib/approvals
const CHARTED = { activations: 'Role activated', approvals: 'Request approved' } as const;

/**
 * Activations and approvals per UTC day over the last `days` days, for the admin home
 * chart: counted in SQL over the (action, at) index. `scope` limits it to subtrees
 * (`{ under: [rootIds] }`, one index range each); an id list is still accepted from
 * older callers but costs what the list costs.
 */
export function activityPerDay(
  db: DbOrTx,
  now: number,
  days = 14,
  scope?: string[] | { under: string[] },
): { day: string; activations: number; approvals: number }[] {
  const DAY = 86_400_000;
  const start = Math.floor(now / DAY) * DAY - (days - 1) * DAY;
  let where: SQL | undefined;
  if (Array.isArray(scope)) where = scope.length ? inArray(auditEvents.scopeId, scope) : sql`0`;
  else if (scope) where = scope.under.length ? or(...scope.under.map((id) => underScope(auditEvents.scopeId, id))) : sql`0`;
  const rows = db
    // bound numbers may arrive as REAL: truncate to the day's index explicitly
    .select({
      day: sql<number>`CAST((${auditEvents.at} - ${start}) / ${DAY} AS INTEGER)`,
      action: auditEvents.action,
      n: sql<number>`count(*)`,
    })
    .from(auditEvents)
    .where(and(inArray(auditEvents.action, [CHARTED.activations, CHARTED.approvals]), gte(auditEvents.at, start), where))
    .groupBy(sql`1`, auditEvents.action)
    .all();
  const out = Array.from({ length: days }, (_, i) => ({
    day: new Date(start + i * DAY).toISOString().slice(0, 10),
    activations: 0,
    approvals: 0,
  }));
  for (const r of rows) {
    if (r.day < 0 || r.day >= days) continue;
    if (r.action === CHARTED.activations) out[r.day].activations += r.n;
    else out[r.day].approvals += r.n;
  }
  return out;
}
