import 'server-only';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { roleDefinitions, roleSettings, users } from '@/db/schema';
import { settingsFor } from '@/lib/policy';
import { getRoleSettings, saveRoleSettings } from '@/lib/settings';
import { ARM_SCOPE_TYPE, type ArmContext } from './context';
import { ArmError, notFound } from './errors';
import { parseFilter } from './filter';
import { armJson, readBody } from './http';
import { envelope, resourceId, roleDefinitionArmId } from './ids';
import { keysetPage, pageRequest } from './paging';
import { roleIdFrom } from './path';
import { applyRules, policyName, settingsToRules } from './policy-rules';
import { frameOfCall } from './list-terms';
import { regionOn } from './tree-sql';
import { principalIsMine, viewerOf } from './viewer';

/**
 * roleManagementPolicies and roleManagementPolicyAssignments: one policy per (scope, role),
 * explicit or the defaults (never inherited, so effectiveRules equal rules).
 */

/**
 * Reading a scope's policies takes being able to see that scope, decided as the schedules
 * lists decide what a caller sees (ADR 062): PIM management access there (the engine's
 * canManage, tenant PIM administrators everywhere), or an assignment of the caller's own,
 * directly or through a group, eligible or active, current or still to come, at the scope
 * or above it: exactly the own rows that roleEligibilitySchedules / roleAssignmentSchedules
 * with atScope() show there, i.e. the assignments these settings govern when they are used
 * at this scope. Anyone else gets a 403, as Azure answers a caller without read access.
 */
export function canReadPolicies(ctx: ArmContext): boolean {
  const scope = ctx.scope!;
  if (ctx.canManage(scope.key)) return true;
  const v = viewerOf(ctx);
  const frame = frameOfCall(ctx);
  const atOrAbove = sql`(r.id = ${scope.key} OR ${regionOn('r', { rowids: frame.ancestors.map((a) => a.rowid), ranges: [] })})`;
  const live = sql`(t.revoked_at IS NULL OR t.revoked_at > ${ctx.now}) AND (t.start_at > ${ctx.now} OR t.end_at IS NULL OR t.end_at > ${ctx.now})`;
  const mine = principalIsMine('t', v);
  const hit = ctx.db.get<{ one: number }>(sql`SELECT 1 AS one FROM (
      SELECT t.scope_id FROM eligibility_schedules t INDEXED BY arm_eligibility_principal WHERE ${mine} AND ${live}
      UNION ALL
      SELECT t.scope_id FROM assignment_schedules t INDEXED BY arm_assignment_principal WHERE ${mine} AND ${live}
    ) x JOIN resources r ON r.id = x.scope_id WHERE ${atOrAbove} LIMIT 1`);
  return hit !== undefined;
}

function requireReadable(ctx: ArmContext, collection: 'roleManagementPolicies' | 'roleManagementPolicyAssignments'): void {
  if (canReadPolicies(ctx)) return;
  throw new ArmError(
    403,
    'AuthorizationFailed',
    `The client '${ctx.user.email}' with object id '${ctx.user.id}' does not have authorization to perform action ` +
      `'Microsoft.Authorization/${collection}/read' over scope '${ctx.scope!.armId}'. ` +
      "A scope's policies are readable by those with PIM management access there " +
      'and by those holding an eligible or active assignment at or above it.',
  );
}

function rolesAtScope(ctx: ArmContext): { id: string; name: string }[] {
  return ctx.db
    .select({ id: roleDefinitions.id, name: roleDefinitions.name })
    .from(roleDefinitions)
    .all()
    .sort((a, b) => a.name.localeCompare(b.name));
}

function scopeRef(ctx: ArmContext) {
  return { id: ctx.scope!.armId, displayName: ctx.scope!.name, type: ARM_SCOPE_TYPE[ctx.scope!.kind] };
}

type LastModified = {
  lastModifiedBy: { id: string; displayName: string; type: 'User'; email: string } | null;
  lastModifiedDateTime: string | null;
};

/** Who last changed the settings of each role at the scope (one query for a page of roles). */
function lastModified(ctx: ArmContext, roleIds: string[]): Map<string, LastModified> {
  const out = new Map<string, LastModified>();
  if (roleIds.length === 0) return out;
  const rows = ctx.db
    .select({ roleId: roleSettings.roleId, at: roleSettings.updatedAt, byId: users.id, byName: users.displayName, byEmail: users.email })
    .from(roleSettings)
    .leftJoin(users, eq(users.id, roleSettings.updatedBy))
    .where(and(eq(roleSettings.scopeId, ctx.scope!.key), inArray(roleSettings.roleId, roleIds)))
    .all();
  for (const r of rows) {
    out.set(r.roleId, {
      lastModifiedBy: r.byId ? { id: r.byId, displayName: r.byName!, type: 'User', email: r.byEmail! } : null,
      lastModifiedDateTime: new Date(r.at).toISOString(),
    });
  }
  return out;
}

const NEVER: LastModified = { lastModifiedBy: null, lastModifiedDateTime: null };

function rulesFor(ctx: ArmContext, roleId: string) {
  const index = ctx.index();
  const g = settingsFor(index, ctx.scope!.key, roleId);
  const nameOf = (p: { type: 'User' | 'Group'; id: string }) =>
    (p.type === 'User' ? index.users.get(p.id)?.displayName : index.groups.get(p.id)?.name) ?? p.id;
  return { rules: settingsToRules(g.settings, nameOf), explicit: g.explicit };
}

