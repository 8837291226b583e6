import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { inSubtree, subtreeRange } from '@/db/tree';
import { managementAccess, MANAGEMENT_ROLE_IDS, nodeOf, type PolicyIndex, type ResourceKind } from '@/lib/policy';
import type { Page } from '@/lib/portal/keyset';
import { searchResources, type ResourceRow } from './levels';

/**
 * Where a user may manage PIM (rule 7): everywhere for a tenant PIM administrator;
 * otherwise the subtrees of the user's active Owner / User Access Administrator
 * assignments, held directly or through a group. `roots` are the topmost of those
 * scopes (one under another adds nothing), so "under a scope I administer" is a
 * handful of index ranges, never a test of every resource.
 */
export type Administered = { everywhere: true } | { everywhere: false; roots: string[] };

export function administeredScopes(db: DbOrTx, index: PolicyIndex, userId: string, now: number): Administered {
  const user = index.users.get(userId);
  if (!user || user.disabled) return { everywhere: false, roots: [] };
  if (user.isPimAdmin) return { everywhere: true };
  const roles = sql.join(
    MANAGEMENT_ROLE_IDS.map((r) => sql`${r}`),
    sql`, `,
  );
  // a user holds few assignments: found by principal (the user's, then each group's), never
  // by role ("+" keeps the planner off the role index, which holds the whole tenant's Owners)
  const live = sql`+a.role_id IN (${roles}) AND a.start_at <= ${now} AND (a.end_at IS NULL OR a.end_at > ${now})
    AND (a.revoked_at IS NULL OR a.revoked_at > ${now})`;
  const rows = db.all<{ scopeId: string }>(sql`
    SELECT a.scope_id AS scopeId FROM assignment_schedules a WHERE a.principal_id = ${userId} AND a.principal_type = 'User' AND ${live}
    UNION
    SELECT a.scope_id FROM group_members gm CROSS JOIN assignment_schedules a ON a.principal_id = gm.group_id AND a.principal_type = 'Group'
     WHERE gm.user_id = ${userId} AND ${live}`);
  // SQL finds the candidates; the engine decides (rule 7), at each candidate only
  const scopes = new Set<string>();
  for (const r of rows) {
    const node = nodeOf(index, r.scopeId);
    if (node && managementAccess(index, userId, node.fact.id, now).allowed) scopes.add(node.fact.id);
  }
  const roots = [...scopes].filter((id) => {
    for (let p = nodeOf(index, id)?.parent ?? null; p; p = p.parent) if (scopes.has(p.fact.id)) return false;
    return true;
  });
  return { everywhere: false, roots: roots.sort() };
}

/**
 * "`column` (a resource id held by another table's row) is at or under a scope the user
 * administers", or nothing for everywhere: a primary-key lookup per row, for rows that are
 * few already (pending requests, recent activity).
 */
export function withinAdministered(column: SQL, adm: Administered): SQL | undefined {
  if (adm.everywhere) return undefined;
  if (!adm.roots.length) return sql`0`;
  return sql`(${sql.join(
    adm.roots.map((r) => inSubtree(column, r)),
    sql` OR `,
  )})`;
}

/** The same for a resources row by its own `path`: index ranges, for lists of resources. */
export function pathWithinAdministered(pathColumn: SQL, adm: Administered): SQL | undefined {
  if (adm.everywhere) return undefined;
  if (!adm.roots.length) return sql`0`;
  return sql`(${sql.join(
    adm.roots.map((r) => subtreeRange(pathColumn, r)),
    sql` OR `,
  )})`;
}

/** Is the scope inside what the user administers? Walks the scope's ≤ 6 ancestors. */
export function isAdministered(index: PolicyIndex, adm: Administered, scopeId: string): boolean {
  if (adm.everywhere) return true;
  const roots = new Set(adm.roots);
  for (let n = nodeOf(index, scopeId) ?? null; n; n = n.parent) if (roots.has(n.fact.id)) return true;
  return false;
}

/** Resources of these kinds matching the typed text, within what the user administers: the parents a new resource may go under. */
export function searchAdministeredResources(
  db: DbOrTx,
  adm: Administered,
  q: string,
  kinds: ResourceKind[],
  size: number,
): Page<ResourceRow> {
  return searchResources(db, { q, kinds, where: pathWithinAdministered(sql`r.path`, adm) }, {}, size);
}
