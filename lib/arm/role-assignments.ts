import 'server-only';
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { assignmentSchedules, groups, requests, resources, roleDefinitions, users, type AssignmentSchedule } from '@/db/schema';
import { inWindow } from '@/lib/policy';
import { assignmentFact } from '@/db/mappers';
import { canSee, isMe, type ArmContext } from './context';
import { ArmError, badRequest, notFound } from './errors';
import { parseFilter } from './filter';
import { armJson } from './http';
import { envelope, PROVIDER, resourceId, roleDefinitionArmId } from './ids';
import { findPage, inOrder, TABLES } from './list-sql';
import { frameOfCall, principalTerms, visibility } from './list-terms';
import { keysetPage, pageRequest } from './paging';
import { roleIdFrom } from './path';
import { rememberNames } from './schedules';
import { principalIsMine, viewerOf } from './viewer';

/**
 * Classic role assignments (`Microsoft.Authorization/roleAssignments`, 2022-04-01): the
 * access in force now, as Azure shows it, so scripts that check "did my access take
 * effect?" with `roleAssignments.listForScope` work. Elevate has no separate object for
 * them: each is an active assignment schedule (an admin's direct assignment, or a live
 * activation) inside its window, named by the schedule's id. Lists read exactly what
 * roleAssignmentScheduleInstances read (same SQL plans, same visibility), in the classic
 * shape. Nothing is created or deleted here: every change goes through a governed
 * request (roleAssignmentScheduleRequests / roleEligibilityScheduleRequests).
 */

const FIELDS = ['principalId', 'roleDefinitionId'];
const PIM_API = '2020-10-01';

