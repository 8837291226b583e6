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

/**
 * `column` (a resource id) names `scopeId` itself (unless `includeSelf` is false) or a
 * resource below it. Unknown scope ids match nothing.
 */
export function underScope(column: SQLiteColumn | SQL, scopeId: string, opts: { includeSelf?: boolean } = {}): SQL {
  const lower = opts.includeSelf === false ? sql`r.path > s.p` : sql`r.path >= s.p`;
  return sql`${column} IN (SELECT r.id FROM (SELECT path AS p FROM resources WHERE id = ${scopeId}) s, resources r WHERE ${lower} AND r.path < substr(s.p, 1, length(s.p) - 1) || '0')`;
}

/** `column` (a resource id) names `scopeId` or one of its ancestors: the scopes whose assignments reach it. */
export function aboveScope(column: SQLiteColumn | SQL, scopeId: string): SQL {
  // ≤ 6 primary-key steps up the parent links; the depth cap guards against a corrupt cycle
  return sql`${column} IN (WITH RECURSIVE up(id, parent_id, depth) AS (SELECT id, parent_id, 0 FROM resources WHERE id = ${scopeId} UNION ALL SELECT r.id, r.parent_id, up.depth + 1 FROM resources r JOIN up ON r.id = up.parent_id WHERE up.depth < 64) SELECT id FROM up)`;
}
