import 'server-only';
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { REQUEST_STATUSES, REQUEST_TYPES, groups, requests, resources, roleDefinitions, users, type RequestRow } from '@/db/schema';
import { canDecide, canViewRequest, requestStatus } from '@/lib/policy';
import { requestFact } from '@/lib/tenant/snapshot';
import { cancelOwnRequest } from '@/lib/activation/self';
import { cancelRequestAsAdmin, decisionOf } from '@/lib/approvals';
import { utcStamp } from '@/lib/notify/utc';
import { loadRequestFact } from '@/lib/approvals/settled';
import { isElevateError } from '@/lib/errors';
import type { ArmContext } from './context';
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

/**
 * The engine's canViewRequest on a row of a page: the index holds every pending request with
 * its approvers; a settled one is read without them (no query per row), which only drops the
 * "named approver" path that the SQL of the page already chose rows by.
 */
function canViewRow(ctx: ArmContext, row: RequestRow): boolean {
  const fact = ctx.index().requests.get(row.id) ?? requestFact(row, []);
  return canViewRequest(ctx.index(), ctx.user.id, fact, ctx.now);
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
  if (f.assignedTo !== undefined)
    throw badRequest(
      'InvalidFilter',
      "assignedTo('{userId}') lists schedules and instances; for requests use principalId eq '{id}', asTarget(), asRequestor() or asApprover().",
    );
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
    table: TABLES.requests,
    frame,
    atScope: f.atScope,
    where,
    ...(drives ? { drives } : {}),
    visible: visibility(ctx, frame, f.atScope, own, f.asTarget || f.asRequestor || f.asApprover),
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
        loadRequests(
          ctx,
          served.map((r) => r.id),
        )
          // the engine's word on each row served: SQL already kept only these
          .filter((row) => {
            if (f.asApprover) return canDecideRow(ctx, row);
            return canViewRow(ctx, row);
          })
          .map((row) => requestToArm(ctx, row)),
    ),
    200,
  );
}

/** The page's requests with their scope, principal and role names, in one query. */
function loadRequests(ctx: ArmContext, idsOfPage: string[]): RequestRow[] {
  if (idsOfPage.length === 0) return [];
  const rows = ctx.db
    .select({
      row: requests,
      scope: { armId: resources.armId, name: resources.displayName, kind: resources.kind, path: resources.path },
      userName: users.displayName,
      userEmail: users.email,
      groupName: groups.name,
      roleName: roleDefinitions.name,
    })
    .from(requests)
    .innerJoin(resources, eq(resources.id, requests.scopeId))
    .leftJoin(users, and(eq(requests.principalType, 'User'), eq(users.id, requests.principalId)))
    .leftJoin(groups, and(eq(requests.principalType, 'Group'), eq(groups.id, requests.principalId)))
    .leftJoin(roleDefinitions, eq(roleDefinitions.id, requests.roleId))
    .where(inArray(requests.id, idsOfPage))
    .all();
  rememberNames(ctx, rows);
  return inOrder(
    idsOfPage,
    rows.map((r) => r.row),
  );
}

/** The request named in the URL, at exactly that scope, if the caller may see it (else 404: no probing). */
export function loadRequest(ctx: ArmContext, kind: RequestKind, name: string): RequestRow {
  const row =
    ctx.db
      .select()
      .from(requests)
      .where(and(eq(requests.id, name.toLowerCase()), eq(requests.kind, kind)))
      .get() ??
    ctx.db
      .select()
      .from(requests)
      .where(and(eq(requests.id, name), eq(requests.kind, kind)))
      .get();
  const visible =
    row &&
    row.scopeId === ctx.scope?.key &&
    canViewRequest(ctx.index(), ctx.user.id, loadRequestFact(ctx.db, row), ctx.now, {
      decidedBy: decisionOf(ctx.db, row.id)?.approverId ?? null,
    });
  if (!row || !visible)
    throw notFound(`${LABEL[kind]}NotFound`, `${LABEL[kind]} '${name}' was not found at ${ctx.scope?.armId ?? 'this scope'}.`);
  return row;
}

export function getRequest(ctx: ArmContext, kind: RequestKind, name: string): Response {
  return armJson(requestToArm(ctx, loadRequest(ctx, kind, name)), 200);
}

