import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import type { ArmContext } from './context';
import { isEmptyRegion, listRegion, MANY_RANGES, rangeOn, rangesTable, regionOn, type Frame, type Region } from './tree-sql';

/**
 * One page of an API list, newest first by (created_at, id), found in SQL: the rows after
 * the cursor, page size + 1 of them, and nothing else. Which rows a list holds is the
 * caller's (`where`, on the item `t` and its scope `r`); this module only picks the plan
 * that keeps the page's cost to its own rows whatever the tenant's size:
 *
 *   narrow   a term that names few rows by itself (a principal, a requester, pending
 *            requests) drives, through its index; the rest is checked per row.
 *   by order the list covers a big part of the tree: walk the (created_at, id) index
 *            down from the cursor and keep rows whose scope is in it, until the page is
 *            full, a few rows read per row kept.
 *   by scope the list covers a small part of the tree: walk its path ranges and each
 *            scope's rows (sorted in SQL), a few thousand rows at the very most.
 *
 * The indexes are in db/migrations/0006_arm_lists.sql; the hints (INDEXED BY, CROSS JOIN)
 * pin these plans, so other indexes on the same tables cannot change them.
 */

export interface ListTable {
  name: 'eligibility_schedules' | 'assignment_schedules' | 'requests';
  /** (…, created_at, id, …) in list order */
  byCreated: string;
  /** (scope_id, …, created_at, id, …) */
  byScope: string;
}

export const TABLES = {
  eligibility: { name: 'eligibility_schedules', byCreated: 'arm_eligibility_created', byScope: 'arm_eligibility_scope' },
  assignment: { name: 'assignment_schedules', byCreated: 'arm_assignment_created', byScope: 'arm_assignment_scope' },
  requests: { name: 'requests', byCreated: 'arm_requests_created', byScope: 'arm_requests_scope' },
} as const satisfies Record<string, ListTable>;

export type Cursor = [createdAt: number, id: string];
export interface Found {
  id: string;
  createdAt: number;
}

/** A term that names few rows by itself, with the index to walk them by (else SQLite picks). */
export interface Drive {
  where: SQL;
  /** an index in list order: the walk stops at page size + 1 instead of sorting all it finds */
  index?: string;
}

export interface ListQuery {
  table: ListTable;
  /** the URL scope; null for tenant-level lists (approvals), which the tree does not narrow */
  frame: Frame | null;
  atScope: boolean;
  /** every row meets these (kind, time window, the $filter's comparisons) */
  where: SQL[];
  /** when given, the narrow plan runs once per drive and the page is the newest of all */
  drives?: Drive[];
  /**
   * Who may read what: everything in the list, or the caller's own rows (`own`, a narrow
   * term) plus the rows in `managed` (the part of the tree under their management access).
   */
  visible: { everything: true } | { own: SQL; managed: Region };
  after: Cursor | null;
  /** rows to read: page size + 1 */
  limit: number;
}

const T = (table: ListTable) => sql.raw(table.name);
const byKeyDesc = (a: Found, b: Found) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

function and(terms: SQL[]): SQL {
  return terms.length
    ? sql.join(
        terms.map((t) => sql`(${t})`),
        sql` AND `,
      )
    : sql`1`;
}

function keyset(after: Cursor | null): SQL {
  return after ? sql`(t.created_at, t.id) < (${after[0]}, ${after[1]})` : sql`1`;
}

function run(ctx: ArmContext, q: SQL): Found[] {
  return ctx.db.all<{ id: string; created_at: number }>(q).map((r) => ({ id: r.id, createdAt: r.created_at }));
}

/** The narrow plan: the drive picks the rows through its own index; SQLite sorts the few it finds. */
function narrowPlan(ctx: ArmContext, q: ListQuery, drive: Drive, conds: SQL[]): Found[] {
  const hint = drive.index ? sql` INDEXED BY ${sql.raw(drive.index)}` : sql``;
  return run(
    ctx,
    sql`SELECT t.id, t.created_at FROM ${T(q.table)} t${hint} CROSS JOIN resources r INDEXED BY arm_resources_id_path ON r.id = t.scope_id
    WHERE (${drive.where}) AND ${and(conds)} AND ${keyset(q.after)}
    ORDER BY t.created_at DESC, t.id DESC LIMIT ${q.limit}`,
  );
}

/** The newest `limit` of several lists each sorted newest first, without repeats. */
function newest(lists: Found[][], limit: number): Found[] {
  if (lists.length === 1) return lists[0];
  const seen = new Set<string>();
  return lists
    .flat()
    .sort(byKeyDesc)
    .filter((f) => !seen.has(f.id) && seen.add(f.id))
    .slice(0, limit);
}

