import { sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';

/**
 * Structural tree predicates over `resources.path` (see db/migrations/0003_resource_path.sql).
 * "Every scope under r" is one range on the indexed path, whatever the subtree's size:
 * never a list of ids (SQLite refuses more than 32,766 bound values, and a list costs
 * what the subtree costs).
 */

/** Upper bound (exclusive) of the paths strictly under `path`: '/3/4/' → '/3/40' ('0' follows '/'). */
export function pathUpperBound(path: string): string {
  return path.slice(0, -1) + '0';
}

/** The scope's path, and the bound just past its subtree ('/3/4/' → '/3/40'); NULL for an unknown scope (matches nothing). */
const lowerOf = (scopeId: string) => sql`(SELECT path FROM resources WHERE id = ${scopeId})`;
const upperOf = (scopeId: string) => sql`(SELECT substr(path, 1, length(path) - 1) || '0' FROM resources WHERE id = ${scopeId})`;

/**
 * A resources row's own `path` column lies in the scope's subtree: one range of the path
 * index, for lists of resources (a level, a search, a count).
 */
export function subtreeRange(pathColumn: SQL, scopeId: string, opts: { includeSelf?: boolean } = {}): SQL {
  const from = opts.includeSelf === false ? sql`${pathColumn} > ${lowerOf(scopeId)}` : sql`${pathColumn} >= ${lowerOf(scopeId)}`;
  return sql`(${from} AND ${pathColumn} < ${upperOf(scopeId)})`;
}

/**
 * A resource id held by another table's row (a request, an audit event, a schedule) is
 * in the scope's subtree: one primary-key lookup per row. For rows that are already few
 * (pending requests, newest-first pages that stop early).
 */
export function inSubtree(idColumn: SQLiteColumn | SQL, scopeId: string, opts: { includeSelf?: boolean } = {}): SQL {
  return sql`EXISTS (SELECT 1 FROM resources in_sub WHERE in_sub.id = ${idColumn} AND ${subtreeRange(sql`in_sub.path`, scopeId, opts)})`;
}

/**
 * `column` (a resource id) names `scopeId` itself (unless `includeSelf` is false) or a
 * resource below it. Unknown scope ids match nothing. SQLite collects the subtree's ids
 * first: right when the subtree is small and drives the query, wrong under a large
 * management group (about a second at 100,000 resources) — use inSubtree or
 * subtreeRange there.
 */
export function underScope(column: SQLiteColumn | SQL, scopeId: string, opts: { includeSelf?: boolean } = {}): SQL {
  const lower = opts.includeSelf === false ? sql`r.path > s.p` : sql`r.path >= s.p`;
  return sql`${column} IN (SELECT r.id FROM (SELECT path AS p FROM resources WHERE id = ${scopeId}) s, resources r
    WHERE ${lower} AND r.path < substr(s.p, 1, length(s.p) - 1) || '0')`;
}

/** `column` (a resource id) names `scopeId` or one of its ancestors: the scopes whose assignments reach it. */
export function aboveScope(column: SQLiteColumn | SQL, scopeId: string): SQL {
  // ≤ 6 primary-key steps up the parent links; the depth cap guards against a corrupt cycle
  return sql`${column} IN (WITH RECURSIVE up(id, parent_id, depth) AS (
    SELECT id, parent_id, 0 FROM resources WHERE id = ${scopeId}
    UNION ALL SELECT r.id, r.parent_id, up.depth + 1 FROM resources r JOIN up ON r.id = up.parent_id WHERE up.depth < 64
  ) SELECT id FROM up)`;
}
