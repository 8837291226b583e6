import 'server-only';
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { REQUEST_STATUSES, REQUEST_TYPES, groups, requests, resources, roleDefinitions, users, type RequestRow } from '@/db/schema';
import { canDecide } from '@/lib/policy';
import { cancelOwnRequest } from '@/lib/activation/self';
import { cancelRequestAsAdmin } from '@/lib/approvals';
import { canSee, type ArmContext } from './context';
import { ArmError, badRequest, notFound } from './errors';
import { parseFilter } from './filter';
import { armJson, readBody } from './http';
import { decidableDrives, namesMe, pendingNow } from './decidable';
import { findPage, inOrder, TABLES, type Drive } from './list-sql';
import { frameOfCall, idEquals, principalTerms, visibility } from './list-terms';
import { requestToArm } from './mappers';
import { keysetPage, pageRequest } from './paging';
import { roleIdFrom } from './path';
import { CancelBodySchema } from './requests-body';
import { rememberNames } from './schedules';
import { isEmptyRegion, managedRegion, regionOn } from './tree-sql';
import { principalIsMine, viewerOf } from './viewer';

export type RequestKind = 'eligibility' | 'assignment';
const FIELDS = ['principalId', 'roleDefinitionId', 'status', 'requestType', 'requestorId'];
const LABEL: Record<RequestKind, string> = { eligibility: 'RoleEligibilityScheduleRequest', assignment: 'RoleAssignmentScheduleRequest' };

function canDecideRow(ctx: ArmContext, row: RequestRow): boolean {
  const fact = ctx.index().requests.get(row.id);
  return fact !== undefined && canDecide(ctx.index(), ctx.user.id, fact, ctx.now).allowed;
}

const canonical = (values: readonly string[], given: string) => values.find((v) => v.toLowerCase() === given.toLowerCase());

/** `status eq` on the status as requestStatus derives it from the row and now; null when nothing can match. */
function statusTerm(given: string, now: number): SQL | null {
  const status = canonical(REQUEST_STATUSES, given);
  if (status === undefined) return null;
  if (status === 'PendingApproval') return pendingNow(now);
  if (status === 'TimedOut') return sql`(+t.status = 'TimedOut' OR (+t.status = 'PendingApproval' AND t.approval_deadline <= ${now}))`;
  return sql`+t.status = ${status}`;
}

export function listRequests(ctx: ArmContext, kind: RequestKind): Response {
  const f = parseFilter(ctx.url.searchParams.get('$filter'), FIELDS);
  if (f.assignedTo !== undefined) throw badRequest('InvalidFilter', "assignedTo('{userId}') lists schedules and instances; for requests use principalId eq '{id}', asTarget(), asRequestor() or asApprover().");
  const req = pageRequest(ctx, ['number', 'string']);
  const v = viewerOf(ctx);
  const frame = frameOfCall(ctx);
  const where: SQL[] = [sql`t.kind = ${kind}`];
  const status = f.eq.get('status');
  const type = f.eq.get('requesttype');
  const rid = f.eq.get('roledefinitionid');
  if (rid !== undefined) where.push(sql`t.role_id = ${roleIdFrom(rid)}`);
  const statusSql = status === undefined ? undefined : statusTerm(status, ctx.now);
  const typeName = type === undefined ? undefined : canonical(REQUEST_TYPES, type);
  if (statusSql === null || (typeName === undefined && type !== undefined)) return armJson({ value: [] }, 200);
  if (statusSql) where.push(statusSql);
  if (typeName) where.push(sql`t.request_type = ${typeName}`);

  // terms that name few rows by themselves: they drive the query
  const narrow: SQL[] = [];
  const byPrincipal = principalTerms(ctx, f);
  if (byPrincipal) narrow.push(byPrincipal);
  if (f.asRequestor) narrow.push(sql`t.requester_id = ${v.me}`);
  const requestor = f.eq.get('requestorid');
  if (requestor !== undefined) narrow.push(idEquals('t.requester_id', requestor));
  let drives: Drive[] | undefined = narrow.length ? [{ where: sql.join(narrow, sql` AND `) }] : undefined;
  if (f.asApprover) {
    // what the caller may decide; the other narrowing terms then only filter
    const managed = v.everywhere ? null : managedRegion(frame, f.atScope, v.roots());
    drives = decidableDrives(v, ctx.now, managed && !isEmptyRegion(managed) ? regionOn('r', managed) : null);
    where.push(...narrow);
  }
  const own = sql`${principalIsMine('t', v)} OR t.requester_id = ${v.me} OR (${namesMe(v)} AND ${pendingNow(ctx.now)})`;
  const found = findPage(ctx, {
    table: TABLES.requests, frame, atScope: f.atScope, where, ...(drives ? { drives } : {}),
    visible: visibility(ctx, frame, f.atScope, own, f.asTarget || f.asRequestor || f.asApprover),
    after: req.after as [number, string] | null, limit: req.top + 1,
  });
  return armJson(keysetPage(ctx, req, found, (r) => [r.createdAt, r.id], (served) => loadRequests(ctx, served.map((r) => r.id))
    // the engine's word on each row served: SQL already kept only these
    .filter((row) => {
      if (f.asApprover) return canDecideRow(ctx, row);
      return canSee(ctx, { principal: { type: row.principalType, id: row.principalId }, scopeId: row.scopeId, requesterId: row.requesterId }) || canDecideRow(ctx, row);
    })
    .map((row) => requestToArm(ctx, row))), 200);
}

