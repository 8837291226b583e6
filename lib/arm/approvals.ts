import 'server-only';
import { and, desc, eq, inArray, or } from 'drizzle-orm';
import { z } from 'zod';
import { approvalDecisions, requestApprovers, requests, users, type RequestRow } from '@/db/schema';
import { canDecide, requestStatus } from '@/lib/policy';
import { decide, decisionOf } from '@/lib/approvals';
import { loadRequestFact } from '@/lib/approvals/settled';
import type { ArmContext } from './context';
import { badRequest, notFound } from './errors';
import { parseFilter } from './filter';
import { armJson, readBody } from './http';
import { approvalArmId, stageArmId } from './ids';
import { page } from './paging';

/**
 * roleAssignmentApprovals (2021-01-01-preview). Elevate approves in one stage, so an
 * approval has exactly one stage, and approval id = stage id = request id.
 */

function assignedToMe(ctx: ArmContext, row: RequestRow): boolean {
  return canDecide(ctx.index(), ctx.user.id, loadRequestFact(ctx.db, row), ctx.now).allowed;
}

/** Approvers (named or able to decide), the deciding approver, the requester and the scope's administrators may read an approval. */
function canRead(ctx: ArmContext, row: RequestRow): boolean {
  if (row.requesterId === ctx.user.id || assignedToMe(ctx, row) || ctx.canManage(row.scopeId)) return true;
  const listed = ctx.db.select({ id: requestApprovers.principalId }).from(requestApprovers)
    .where(and(eq(requestApprovers.requestId, row.id), eq(requestApprovers.principalId, ctx.user.id))).get();
  if (listed) return true;
  return decisionOf(ctx.db, row.id)?.approverId === ctx.user.id;
}

const STAGE_STATUS = { PendingApproval: 'InProgress', TimedOut: 'Expired' } as Record<string, string>;

function stageToArm(ctx: ArmContext, row: RequestRow) {
  const status = requestStatus(loadRequestFact(ctx.db, row), ctx.now);
  const d = decisionOf(ctx.db, row.id);
  const reviewer = d ? ctx.db.select({ id: users.id, name: users.displayName, email: users.email }).from(users).where(eq(users.id, d.approverId)).get() : undefined;
  return {
    id: stageArmId(row.id), name: row.id, type: 'Microsoft.Authorization/roleAssignmentApprovals/stages',
    properties: {
      displayName: 'Approval',
      status: STAGE_STATUS[status] ?? 'Completed',
      reviewResult: d ? d.decision : 'NotReviewed',
      assignedToMe: status === 'PendingApproval' && assignedToMe(ctx, row),
      reviewedDateTime: d ? new Date(d.decidedAt).toISOString() : null,
      justification: d?.justification ?? null,
      reviewedBy: reviewer ? { id: reviewer.id, displayName: reviewer.name, principalName: reviewer.email, userPrincipalName: reviewer.email, principalType: 'user' } : null,
    },
  };
}

function approvalToArm(ctx: ArmContext, row: RequestRow) {
  return { id: approvalArmId(row.id), name: row.id, type: 'Microsoft.Authorization/roleAssignmentApprovals', properties: { stages: [stageToArm(ctx, row)] } };
}

export function listApprovals(ctx: ArmContext): Response {
  const f = parseFilter(ctx.url.searchParams.get('$filter'), []);
  let rows: RequestRow[];
  if (f.asApprover) {
    const ids = [...ctx.index().requests.values()].filter((r) => canDecide(ctx.index(), ctx.user.id, r, ctx.now).allowed).map((r) => r.id);
    rows = ids.length ? ctx.db.select().from(requests).where(inArray(requests.id, ids)).orderBy(desc(requests.createdAt)).all() : [];
  } else {
    // what the caller took part in: own requests that needed approval, and decisions they made
    const decided = ctx.db.select({ id: approvalDecisions.requestId }).from(approvalDecisions).where(eq(approvalDecisions.approverId, ctx.user.id)).all().map((r) => r.id);
    const pendingForMe = [...ctx.index().requests.values()].filter((r) => canDecide(ctx.index(), ctx.user.id, r, ctx.now).allowed).map((r) => r.id);
    const ids = [...new Set([...decided, ...pendingForMe])];
    rows = ctx.db.select().from(requests)
      .where(and(eq(requests.approvalRequired, true), ids.length ? or(eq(requests.requesterId, ctx.user.id), inArray(requests.id, ids)) : eq(requests.requesterId, ctx.user.id)))
      .orderBy(desc(requests.createdAt)).all();
  }
  return armJson(page(rows.map((r) => approvalToArm(ctx, r)), ctx.url, ctx.origin));
}

function loadApproval(ctx: ArmContext, id: string): RequestRow {
  const row = ctx.db.select().from(requests).where(eq(requests.id, id.toLowerCase())).get();
  if (!row || !row.approvalRequired || !canRead(ctx, row)) throw notFound('RoleAssignmentApprovalNotFound', `Role assignment approval '${id}' was not found.`);
  return row;
}

function checkStage(id: string, stageId: string | undefined) {
  if (stageId !== undefined && stageId.toLowerCase() !== id.toLowerCase()) {
    throw notFound('RoleAssignmentApprovalStageNotFound', `Approval '${id}' has one stage, '${id}'; there is no stage '${stageId}'.`);
  }
}

export function getApproval(ctx: ArmContext, id: string): Response {
  return armJson(approvalToArm(ctx, loadApproval(ctx, id)));
}

export function listStages(ctx: ArmContext, id: string): Response {
  return armJson({ value: [stageToArm(ctx, loadApproval(ctx, id))] });
}

export function getStage(ctx: ArmContext, id: string, stageId: string): Response {
  checkStage(id, stageId);
  return armJson(stageToArm(ctx, loadApproval(ctx, id)));
}

const Review = z.object({
  reviewResult: z.enum(['Approve', 'Deny'], { message: 'reviewResult must be Approve or Deny' }),
  justification: z.string().max(2000).nullish(),
});
const ReviewBody = z.union([z.object({ properties: Review }), Review], { message: 'send {"reviewResult": "Approve" | "Deny", "justification": "…"}, with or without a "properties" wrapper' });

/** PUT or PATCH a stage: the decision goes through the same approvals service as the portal. */
export async function reviewStage(ctx: ArmContext, id: string, stageId: string, req: Request): Promise<Response> {
  checkStage(id, stageId);
  const row = loadApproval(ctx, id);
  const body = await readBody(req, ReviewBody);
  const review = 'properties' in body ? body.properties : body;
  if (!review) throw badRequest('InvalidRequestContent', 'reviewResult is required.');
  decide(ctx.db, ctx.user, { requestId: row.id, decision: review.reviewResult, justification: review.justification ?? undefined }, ctx.now, { channel: 'api' });
  return armJson(stageToArm(ctx, loadApproval(ctx, id)));
}
