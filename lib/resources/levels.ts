import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { subtreeRange } from '@/db/tree';
import type { ResourceKind } from '@/lib/policy';
import { containsPattern, keysetPage, PAGE_SIZE, type Key, type Page, type Seek } from '@/lib/portal/keyset';

/**
 * The resource lists, read from SQL a page at a time: one level of the tree, a search by
 * name or ARM id, the management groups and subscriptions PIM is not enabled on. Each
 * page reads its rows plus one from an index range (migration 0007); nothing here loads
 * a subtree or the tenant.
 */

export interface ResourceRow {
  id: string;
  armId: string;
  name: string;
  kind: ResourceKind;
  /** PIM enabled on this resource itself (the engine knows whether it is managed from above) */
  enabledHere: boolean;
  parentId: string | null;
}

interface RawRow {
  id: string;
  armId: string;
  name: string;
  kind: ResourceKind;
  enabledHere: number;
  parentId: string | null;
}

const COLUMNS = sql`r.id AS id, r.arm_id AS armId, r.display_name AS name, r.kind AS kind, r.managed AS enabledHere, r.parent_id AS parentId`;
const toRow = (r: RawRow): ResourceRow => ({ ...r, enabledHere: r.enabledHere === 1 });
const byName = (r: ResourceRow): Key => [r.name, r.id];

/** "After/before this (name, id)" in the case-insensitive name order the indexes keep. */
function nameSeek(dir: 'forward' | 'backward', from: Key | null): SQL {
  if (!from) return sql``;
  const cmp = sql.raw(dir === 'forward' ? '>' : '<');
  return sql` AND (r.display_name COLLATE NOCASE ${cmp} ${from[0]} OR (r.display_name = ${from[0]} COLLATE NOCASE AND r.id ${cmp} ${from[1]}))`;
}
const nameOrder = (dir: 'forward' | 'backward') =>
  sql.raw(
    dir === 'forward' ? 'ORDER BY r.display_name COLLATE NOCASE ASC, r.id ASC' : 'ORDER BY r.display_name COLLATE NOCASE DESC, r.id DESC',
  );

/** One level of the tree: the children of `parentId` (null: the top level), by name, a page at a time. */
export function childrenPage(db: DbOrTx, parentId: string | null, seek: Seek = {}, size = PAGE_SIZE): Page<ResourceRow> {
  const parent = parentId === null ? sql`r.parent_id IS NULL` : sql`r.parent_id = ${parentId}`;
  return keysetPage(
    seek,
    size,
    (dir, from, limit) =>
      db
        .all<RawRow>(sql`SELECT ${COLUMNS} FROM resources r WHERE ${parent}${nameSeek(dir, from)} ${nameOrder(dir)} LIMIT ${limit}`)
        .map(toRow),
    byName,
  );
}

export interface ResourceSearch {
  q: string;
  /** only these kinds (the parent picker) */
  kinds?: ResourceKind[];
  /** only at or below this scope (the activation dialog: the eligibility's scope) */
  under?: string;
  /** any further predicate over the row `r`, e.g. "under a scope I administer" (pathWithinAdministered) */
  where?: SQL;
}

/**
 * Resources whose name contains the text, or (text starting with "/") whose ARM id starts
 * with it (a subscription by its GUID: "/subscriptions/<guid>"), a page at a time. Names are ordered case-insensitively; ARM ids in id order,
 * which is also tree order. Empty text lists everything in name order (the parent picker).
 */