/** The page's requests with their scope, principal and role names, in one query. */
function loadRequests(ctx: ArmContext, idsOfPage: string[]): RequestRow[] {
  if (idsOfPage.length === 0) return [];
  const rows = ctx.db.select({
    row: requests,
    scope: { armId: resources.armId, name: resources.displayName, kind: resources.kind, path: resources.path },
    userName: users.displayName, userEmail: users.email, groupName: groups.name, roleName: roleDefinitions.name,
  }).from(requests)
    .innerJoin(resources, eq(resources.id, requests.scopeId))
    .leftJoin(users, and(eq(requests.principalType, 'User'), eq(users.id, requests.principalId)))
    .leftJoin(groups, and(eq(requests.principalType, 'Group'), eq(groups.id, requests.principalId)))
    .leftJoin(roleDefinitions, eq(roleDefinitions.id, requests.roleId))
    .where(inArray(requests.id, idsOfPage)).all();
  rememberNames(ctx, rows);
  return inOrder(idsOfPage, rows.map((r) => r.row));
}

/** The request named in the URL, at exactly that scope, if the caller may see it (else 404: no probing). */
export function loadRequest(ctx: ArmContext, kind: RequestKind, name: string): RequestRow {
  const row = ctx.db.select().from(requests).where(and(eq(requests.id, name.toLowerCase()), eq(requests.kind, kind))).get()
    ?? ctx.db.select().from(requests).where(and(eq(requests.id, name), eq(requests.kind, kind))).get();
  const visible = row && row.scopeId === ctx.scope?.key
    && (canSee(ctx, { principal: { type: row.principalType, id: row.principalId }, scopeId: row.scopeId, requesterId: row.requesterId }) || canDecideRow(ctx, row));
  if (!row || !visible) throw notFound(`${LABEL[kind]}NotFound`, `${LABEL[kind]} '${name}' was not found at ${ctx.scope?.armId ?? 'this scope'}.`);
  return row;
}

export function getRequest(ctx: ArmContext, kind: RequestKind, name: string): Response {
  return armJson(requestToArm(ctx, loadRequest(ctx, kind, name)), 200);
}

/**
 * POST …/cancel: the requester withdraws their own pending request; an administrator of
 * the scope may cancel someone else's, with a justification in the body.
 */
export async function cancelRequest(ctx: ArmContext, kind: RequestKind, name: string, req: Request): Promise<Response> {
  const row = loadRequest(ctx, kind, name);
  if (row.requesterId === ctx.user.id) {
    cancelOwnRequest(ctx.db, ctx.user, row.id, ctx.now);
    return armJson(undefined, 200);
  }
  const body = await readBody(req, CancelBodySchema);
  const justification = ('properties' in body ? body.properties.justification : body.justification)?.trim();
  if (!ctx.canManage(row.scopeId)) throw new ArmError(403, 'AuthorizationFailed', 'Only the requester, or an administrator of the scope, can cancel this request.');
  if (!justification) throw badRequest('JustificationRequired', 'Canceling someone else\'s request needs a justification: send {"justification": "…"}.');
  cancelRequestAsAdmin(ctx.db, ctx.user, { requestId: row.id, justification }, ctx.now);
  return armJson(undefined, 200);
}