function policyToArm(ctx: ArmContext, role: { id: string; name: string }, modified = lastModified(ctx, [role.id])) {
  const { rules, explicit } = rulesFor(ctx, role.id);
  return envelope(ctx.scope!.armId, 'roleManagementPolicies', policyName(ctx.scope!.key, role.id), {
    scope: ctx.scope!.armId,
    displayName: role.name,
    description: explicit
      ? `Settings of ${role.name} on ${ctx.scope!.name}`
      : `Default settings of ${role.name} (nothing set on ${ctx.scope!.name})`,
    isOrganizationDefault: !explicit,
    ...(modified.get(role.id) ?? NEVER),
    rules,
    effectiveRules: rules,
    policyProperties: { scope: scopeRef(ctx) },
  });
}

function assignmentToArm(ctx: ArmContext, role: { id: string; name: string }, modified = lastModified(ctx, [role.id])) {
  const pname = policyName(ctx.scope!.key, role.id);
  const roleDefinitionId = roleDefinitionArmId(ctx.scope!.armId, role.id);
  const policyId = resourceId(ctx.scope!.armId, 'roleManagementPolicies', pname);
  const { rules } = rulesFor(ctx, role.id);
  return envelope(ctx.scope!.armId, 'roleManagementPolicyAssignments', `${pname}_${role.id}`, {
    scope: ctx.scope!.armId,
    roleDefinitionId,
    policyId,
    effectiveRules: rules,
    policyAssignmentProperties: {
      scope: scopeRef(ctx),
      roleDefinition: { id: roleDefinitionId, displayName: role.name, type: 'BuiltInRole' },
      policy: { id: policyId, ...(modified.get(role.id) ?? NEVER) },
    },
  });
}

/**
 * One policy per role at the scope, in role-name order: a page of roles from SQL after
 * the cursor (name, id), with their settings from the engine and who last changed them.
 */
function listRolesAt(
  ctx: ArmContext,
  toArm: (role: { id: string; name: string }, modified: Map<string, LastModified>) => unknown,
): Response {
  const f = parseFilter(ctx.url.searchParams.get('$filter'), ['roleDefinitionId']);
  const rid = f.eq.get('roledefinitionid');
  const req = pageRequest(ctx, ['string', 'string']);
  const conds = [
    ...(rid === undefined ? [] : [eq(roleDefinitions.id, roleIdFrom(rid))]),
    ...(req.after ? [sql`(${roleDefinitions.name}, ${roleDefinitions.id}) > (${req.after[0]}, ${req.after[1]})`] : []),
  ];
  const roles = ctx.db
    .select({ id: roleDefinitions.id, name: roleDefinitions.name })
    .from(roleDefinitions)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(asc(roleDefinitions.name), asc(roleDefinitions.id))
    .limit(req.top + 1)
    .all();
  return armJson(
    keysetPage(
      ctx,
      req,
      roles,
      (r) => [r.name, r.id],
      (served) => {
        const modified = lastModified(
          ctx,
          served.map((r) => r.id),
        );
        return served.map((r) => toArm(r, modified));
      },
    ),
  );
}

export function listPolicies(ctx: ArmContext): Response {
  requireReadable(ctx, 'roleManagementPolicies');
  return listRolesAt(ctx, (r, m) => policyToArm(ctx, r, m));
}

export function listPolicyAssignments(ctx: ArmContext): Response {
  requireReadable(ctx, 'roleManagementPolicyAssignments');
  return listRolesAt(ctx, (r, m) => assignmentToArm(ctx, r, m));
}

function roleByPolicyName(ctx: ArmContext, name: string) {
  const role = rolesAtScope(ctx).find((r) => policyName(ctx.scope!.key, r.id) === name.toLowerCase());
  if (!role) throw notFound('RoleManagementPolicyNotFound', `Role management policy '${name}' was not found at ${ctx.scope!.armId}.`);
  return role;
}

export function getPolicy(ctx: ArmContext, name: string): Response {
  requireReadable(ctx, 'roleManagementPolicies');
  return armJson(policyToArm(ctx, roleByPolicyName(ctx, name)));
}

export function getPolicyAssignment(ctx: ArmContext, name: string): Response {
  requireReadable(ctx, 'roleManagementPolicyAssignments');
  const [pname, roleId] = name.split('_');
  const role = roleByPolicyName(ctx, pname ?? '');
  if (!roleId || roleId.toLowerCase() !== role.id)
    throw notFound(
      'RoleManagementPolicyAssignmentNotFound',
      `Role management policy assignment '${name}' was not found at ${ctx.scope!.armId}.`,
    );
  return armJson(assignmentToArm(ctx, role));
}

const RuleSchema = z.object({ id: z.string().min(1, 'every rule needs an id'), ruleType: z.string().optional() }).passthrough();
const PatchSchema = z.object({
  properties: z.object({ rules: z.array(RuleSchema).max(50, 'at most 50 rules') }).passthrough(),
});

/** PATCH: the given rules change the (scope, role) settings through the settings service (management access checked there). */
export async function patchPolicy(ctx: ArmContext, name: string, req: Request): Promise<Response> {
  const role = roleByPolicyName(ctx, name);
  const body = await readBody(req, PatchSchema);
  const current = getRoleSettings(ctx.db, ctx.scope!.key, role.id).settings;
  const next = applyRules(current, body.properties.rules as Record<string, unknown>[]);
  saveRoleSettings(ctx.db, ctx.user, { scopeId: ctx.scope!.key, roleId: role.id, settings: next }, ctx.now);
  return armJson(policyToArm(ctx, role));
}
