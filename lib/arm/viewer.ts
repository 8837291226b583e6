import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { isTenantPimAdmin, MANAGEMENT_ROLE_IDS } from '@/lib/policy';
import type { ArmContext } from './context';
import { outermost } from './tree-sql';

/**
 * What the caller may read, in the terms SQL needs (canSee in context.ts says the same
 * for one row): their own rows (directly or through their groups, a handful of ids), and
 * everything at or under a scope where they have PIM management access. Tenant PIM
 * administrators have it everywhere; anyone else has it below the scopes of their own
 * active Owner / User Access Administrator assignments, which the engine confirms one by
 * one (a handful per person, however big the tenant).
 */
export interface Viewer {
  me: string;
  groups: string[];
  /** PIM management access everywhere */
  everywhere: boolean;
  /** outermost scopes of the caller's management access (empty when `everywhere`) */
  roots(): { id: string; path: string }[];
}

const viewers = new WeakMap<ArmContext, Viewer>();

export function viewerOf(ctx: ArmContext): Viewer {
  let v = viewers.get(ctx);
  if (!v) {
    let roots: { id: string; path: string }[] | undefined;
    const everywhere = isTenantPimAdmin(ctx.index(), ctx.user.id);
    v = {
      me: ctx.user.id,
      groups: ctx.myGroups(),
      everywhere,
      roots: () => (roots ??= everywhere ? [] : managementRoots(ctx)),
    };
    viewers.set(ctx, v);
  }
  return v;
}

function managementRoots(ctx: ArmContext): { id: string; path: string }[] {
  const mine = [ctx.user.id, ...ctx.myGroups()];
  const rows = ctx.db.all<{ id: string; path: string }>(sql`
    SELECT DISTINCT a.scope_id AS id, r.path AS path
      FROM assignment_schedules a INDEXED BY arm_assignment_principal
      JOIN resources r ON r.id = a.scope_id
     WHERE a.principal_id IN (${sqlValues(mine)}) AND ${ownType('a', ctx.user.id)}
       AND a.role_id IN (${sqlValues(MANAGEMENT_ROLE_IDS)})
       AND a.start_at <= ${ctx.now} AND (a.end_at IS NULL OR a.end_at > ${ctx.now}) AND (a.revoked_at IS NULL OR a.revoked_at > ${ctx.now})`);
  // the engine has the last word (disabled accounts, and whatever else managementAccess weighs)
  return outermost(rows.filter((r) => r.path && ctx.canManage(r.id)));
}

/** Values for `IN (…)`, bound one by one. */
export const sqlValues = (values: readonly string[]): SQL =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );

/**
 * A row's principal id is the caller's own id only as a user, and a group id only as a
 * group: ids are GUIDs, so this guards against nothing but a malformed row, cheaply.
 */
function ownType(t: string, me: string): SQL {
  return sql`(CASE WHEN ${sql.raw(t)}.principal_id = ${me} THEN ${sql.raw(t)}.principal_type = 'User' ELSE ${sql.raw(t)}.principal_type = 'Group' END)`;
}

/** The row's principal is the caller or one of the caller's groups (asTarget()). */
export function principalIsMine(t: string, v: Viewer): SQL {
  return principalIsUser(t, v.me, v.groups);
}

/** The row's principal is this user or one of the groups given (theirs). */
export function principalIsUser(t: string, userId: string, groups: readonly string[]): SQL {
  return sql`(${sql.raw(t)}.principal_id IN (${sqlValues([userId, ...groups])}) AND ${ownType(t, userId)})`;
}