/** Tests run every list under both region plans (where a region has few ranges); nothing else sets this. */
export const planOverride: { region: 'order' | 'scope' | null } = { region: null };

/**
 * Is the region small enough to read whole? It is when it holds fewer than ~3% of the
 * tenant's resources: below that, walking the (created_at, id) index would read more than
 * 30 rows per row kept. Counting stops at that bound, so the question itself is cheap.
 */
function isSmall(ctx: ArmContext, region: Region): boolean {
  const row = ctx.db.get<{ n: number; cap: number }>(sql`SELECT
      (SELECT count(*) FROM (SELECT 1 FROM resources r WHERE ${regionOn('r', region)} LIMIT (SELECT max(rowid) / 32 + 64 FROM resources))) AS n,
      (SELECT max(rowid) / 32 + 64 FROM resources) AS cap`);
  return row !== undefined && row.n < row.cap;
}

function regionPlan(ctx: ArmContext, q: ListQuery, region: Region, conds: SQL[]): Found[] {
  if (isEmptyRegion(region)) return [];
  const where = sql`${and(conds)} AND ${keyset(q.after)}`;
  const many = region.ranges.length > MANY_RANGES;
  // many ranges are many separate subtrees, each small: always read by scope
  if (!many && (planOverride.region === 'order' || (planOverride.region === null && !isSmall(ctx, region)))) {
    return run(
      ctx,
      sql`SELECT t.id, t.created_at
      FROM ${T(q.table)} t INDEXED BY ${sql.raw(q.table.byCreated)} CROSS JOIN resources r INDEXED BY arm_resources_id_path ON r.id = t.scope_id
      WHERE ${regionOn('r', region)} AND ${where}
      ORDER BY t.created_at DESC, t.id DESC LIMIT ${q.limit}`,
    );
  }
  const parts: SQL[] = many
    ? [
        sql`SELECT t.id, t.created_at
      FROM ${rangesTable(region.ranges)} v CROSS JOIN resources r INDEXED BY arm_resources_path_id ON r.path >= v.column1 AND r.path < v.column2
      CROSS JOIN ${T(q.table)} t INDEXED BY ${sql.raw(q.table.byScope)} ON t.scope_id = r.id
      WHERE ${where}`,
      ]
    : region.ranges.map(
        (g) => sql`SELECT t.id, t.created_at
      FROM resources r INDEXED BY arm_resources_path_id CROSS JOIN ${T(q.table)} t INDEXED BY ${sql.raw(q.table.byScope)} ON t.scope_id = r.id
      WHERE ${rangeOn('r', g)} AND ${where}`,
      );
  if (region.rowids.length) {
    parts.push(sql`SELECT t.id, t.created_at
      FROM resources r CROSS JOIN ${T(q.table)} t INDEXED BY ${sql.raw(q.table.byScope)} ON t.scope_id = r.id
      WHERE ${regionOn('r', { rowids: region.rowids, ranges: [] })} AND ${where}`);
  }
  return run(
    ctx,
    sql`SELECT id, created_at FROM (${sql.join(parts, sql` UNION ALL `)}) ORDER BY created_at DESC, id DESC LIMIT ${q.limit}`,
  );
}

/** Ids (and sort keys) of the page's rows plus one, newest first. */
export function findPage(ctx: ArmContext, q: ListQuery): Found[] {
  const relation = q.frame ? listRegion(q.frame, q.atScope) : null;
  if (relation && isEmptyRegion(relation)) return [];
  const conds = [...(relation ? [regionOn('r', relation)] : []), ...q.where];
  const visible = 'everything' in q.visible ? null : q.visible;
  if (q.drives) {
    const seeing = visible ? [...conds, sql`(${visible.own}) OR ${regionOn('r', visible.managed)}`] : conds;
    return newest(
      q.drives.map((d) => narrowPlan(ctx, q, d, seeing)),
      q.limit,
    );
  }
  if (!relation) throw new Error('a list without a scope needs drives');
  if (!visible) return regionPlan(ctx, q, relation, q.where);
  // own rows (a handful, wherever they are) and the managed part, each read its own best
  // way up to the page size; the page is the newest of both
  return newest([narrowPlan(ctx, q, { where: visible.own }, conds), regionPlan(ctx, q, visible.managed, q.where)], q.limit);
}

/** Rows of `ids` in the order given (rows that vanished in between are skipped). */
export function inOrder<R extends { id: string }>(ids: readonly string[], rows: R[]): R[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}
