import 'server-only';
import { and, desc, eq, inArray, like, or, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { requests, type RequestRow } from '@/db/schema';
import { canDecide, requestStatus, type PrincipalRef } from '@/lib/policy';
import { requestFact } from '@/lib/tenant/snapshot';
import { cancelOwnRequest } from '@/lib/activation/self';
import { cancelRequestAsAdmin } from '@/lib/approvals';
import { canSee, isMe, scopeRelation, type ArmContext } from './context';
import { ArmError, badRequest, notFound } from './errors';
import { parseFilter, type ArmFilter } from './filter';
import { armJson, readBody } from './http';
import { requestToArm } from './mappers';
import { page } from './paging';
import { roleIdFrom } from './path';
import { CancelBodySchema } from './requests-body';

export type RequestKind = 'eligibility' | 'assignment';
const FIELDS = ['principalId', 'roleDefinitionId', 'status', 'requestType', 'requestorId'];
const LABEL: Record<RequestKind, string> = { eligibility: 'RoleEligibilityScheduleRequest', assignment: 'RoleAssignmentScheduleRequest' };

/** Ancestors of the URL scope (self included) for SQL narrowing; the in-memory check has the last word. */
function ancestorKeys(ctx: ArmContext): string[] {
  const out: string[] = [];
  const index = ctx.index();
  for (let n = ctx.scope ? index.resources.get(ctx.scope.key) ?? null : null; n; n = n.parent) out.push(n.fact.id);
  return out;
}

/** SQL conditions that only narrow: every row they keep is checked again in memory. */
export function scopeNarrowing(ctx: ArmContext, column: SQLiteColumn, f: ArmFilter): SQL | undefined {
  if (!ctx.scope) return undefined;
  const up = inArray(column, ancestorKeys(ctx));
  if (f.atScope) return up;
  // management groups do not prefix their subscriptions' ids, so below them nothing narrows
  if (ctx.scope.kind === 'managementGroup') return undefined;
  return or(up, like(column, `${ctx.scope.key}/%`));
}

/** Does a row pass the principal/requestor/approver/eq parts of the filter (scope handled separately)? */
export function principalFilterOk(ctx: ArmContext, f: ArmFilter, principal: PrincipalRef, roleId: string): boolean {
  if (f.asTarget && !isMe(ctx, principal)) return false;
  const pid = f.eq.get('principalid');
  if (pid !== undefined && pid.toLowerCase() !== principal.id.toLowerCase()) return false;
  const rid = f.eq.get('roledefinitionid');
  if (rid !== undefined && roleIdFrom(rid) !== roleId) return false;
  return true;
}

export function scopeOk(ctx: ArmContext, f: ArmFilter, scopeId: string): boolean {
  const rel = scopeRelation(ctx, scopeId);
  return rel === 'at' || rel === 'above' || (rel === 'below' && !f.atScope);
}

function canDecideRow(ctx: ArmContext, row: RequestRow): boolean {
  const fact = ctx.index().requests.get(row.id);
  return fact !== undefined && canDecide(ctx.index(), ctx.user.id, fact, ctx.now).allowed;
}

export function listRequests(ctx: ArmContext, kind: RequestKind): Response {
  const f = parseFilter(ctx.url.searchParams.get('$filter'), FIELDS);
  const conds: SQL[] = [eq(requests.kind, kind)];
  const narrow = scopeNarrowing(ctx, requests.scopeId, f);
  if (narrow) conds.push(narrow);
  if (f.asRequestor) conds.push(eq(requests.requesterId, ctx.user.id));
  if (f.asApprover) conds.push(eq(requests.status, 'PendingApproval'));
  const rows = ctx.db.select().from(requests).where(and(...conds)).orderBy(desc(requests.createdAt)).all();
  const status = f.eq.get('status');
  const type = f.eq.get('requesttype');
  const requestor = f.eq.get('requestorid');
  const items = rows.filter((row) => {
    const principal: PrincipalRef = { type: row.principalType, id: row.principalId };
    if (!scopeOk(ctx, f, row.scopeId) || !principalFilterOk(ctx, f, principal, row.roleId)) return false;
    if (f.asApprover && !canDecideRow(ctx, row)) return false;
    if (status !== undefined && requestStatus(requestFact(row, []), ctx.now).toLowerCase() !== status.toLowerCase()) return false;
    if (type !== undefined && row.requestType.toLowerCase() !== type.toLowerCase()) return false;
    if (requestor !== undefined && row.requesterId.toLowerCase() !== requestor.toLowerCase()) return false;
    return canSee(ctx, { principal, scopeId: row.scopeId, requesterId: row.requesterId }) || canDecideRow(ctx, row);
  });
  return armJson(page(items.map((row) => requestToArm(ctx, row)), ctx.url, ctx.origin), 200);
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
