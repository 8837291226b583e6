import 'server-only';
import { eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { approvalDecisions, requestApprovers, requests, users, type RequestRow } from '@/db/schema';
import { pathUpperBound } from '@/db/tree';
import { canDecide, canViewRequest, requestStatus, type PrincipalRef, type RequestFact } from '@/lib/policy';
import { decide } from '@/lib/approvals';
import { requestFact } from '@/lib/tenant/snapshot';
import type { ArmContext } from './context';
import { badRequest, notFound } from './errors';
import { parseFilter } from './filter';
import { armJson, readBody } from './http';
import { approvalArmId, stageArmId } from './ids';
import { decidableDrives } from './decidable';
import { findPage, inOrder, TABLES, type Drive } from './list-sql';
import { keysetPage, pageRequest } from './paging';
import { regionOn } from './tree-sql';
import { viewerOf } from './viewer';

/**
 * roleAssignmentApprovals (2021-01-01-preview). Elevate approves in one stage, so an
 * approval has exactly one stage, and approval id = stage id = request id.
 */

interface Decided {
  decision: 'Approve' | 'Deny';
  justification: string | null;
  decidedAt: number;
  approverId: string;
  reviewer: { id: string; name: string; email: string };
}

/** What a page of approvals shows besides the request rows: approvers and decisions, two queries for the whole page. */
interface Bundle {
  facts: Map<string, RequestFact>;
  decisions: Map<string, Decided>;
}

function loadBundle(ctx: ArmContext, rows: RequestRow[]): Bundle {
  const idsOfPage = rows.map((r) => r.id);
  const approvers = new Map<string, PrincipalRef[]>();
  const decisions = new Map<string, Decided>();
  if (idsOfPage.length) {
    for (const a of ctx.db.select().from(requestApprovers).where(inArray(requestApprovers.requestId, idsOfPage)).all()) {
      const list = approvers.get(a.requestId) ?? [];
      list.push({ type: a.principalType, id: a.principalId });
      approvers.set(a.requestId, list);
    }
    const decided = ctx.db
      .select({ d: approvalDecisions, id: users.id, name: users.displayName, email: users.email })
      .from(approvalDecisions)
      .innerJoin(users, eq(users.id, approvalDecisions.approverId))
      .where(inArray(approvalDecisions.requestId, idsOfPage))
      .all();
    for (const x of decided) decisions.set(x.d.requestId, { ...x.d, reviewer: { id: x.id, name: x.name, email: x.email } });
  }
  return { facts: new Map(rows.map((r) => [r.id, requestFact(r, approvers.get(r.id) ?? [])])), decisions };
}

function assignedToMe(ctx: ArmContext, b: Bundle, row: RequestRow): boolean {
  return canDecide(ctx.index(), ctx.user.id, b.facts.get(row.id)!, ctx.now).allowed;
}

/** Who may read an approval is the engine's canViewRequest, as for the request itself in the portal. */
function canRead(ctx: ArmContext, b: Bundle, row: RequestRow): boolean {
  return canViewRequest(ctx.index(), ctx.user.id, b.facts.get(row.id)!, ctx.now, {
    decidedBy: b.decisions.get(row.id)?.approverId ?? null,
  });
}

const STAGE_STATUS = { PendingApproval: 'InProgress', TimedOut: 'Expired' } as Record<string, string>;

function stageToArm(ctx: ArmContext, b: Bundle, row: RequestRow) {
  const status = requestStatus(b.facts.get(row.id)!, ctx.now);
  const d = b.decisions.get(row.id);
  const reviewer = d?.reviewer;
  return {
    id: stageArmId(row.id),
    name: row.id,
    type: 'Microsoft.Authorization/roleAssignmentApprovals/stages',
    properties: {
      displayName: 'Approval',
      status: STAGE_STATUS[status] ?? 'Completed',
      reviewResult: d ? d.decision : 'NotReviewed',
      assignedToMe: status === 'PendingApproval' && assignedToMe(ctx, b, row),
      reviewedDateTime: d ? new Date(d.decidedAt).toISOString() : null,
      justification: d?.justification ?? null,
      reviewedBy: reviewer
        ? {
            id: reviewer.id,
            displayName: reviewer.name,
            principalName: reviewer.email,
            userPrincipalName: reviewer.email,
            principalType: 'user',
          }
        : null,
    },
  };
}

function approvalToArm(ctx: ArmContext, b: Bundle, row: RequestRow) {
  return {
    id: approvalArmId(row.id),
    name: row.id,
    type: 'Microsoft.Authorization/roleAssignmentApprovals',
    properties: { stages: [stageToArm(ctx, b, row)] },
  };
}

export function listApprovals(ctx: ArmContext): Response {
  const f = parseFilter(ctx.url.searchParams.get('$filter'), []);
  const req = pageRequest(ctx, ['number', 'string']);
  const v = viewerOf(ctx);
  const roots = v.everywhere ? [] : v.roots();
  const manages = roots.length
    ? regionOn('r', { rowids: [], ranges: roots.map((x) => ({ lo: x.path, hi: pathUpperBound(x.path), self: true })) })
    : null;
  const decidable = decidableDrives(v, ctx.now, manages);
  // asApprover(): what waits for the caller; else what they took part in: their own
  // requests that needed approval, decisions they made, and what waits for them
  const drives: Drive[] = f.asApprover
    ? decidable
    : [
        { where: sql`t.requester_id = ${v.me}` },
        { where: sql`t.id IN (SELECT d.request_id FROM approval_decisions d WHERE d.approver_id = ${v.me})` },
        ...decidable,
      ];
  const found = findPage(ctx, {
    table: TABLES.requests,
    frame: null,
    atScope: false,
    where: f.asApprover ? [] : [sql`t.approval_required = 1`],
    drives,
    visible: { everything: true },
    after: req.after as [number, string] | null,
    limit: req.top + 1,
  });
  return armJson(
    keysetPage(
      ctx,
      req,
      found,
      (r) => [r.createdAt, r.id],
      (served) => {
        const idsOfPage = served.map((r) => r.id);
        const rows = idsOfPage.length
          ? inOrder(idsOfPage, ctx.db.select().from(requests).where(inArray(requests.id, idsOfPage)).all())
          : [];
        const b = loadBundle(ctx, rows);
        // the engine's word on each row served: SQL already kept only these
        return rows
          .filter((r) =>
            f.asApprover
              ? assignedToMe(ctx, b, r)
              : r.requesterId === v.me || b.decisions.get(r.id)?.approverId === v.me || assignedToMe(ctx, b, r),
          )
          .map((r) => approvalToArm(ctx, b, r));
      },
    ),
  );
}

function loadApproval(ctx: ArmContext, id: string): { row: RequestRow; b: Bundle } {
  const row = ctx.db.select().from(requests).where(eq(requests.id, id.toLowerCase())).get();
  const b = row ? loadBundle(ctx, [row]) : undefined;
  if (!row || !b || !row.approvalRequired || !canRead(ctx, b, row))
    throw notFound('RoleAssignmentApprovalNotFound', `Role assignment approval '${id}' was not found.`);
  return { row, b };
}

function checkStage(id: string, stageId: string | undefined) {
  if (stageId !== undefined && stageId.toLowerCase() !== id.toLowerCase()) {
    throw notFound('RoleAssignmentApprovalStageNotFound', `Approval '${id}' has one stage, '${id}'; there is no stage '${stageId}'.`);
  }
}

export function getApproval(ctx: ArmContext, id: string): Response {
  const { row, b } = loadApproval(ctx, id);
  return armJson(approvalToArm(ctx, b, row));
}

export function listStages(ctx: ArmContext, id: string): Response {
  const { row, b } = loadApproval(ctx, id);
  return armJson({ value: [stageToArm(ctx, b, row)] });
}

export function getStage(ctx: ArmContext, id: string, stageId: string): Response {
  checkStage(id, stageId);
  const { row, b } = loadApproval(ctx, id);
  return armJson(stageToArm(ctx, b, row));
}

const Review = z.object({
  reviewResult: z.enum(['Approve', 'Deny'], { message: 'reviewResult must be Approve or Deny' }),
  justification: z.string().max(2000).nullish(),
});
const ReviewBody = z.union([z.object({ properties: Review }), Review], {
  message: 'send {"reviewResult": "Approve" | "Deny", "justification": "…"}, with or without a "properties" wrapper',
});

/**
 * PUT or PATCH a stage: the decision goes through the same approvals service as the portal.
 * An approval whose settings require MFA to approve takes its MFA moment from the bearer
 * token: a step-up token (ADR 060); with a personal token it is refused as Azure's MfaRule,
 * the details saying how to step up.
 */
export async function reviewStage(ctx: ArmContext, id: string, stageId: string, req: Request): Promise<Response> {
  checkStage(id, stageId);
  const { row } = loadApproval(ctx, id);
  const body = await readBody(req, ReviewBody);
  const review = 'properties' in body ? body.properties : body;
  if (!review) throw badRequest('InvalidRequestContent', 'reviewResult is required.');
  decide(
    ctx.db,
    ctx.user,
    { requestId: row.id, decision: review.reviewResult, justification: review.justification ?? undefined },
    ctx.now,
    { channel: 'api', mfaVerifiedAt: ctx.mfaVerifiedAt },
  );
  const after = loadApproval(ctx, id);
  return armJson(stageToArm(ctx, after.b, after.row));
}