/** In force at `now`: started, not ended, not revoked (inWindow in SQL). */
export function inForce(now: number): SQL {
  return sql`t.start_at <= ${now} AND (t.end_at IS NULL OR t.end_at > ${now}) AND (t.revoked_at IS NULL OR t.revoked_at > ${now})`;
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** An active assignment schedule in the shape of a classic role assignment at its own scope. */
export function roleAssignmentToArm(ctx: ArmContext, row: AssignmentSchedule, updatedBy: string | null) {
  const scopeArm = ctx.armIdOf(row.scopeId);
  return envelope(scopeArm, 'roleAssignments', row.id, {
    roleDefinitionId: roleDefinitionArmId(scopeArm, row.roleId),
    principalId: row.principalId,
    principalType: row.principalType,
    scope: scopeArm,
    condition: null,
    conditionVersion: null,
    createdOn: iso(row.createdAt),
    updatedOn: iso(row.updatedAt),
    createdBy: row.createdBy,
    updatedBy: updatedBy ?? row.createdBy,
    delegatedManagedIdentityResourceId: null,
    description: null,
  });
}

/**
 * GET list: `atScope()` (at or above the scope), `assignedTo('{userId}')` (that user's,
 * directly or through their groups), `principalId eq '…'` (at, above or below), as in
 * Azure; with no filter, at, above and below the scope. Filters, visibility and keyset
 * paging run in SQL (list-sql.ts), never over the tenant.
 */
export function listRoleAssignments(ctx: ArmContext): Response {
  const f = parseFilter(ctx.url.searchParams.get('$filter'), FIELDS);
  if (f.asRequestor || f.asApprover) {
    throw badRequest(
      'InvalidFilter',
      "Role assignments take atScope(), assignedTo('{objectId}'), principalId eq '{objectId}' (and roleDefinitionId eq '…'); " +
        'asRequestor() and asApprover() are for requests.',
    );
  }
  const req = pageRequest(ctx, ['number', 'string']);
  const where: SQL[] = [inForce(ctx.now)];
  const rid = f.eq.get('roledefinitionid');
  if (rid !== undefined) where.push(sql`t.role_id = ${roleIdFrom(rid)}`);
  const frame = frameOfCall(ctx);
  const narrow = principalTerms(ctx, f);
  const found = findPage(ctx, {
    table: TABLES.assignment,
    frame,
    atScope: f.atScope,
    where,
    ...(narrow ? { drives: [{ where: narrow }] } : {}),
    visible: visibility(ctx, frame, f.atScope, principalIsMine('t', viewerOf(ctx)), f.asTarget),
    after: req.after as [number, string] | null,
    limit: req.top + 1,
  });
  return armJson(
    keysetPage(
      ctx,
      req,
      found,
      (r) => [r.createdAt, r.id],
      (served) =>
        loadRoleAssignments(
          ctx,
          served.map((r) => r.id),
        )
          // the engine's word on each row served (own rows need none): SQL already kept only these
          .filter(({ row }) => isMe(ctx, { type: row.principalType, id: row.principalId }) || ctx.canManage(row.scopeId))
          .map(({ row, updatedBy }) => roleAssignmentToArm(ctx, row, updatedBy)),
    ),
    200,
  );
}

/** The page's rows with their names and who last changed them (the requester of their latest request), in one query. */
function loadRoleAssignments(ctx: ArmContext, ids: string[]): { row: AssignmentSchedule; updatedBy: string | null }[] {
  if (ids.length === 0) return [];
  const t = assignmentSchedules;
  const rows = ctx.db
    .select({
      row: t,
      scope: { armId: resources.armId, name: resources.displayName, kind: resources.kind, path: resources.path },
      userName: users.displayName,
      userEmail: users.email,
      groupName: groups.name,
      roleName: roleDefinitions.name,
      updatedBy: requests.requesterId,
    })
    .from(t)
    .innerJoin(resources, eq(resources.id, t.scopeId))
    .leftJoin(users, and(eq(t.principalType, 'User'), eq(users.id, t.principalId)))
    .leftJoin(groups, and(eq(t.principalType, 'Group'), eq(groups.id, t.principalId)))
    .leftJoin(roleDefinitions, eq(roleDefinitions.id, t.roleId))
    .leftJoin(requests, eq(requests.id, t.requestId))
    .where(inArray(t.id, ids))
    .all();
  rememberNames(ctx, rows);
  const byId = new Map(rows.map((r) => [r.row.id, r.updatedBy]));
  return inOrder(
    ids,
    rows.map((r) => r.row),
  ).map((row) => ({ row, updatedBy: byId.get(row.id) ?? null }));
}

const NOT_FOUND = (ctx: ArmContext, name: string) =>
  notFound(
    'RoleAssignmentNotFound',
    `The role assignment '${name}' is not found at ${ctx.scope?.armId ?? 'this scope'} (role assignments list the access in force now).`,
  );

/** GET by name at its scope (and so by id: `{scope}/providers/Microsoft.Authorization/roleAssignments/{name}`). */
export function getRoleAssignment(ctx: ArmContext, name: string): Response {
  const row = ctx.db.select().from(assignmentSchedules).where(eq(assignmentSchedules.id, name.toLowerCase())).get();
  const ok =
    row &&
    row.scopeId === ctx.scope?.key &&
    inWindow(assignmentFact(row), ctx.now) &&
    canSee(ctx, { principal: { type: row.principalType, id: row.principalId }, scopeId: row.scopeId });
  if (!row || !ok) throw NOT_FOUND(ctx, name);
  const updatedBy = row.requestId
    ? (ctx.db.select({ by: requests.requesterId }).from(requests).where(eq(requests.id, row.requestId)).get()?.by ?? null)
    : null;
  return armJson(roleAssignmentToArm(ctx, row, updatedBy), 200);
}

/**
 * PUT and DELETE are refused: in Elevate every grant and every removal is a governed
 * request, judged by the scope's settings and audited. The error says which request to send.
 */
export function refuseRoleAssignmentChange(ctx: ArmContext): never {
  const scope = ctx.scope!.armId;
  const requestsUrl = resourceId(scope, 'roleAssignmentScheduleRequests', '{new GUID}');
  const creating = ctx.method === 'PUT';
  const message = creating
    ? 'Elevate grants access only through governed requests, so role assignments cannot be created here. ' +
      `PUT ${requestsUrl}?api-version=${PIM_API} with requestType AdminAssign (an active assignment, by an administrator of the scope) ` +
      'or SelfActivate (activating your eligible assignment); for an eligible assignment use roleEligibilityScheduleRequests. ' +
      'The settings of the scope and role apply to either.'
    : 'Elevate removes access only through governed requests, so role assignments cannot be deleted here. ' +
      `PUT ${requestsUrl}?api-version=${PIM_API} with requestType SelfDeactivate (ending your own activation) ` +
      'or AdminRemove (an administrator of the scope removing an assignment).';
  throw new ArmError(400, 'RoleAssignmentRequestRequired', message, [
    {
      code: 'UseRoleAssignmentScheduleRequests',
      message: creating ? 'requestType AdminAssign or SelfActivate' : 'requestType AdminRemove or SelfDeactivate',
      target: `${scope}/providers/${PROVIDER}/roleAssignmentScheduleRequests`,
    },
  ]);
}
