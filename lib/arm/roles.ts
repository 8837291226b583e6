import 'server-only';
import { and, asc, eq, sql } from 'drizzle-orm';
import { roleDefinitions, type RoleDefinition } from '@/db/schema';
import { pathUpperBound } from '@/db/tree';
import { effectiveAccess, isManaged } from '@/lib/policy';
import { ARM_SCOPE_TYPE, type ArmContext } from './context';
import { badRequest, notFound } from './errors';
import { parseFilter } from './filter';
import { armJson } from './http';
import { resourceType, roleDefinitionArmId } from './ids';
import { keysetPage, pageInMemory, pageRequest } from './paging';
import { isGuid } from './path';
import { outermost, rangeOn } from './tree-sql';
import { principalIsMine, sqlValues, viewerOf } from './viewer';

/** roleDefinitions (2022-04-01), eligibleChildResources and permissions: read-only views from the engine and the role table. */

function roleToArm(scopeArm: string, r: RoleDefinition) {
  const id = roleDefinitionArmId(scopeArm, r.id);
  return {
    id,
    name: r.id,
    type: resourceType('roleDefinitions'),
    properties: {
      roleName: r.name,
      type: r.roleType,
      description: r.description,
      roleType: r.roleType,
      permissions: JSON.parse(r.permissions),
      assignableScopes: JSON.parse(r.assignableScopes),
      createdOn: new Date(r.createdAt).toISOString(),
      updatedOn: new Date(r.createdAt).toISOString(),
      createdBy: null,
      updatedBy: null,
    },
  };
}

/** Role definitions in name order, a page after the cursor (name, id); `roleName eq` and `type eq` compare case-insensitively. */
export function listRoleDefinitions(ctx: ArmContext): Response {
  const f = parseFilter(ctx.url.searchParams.get('$filter'), ['roleName', 'type']);
  const req = pageRequest(ctx, ['string', 'string']);
  const name = f.eq.get('rolename');
  const type = f.eq.get('type');
  const conds = [
    ...(name === undefined ? [] : [sql`lower(${roleDefinitions.name}) = lower(${name})`]),
    ...(type === undefined ? [] : [sql`lower(${roleDefinitions.roleType}) = lower(${type})`]),
    ...(req.after ? [sql`(${roleDefinitions.name}, ${roleDefinitions.id}) > (${req.after[0]}, ${req.after[1]})`] : []),
  ];
  const rows = ctx.db
    .select()
    .from(roleDefinitions)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(asc(roleDefinitions.name), asc(roleDefinitions.id))
    .limit(req.top + 1)
    .all();
  return armJson(
    keysetPage(
      ctx,
      req,
      rows,
      (r) => [r.name, r.id],
      (served) => served.map((r) => roleToArm(ctx.scope?.armId ?? '', r)),
    ),
  );
}

export function getRoleDefinition(ctx: ArmContext, name: string): Response {
  if (!isGuid(name)) throw badRequest('InvalidRoleDefinitionId', `"${name}" is not a role definition id (a GUID).`);
  const row = ctx.db.select().from(roleDefinitions).where(eq(roleDefinitions.id, name.toLowerCase())).get();
  if (!row) throw notFound('RoleDefinitionDoesNotExist', `The role definition '${name}' does not exist.`);
  return armJson(roleToArm(ctx.scope?.armId ?? '', row));
}

/**
 * The managed resources below the scope where the caller could activate something (the
 * activation scope picker): everything under the scopes of their live eligibilities (an
 * eligibility reaches every managed scope below it), strictly below the URL scope, in tree
 * order. A page walks the path index from the cursor, range by range: it reads its own
 * rows, however many resources the eligibilities reach.
 */
export function listEligibleChildResources(ctx: ArmContext): Response {
  const f = parseFilter(ctx.url.searchParams.get('$filter'), ['resourceType']);
  const req = pageRequest(ctx, ['string']);
  const wanted = f.eq.get('resourcetype')?.toLowerCase();
  const kinds = Object.entries(ARM_SCOPE_TYPE)
    .filter(([, t]) => wanted === undefined || t === wanted)
    .map(([k]) => k);
  if (kinds.length === 0) return armJson({ value: [] });
  const v = viewerOf(ctx);
  const reach = ctx.db.all<{ path: string }>(sql`SELECT DISTINCT r.path AS path
      FROM eligibility_schedules t INDEXED BY arm_eligibility_principal JOIN resources r ON r.id = t.scope_id
     WHERE ${principalIsMine('t', v)}
       AND (t.revoked_at IS NULL OR t.revoked_at > ${ctx.now}) AND (t.start_at > ${ctx.now} OR t.end_at IS NULL OR t.end_at > ${ctx.now})`);
  const below = ctx.scope!.path;
  const ranges = outermost(reach.filter((e) => e.path)).flatMap((e) => {
    if (below.startsWith(e.path)) return [{ lo: below, hi: pathUpperBound(below), self: false }];
    if (e.path.startsWith(below)) return [{ lo: e.path, hi: pathUpperBound(e.path), self: true }];
    return [];
  });
  const after = req.after?.[0] as string | undefined;
  const rows: { id: string; armId: string; name: string; kind: string; path: string }[] = [];
  for (const g of ranges) {
    if (rows.length > req.top || (after !== undefined && after >= g.hi)) continue;
    const from = after !== undefined && after >= g.lo ? sql`r.path > ${after}` : rangeOn('r', g);
    rows.push(
      ...ctx.db.all<(typeof rows)[number]>(sql`SELECT r.id, r.arm_id AS armId, r.display_name AS name, r.kind, r.path
        FROM resources r INDEXED BY arm_resources_path_id
       WHERE ${from} AND r.path < ${g.hi} AND r.kind IN (${sqlValues(kinds)})
       ORDER BY r.path LIMIT ${req.top + 1 - rows.length}`),
    );
  }
  const index = ctx.index();
  return armJson(
    keysetPage(
      ctx,
      req,
      rows,
      (r) => [r.path],
      (served) => served.filter((r) => isManaged(index, r.id)).map((r) => ({ id: r.armId, name: r.name, type: ARM_SCOPE_TYPE[r.kind] })),
    ),
  );
}

/** What the caller holds at the scope now: the permissions of every active role reaching it. */
export function listPermissions(ctx: ArmContext): Response {
  const access = effectiveAccess(ctx.index(), { type: 'User', id: ctx.user.id }, ctx.scope!.key, ctx.now);
  const roleIds = [...new Set(access.active.map((a) => a.roleId))];
  const value = roleIds.flatMap((id) => {
    const row = ctx.db.select({ permissions: roleDefinitions.permissions }).from(roleDefinitions).where(eq(roleDefinitions.id, id)).get();
    return row ? (JSON.parse(row.permissions) as unknown[]) : [];
  });
  return armJson(pageInMemory(ctx, value));
}