/** Who did it, by name (users only: requests are canceled by people). */
const userName = (ctx: ArmContext, id: string | null) => (id ? ctx.principalInfo({ type: 'User', id }).displayName : null) ?? 'someone';

/**
 * Why a request that no longer waits for a decision cannot be canceled, each situation
 * with its own code and the facts of this request (null while it is still pending):
 * canceled before, provisioned at once (no approval ever asked), decided by an approver,
 * timed out, or ended otherwise.
 */
export function cancelRefusal(ctx: ArmContext, row: RequestRow): ArmError | null {
  const status = requestStatus(loadRequestFact(ctx.db, row), ctx.now);
  if (status === 'PendingApproval') return null;
  const what = `Request '${row.id}'`;
  if (status === 'Canceled') {
    return new ArmError(
      409,
      'RoleAssignmentRequestAlreadyCanceled',
      `${what} was already canceled by ${userName(ctx, row.canceledBy)} at ${utcStamp(row.canceledAt ?? row.completedAt ?? row.createdAt)}. Nothing changed.`,
    );
  }
  const decision = decisionOf(ctx.db, row.id);
  if (decision) {
    return new ArmError(
      409,
      'ApprovalAlreadyDecided',
      `${what} was already ${decision.decision === 'Approve' ? 'approved' : 'denied'} by ${decision.approverName} ` +
        `at ${utcStamp(decision.decidedAt)}, so it can no longer be canceled.`,
    );
  }
  if (status === 'Provisioned' && !row.approvalRequired) {
    const undo =
      row.requestType === 'SelfActivate'
        ? ' To end the activation it made, send a SelfDeactivate request.'
        : row.requestType.startsWith('Admin') && row.requestType !== 'AdminRemove'
          ? ' To take back what it changed, send an AdminRemove (or AdminUpdate) request.'
          : '';
    return new ArmError(
      409,
      'RoleAssignmentRequestAlreadyProvisioned',
      `${what} needed no approval and was provisioned when it was made (${utcStamp(row.completedAt ?? row.createdAt)}), so there is nothing to cancel.${undo}`,
    );
  }
  if (status === 'TimedOut') {
    return new ArmError(
      409,
      'RoleAssignmentRequestTimedOut',
      `${what} timed out at ${utcStamp(row.approvalDeadline ?? row.completedAt ?? row.createdAt)} without a decision, so there is nothing to cancel.`,
    );
  }
  return new ArmError(409, 'RoleAssignmentRequestNotPending', `${what} is ${status}, not pending, so it can no longer be canceled.`);
}

/** A service said "no longer pending" (a decision landed in between): say which situation it is now. */
function settledMeanwhile(ctx: ArmContext, kind: RequestKind, name: string, e: unknown): unknown {
  if (!isElevateError(e) || e.code !== 'AlreadyDecided') return e;
  return cancelRefusal(ctx, loadRequest(ctx, kind, name)) ?? e;
}

/**
 * POST …/cancel: the requester withdraws their own pending request; an administrator of
 * the scope may cancel someone else's, with a justification in the body. 200 with the
 * canceled request as its body (the SDK accepts 200 only).
 */
export async function cancelRequest(ctx: ArmContext, kind: RequestKind, name: string, req: Request): Promise<Response> {
  const row = loadRequest(ctx, kind, name);
  const own = row.requesterId === ctx.user.id;
  let justification: string | undefined;
  if (!own) {
    const body = await readBody(req, CancelBodySchema);
    justification = ('properties' in body ? body.properties.justification : body.justification)?.trim();
    if (!ctx.canManage(row.scopeId))
      throw new ArmError(403, 'AuthorizationFailed', 'Only the requester, or an administrator of the scope, can cancel this request.');
  }
  const refused = cancelRefusal(ctx, row);
  if (refused) throw refused;
  try {
    if (own) cancelOwnRequest(ctx.db, ctx.user, row.id, ctx.now);
    else {
      if (!justification)
        throw badRequest('JustificationRequired', 'Canceling someone else\'s request needs a justification: send {"justification": "…"}.');
      cancelRequestAsAdmin(ctx.db, ctx.user, { requestId: row.id, justification }, ctx.now);
    }
  } catch (e) {
    throw settledMeanwhile(ctx, kind, name, e);
  }
  const canceled = ctx.db.select().from(requests).where(eq(requests.id, row.id)).get()!;
  return armJson(requestToArm(ctx, canceled), 200);
}