export function searchResources(db: DbOrTx, s: ResourceSearch, seek: Seek = {}, size = PAGE_SIZE): Page<ResourceRow> {
  const filters: SQL[] = [];
  if (s.kinds?.length)
    filters.push(
      sql`r.kind IN (${sql.join(
        s.kinds.map((k) => sql`${k}`),
        sql`, `,
      )})`,
    );
  if (s.under) filters.push(subtreeRange(sql`r.path`, s.under.toLowerCase()));
  if (s.where) filters.push(s.where);
  const q = s.q.trim();
  if (q.startsWith('/')) {
    // ids are stored lower-case: a prefix is one range of the primary key
    const p = q.toLowerCase();
    filters.push(sql`r.id >= ${p} AND r.id < ${p + '\u{10FFFF}'}`);
    const where = sql.join(filters, sql` AND `);
    return keysetPage(
      seek,
      size,
      (dir, from, limit) => {
        const seekSql = from ? sql` AND r.id ${sql.raw(dir === 'forward' ? '>' : '<')} ${from[1]}` : sql``;
        return db
          .all<RawRow>(
            sql`SELECT ${COLUMNS} FROM resources r WHERE ${where}${seekSql} ORDER BY r.id ${sql.raw(dir === 'forward' ? 'ASC' : 'DESC')} LIMIT ${limit}`,
          )
          .map(toRow);
      },
      (r) => ['', r.id],
    );
  }
  // one LIKE over the name index: a miss reads the whole index (about 40 ms at 100,000
  // resources), so nothing else is compared per row; ids are searched by prefix above
  if (q) filters.push(sql`r.display_name LIKE ${containsPattern(q)} ESCAPE '\\'`);
  const where = filters.length ? sql.join(filters, sql` AND `) : sql`1`;
  return keysetPage(
    seek,
    size,
    (dir, from, limit) =>
      db
        .all<RawRow>(sql`SELECT ${COLUMNS} FROM resources r WHERE ${where}${nameSeek(dir, from)} ${nameOrder(dir)} LIMIT ${limit}`)
        .map(toRow),
    byName,
  );
}

/** What the "Add a resource" form's parent picker receives. */
export interface ParentOptions {
  options: { id: string; label: string; kind: ResourceKind }[];
  /** more parents fit than are listed: type to narrow */
  more: boolean;
}

/** Search cursors hold [name, id] in name order and ['', id] in ARM id order. */
export const SEARCH_KEY_SHAPE = ['s', 's'] as const;

/**
 * "Discover resources": management groups and subscriptions on which PIM is not enabled,
 * not even from above, by name. The few enable points (managed = 1, a partial index)
 * are the only ancestors each candidate is compared with.
 */
export function discoverPage(db: DbOrTx, seek: Seek = {}, size = PAGE_SIZE): Page<ResourceRow> {
  const notManaged = sql`r.kind IN ('managementGroup', 'subscription') AND r.managed = 0
    AND NOT EXISTS (SELECT 1 FROM resources m WHERE m.managed = 1 AND m.path < r.path AND r.path < substr(m.path, 1, length(m.path) - 1) || '0')`;
  return keysetPage(
    seek,
    size,
    (dir, from, limit) =>
      db
        .all<RawRow>(sql`SELECT ${COLUMNS} FROM resources r WHERE ${notManaged}${nameSeek(dir, from)} ${nameOrder(dir)} LIMIT ${limit}`)
        .map(toRow),
    byName,
  );
}

/** How many resources lie strictly below the scope (managed ones only, when asked): one index range. */
export function countBelow(db: DbOrTx, scopeId: string, opts: { managedOnly?: boolean; managedHere?: boolean } = {}): number {
  const under = subtreeRange(sql`r.path`, scopeId, { includeSelf: false });
  if (!opts.managedOnly || opts.managedHere)
    return db.get<{ n: number }>(sql`SELECT count(*) AS n FROM resources r WHERE ${under}`)?.n ?? 0;
  return db.get<{ n: number }>(sql`SELECT count(*) AS n FROM resources r WHERE ${under} AND ${managedBelow(sql`r`, scopeId)}`)?.n ?? 0;
}

/**
 * `alias` (a resources row strictly below an unmanaged scope) is managed: PIM was enabled
 * on it or on an ancestor between it and the scope. Callers use it only when the scope
 * itself is not managed; below a managed scope everything is.
 */
export function managedBelow(alias: SQL, scopeId: string): SQL {
  return sql`EXISTS (SELECT 1 FROM resources m, resources s WHERE s.id = ${scopeId} AND m.managed = 1
    AND m.path > s.path AND m.path < substr(s.path, 1, length(s.path) - 1) || '0'
    AND ${alias}.path >= m.path AND ${alias}.path < substr(m.path, 1, length(m.path) - 1) || '0')`;
}
