import 'server-only';
import { eq } from 'drizzle-orm';
import { roleDefinitions, type RoleDefinition } from '@/db/schema';
import { activationOptions, effectiveAccess, isAncestorOrSelf } from '@/lib/policy';
import { ARM_SCOPE_TYPE, type ArmContext } from './context';
import { badRequest, notFound } from './errors';
import { parseFilter } from './filter';
import { armJson } from './http';
import { resourceType, roleDefinitionArmId } from './ids';
import { page } from './paging';
import { isGuid } from './path';

/** roleDefinitions (2022-04-01), eligibleChildResources and permissions: read-only views from the engine and the role table. */

function roleToArm(scopeArm: string, r: RoleDefinition) {
  const id = roleDefinitionArmId(scopeArm, r.id);
  return {
    id, name: r.id, type: resourceType('roleDefinitions'),
    properties: {
      roleName: r.name, type: r.roleType, description: r.description, roleType: r.roleType,
      permissions: JSON.parse(r.permissions), assignableScopes: JSON.parse(r.assignableScopes),
      createdOn: new Date(r.createdAt).toISOString(), updatedOn: new Date(r.createdAt).toISOString(), createdBy: null, updatedBy: null,
    },
  };
}

export function listRoleDefinitions(ctx: ArmContext): Response {
  const f = parseFilter(ctx.url.searchParams.get('$filter'), ['roleName', 'type']);
  const name = f.eq.get('rolename')?.toLowerCase();
  const type = f.eq.get('type')?.toLowerCase();
  const rows = ctx.db.select().from(roleDefinitions).all()
    .filter((r) => (name === undefined || r.name.toLowerCase() === name) && (type === undefined || r.roleType.toLowerCase() === type))
    .sort((a, b) => a.name.localeCompare(b.name));
  return armJson(page(rows.map((r) => roleToArm(ctx.scope?.armId ?? '', r)), ctx.url, ctx.origin));
}

export function getRoleDefinition(ctx: ArmContext, name: string): Response {
  if (!isGuid(name)) throw badRequest('InvalidRoleDefinitionId', `"${name}" is not a role definition id (a GUID).`);
  const row = ctx.db.select().from(roleDefinitions).where(eq(roleDefinitions.id, name.toLowerCase())).get();
  if (!row) throw notFound('RoleDefinitionDoesNotExist', `The role definition '${name}' does not exist.`);
  return armJson(roleToArm(ctx.scope?.armId ?? '', row));
}

/** The managed resources below the scope where the caller could activate something (the activation scope picker). */
export function listEligibleChildResources(ctx: ArmContext): Response {
  const f = parseFilter(ctx.url.searchParams.get('$filter'), ['resourceType']);
  const wanted = f.eq.get('resourcetype')?.toLowerCase();
  const index = ctx.index();
  const key = ctx.scope!.key;
  const seen = new Map<string, { kind: string; name: string }>();
  for (const option of activationOptions(index, ctx.user.id, ctx.now, { scopeLimit: 5000 })) {
    for (const s of option.scopes) {
      if (s.scopeId === key || seen.has(s.scopeId) || !isAncestorOrSelf(index, key, s.scopeId)) continue;
      seen.set(s.scopeId, { kind: s.scope.kind, name: s.scope.name });
    }
  }
  const items = [...seen]
    .map(([id, v]) => ({ id: ctx.armIdOf(id), name: v.name, type: ARM_SCOPE_TYPE[v.kind] }))
    .filter((r) => wanted === undefined || r.type === wanted)
    .sort((a, b) => a.id.localeCompare(b.id));
  return armJson(page(items, ctx.url, ctx.origin));
}

/** What the caller holds at the scope now: the permissions of every active role reaching it. */
export function listPermissions(ctx: ArmContext): Response {
  const access = effectiveAccess(ctx.index(), { type: 'User', id: ctx.user.id }, ctx.scope!.key, ctx.now);
  const roleIds = [...new Set(access.active.map((a) => a.roleId))];
  const value = roleIds.flatMap((id) => {
    const row = ctx.db.select({ permissions: roleDefinitions.permissions }).from(roleDefinitions).where(eq(roleDefinitions.id, id)).get();
    return row ? (JSON.parse(row.permissions) as unknown[]) : [];
  });
  return armJson(page(value, ctx.url, ctx.origin));
}
