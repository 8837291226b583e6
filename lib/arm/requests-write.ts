import 'server-only';
import crypto from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import { assignmentSchedules, eligibilitySchedules, requests, type RequestRow } from '@/db/schema';
import {
  activationScopeOption,
  evaluateSelfRequest,
  scheduleStatus,
  schedulesReaching,
  type PrincipalRef,
  type ScheduleFact,
} from '@/lib/policy';
import { assignmentFact, eligibilityFact } from '@/db/mappers';
import { submitAdminRequest, validateAdminRequest, type AdminRequestInput } from '@/lib/assignments';
import { submitActivation, validateActivation } from '@/lib/activation/submit';
import { submitSelfRequest } from '@/lib/activation/self';
import { describeAll } from '@/lib/resources/names';
import { ElevateError } from '@/lib/errors';
import type { ArmContext } from './context';
import { ArmError, badRequest } from './errors';
import { armJson, readBody } from './http';
import { requestToArm } from './mappers';
import { lastSegment, roleIdFrom } from './path';
import { RequestBodySchema, type RequestBody } from './requests-body';
import type { RequestKind } from './requests-read';
import { windowFromScheduleInfo } from './schedule-info';

const MIN = 60_000;

interface Parsed {
  body: RequestBody;
  kind: RequestKind;
  principal: PrincipalRef;
  roleId: string;
  scopeId: string;
}

async function parse(ctx: ArmContext, kind: RequestKind, req: Request): Promise<Parsed> {
  const { properties: body } = await readBody(req, RequestBodySchema);
  const index = ctx.index();
  const pid = body.principalId.trim();
  const principal: PrincipalRef | null = index.users.has(pid)
    ? { type: 'User', id: pid }
    : index.groups.has(pid)
      ? { type: 'Group', id: pid }
      : null;
  if (!principal) throw badRequest('PrincipalNotFound', `Principal ${pid} does not exist in this tenant.`);
  const roleId = roleIdFrom(body.roleDefinitionId);
  if (!index.roles.has(roleId)) throw badRequest('RoleDefinitionDoesNotExist', `The role definition ${roleId} does not exist.`);
  if (body.requestType === 'SelfActivate' && kind === 'eligibility') {
    throw badRequest(
      'InvalidRequestType',
      'SelfActivate is an activation: send it to roleAssignmentScheduleRequests with linkedRoleEligibilityScheduleId.',
    );
  }
  if (body.requestType.startsWith('Self') && (principal.type !== 'User' || principal.id !== ctx.user.id)) {
    throw new ArmError(
      403,
      'AuthorizationFailed',
      `${body.requestType} acts on your own assignments: principalId must be your own id (${ctx.user.id}).`,
    );
  }
  return { body, kind, principal, roleId, scopeId: ctx.scope!.key };
}

/** The schedule a change refers to: the one named, else the only matching live one (or the latest ended one, to renew). */
function findTarget(ctx: ArmContext, p: Parsed, opts: { ended: boolean; activatedOnly?: boolean }): string | undefined {
  const named =
    p.kind === 'eligibility'
      ? (p.body.targetRoleEligibilityScheduleId ?? p.body.targetRoleEligibilityScheduleInstanceId)
      : (p.body.targetRoleAssignmentScheduleId ?? p.body.targetRoleAssignmentScheduleInstanceId);
  if (named) return lastSegment(named).toLowerCase();
  const table = p.kind === 'eligibility' ? eligibilitySchedules : assignmentSchedules;
  const rows = ctx.db
    .select()
    .from(table)
    .where(and(eq(table.principalId, p.principal.id), eq(table.roleId, p.roleId), eq(table.scopeId, p.scopeId)))
    .orderBy(desc(table.updatedAt))
    .all();
  const facts: ScheduleFact[] = rows.map((r) => (p.kind === 'eligibility' ? eligibilityFact(r as never) : assignmentFact(r as never)));
  const match = facts.find((s) => {
    if (opts.activatedOnly && s.origin !== 'activated') return false;
    const st = scheduleStatus(s, ctx.now);
    return opts.ended ? st === 'Expired' || st === 'Revoked' : st === 'Active' || st === 'Scheduled';
  });
  return match?.id;
}

function adminInput(ctx: ArmContext, p: Parsed): AdminRequestInput {
  const type = p.body.requestType as AdminRequestInput['requestType'];
  const w = windowFromScheduleInfo(p.body.scheduleInfo, ctx.now);
  const needsTarget = type !== 'AdminAssign';
  const targetScheduleId = needsTarget ? findTarget(ctx, p, { ended: type === 'AdminRenew' }) : undefined;
  if (needsTarget && !targetScheduleId) {
    throw badRequest(
      'RoleAssignmentDoesNotExist',
      `There is no ${type === 'AdminRenew' ? 'ended' : 'current'} ${p.kind === 'eligibility' ? 'eligible' : 'active'} assignment of this role ` +
        `for this principal at this scope to ${type.slice(5).toLowerCase()}.`,
    );
  }
  if (type !== 'AdminRemove' && !w.expirationGiven) {
    throw badRequest(
      'InvalidScheduleInfo',
      `${type} needs scheduleInfo.expiration: {type: "AfterDuration", duration: "P90D"}, {type: "AfterDateTime", endDateTime: …} ` +
        'or, where the settings allow it, {type: "NoExpiration"}.',
    );
  }
  // moving the end of an existing assignment keeps its start unless a new one is given
  // (a duration, by contrast, counts from the given start or now)
  const target = targetScheduleId ? ctx.index().schedules.get(targetScheduleId) : undefined;
  const keepStart =
    (type === 'AdminUpdate' || type === 'AdminExtend') && target && !p.body.scheduleInfo?.startDateTime && w.durationMinutes === null;
  const startAt = keepStart ? target.startAt : w.startAt;
  const endAt = w.endAt;
  return {
    requestType: type,
    kind: p.kind === 'eligibility' ? 'eligible' : 'active',
    principal: p.principal,
    roleId: p.roleId,
    scopeId: p.scopeId,
    startAt,
    endAt: type === 'AdminRemove' ? null : endAt,
    justification: p.body.justification ?? undefined,
    ticketNumber: p.body.ticketInfo?.ticketNumber ?? undefined,
    ticketSystem: p.body.ticketInfo?.ticketSystem ?? undefined,
    targetScheduleId,
    mfaVerifiedAt: ctx.mfaVerifiedAt,
  };
}

/** The caller's eligibility that reaches this scope for the role, asked of the engine when none is named. */
function eligibilityFor(ctx: ArmContext, p: Parsed): string {
  if (p.body.linkedRoleEligibilityScheduleId) return lastSegment(p.body.linkedRoleEligibilityScheduleId).toLowerCase();
  const index = ctx.index();
  const hit = schedulesReaching(index, ctx.user.id).find(
    (s) => s.kind === 'eligible' && s.roleId === p.roleId && activationScopeOption(index, ctx.user.id, s.id, p.scopeId, ctx.now),
  );
  if (!hit) {
    const message = `You have no eligible assignment of ${index.roles.get(p.roleId)?.name ?? p.roleId} that reaches ${ctx.scope!.armId}.`;
    throw new ElevateError('PolicyViolation', message, { details: { violations: [{ code: 'eligibility-not-found', message }] } });
  }
  return hit.id;
}

function activationInput(ctx: ArmContext, p: Parsed) {
  const w = windowFromScheduleInfo(p.body.scheduleInfo, ctx.now);
  if (!w.expirationGiven || w.endAt === null) {
    throw badRequest(
      'InvalidScheduleInfo',
      'An activation needs an end: scheduleInfo.expiration {type: "AfterDuration", duration: "PT8H"} or {type: "AfterDateTime", endDateTime: …}.',
    );
  }
  return {
    eligibilityId: eligibilityFor(ctx, p),
    scopeIds: [p.scopeId],
    startAt: p.body.scheduleInfo?.startDateTime ? w.startAt : undefined,
    durationMinutes: w.durationMinutes ?? Math.round((w.endAt - w.startAt) / MIN),
    justification: p.body.justification ?? undefined,
    ticketNumber: p.body.ticketInfo?.ticketNumber ?? undefined,
    ticketSystem: p.body.ticketInfo?.ticketSystem ?? undefined,
    mfaVerifiedAt: ctx.mfaVerifiedAt,
  };
}

function selfInput(ctx: ArmContext, p: Parsed) {
  const type = p.body.requestType as 'SelfDeactivate' | 'SelfExtend' | 'SelfRenew';
  const targetScheduleId = findTarget(ctx, p, { ended: type === 'SelfRenew', activatedOnly: type === 'SelfDeactivate' });
  if (!targetScheduleId)
    throw badRequest(
      'RoleAssignmentDoesNotExist',
      `You have no ${type === 'SelfRenew' ? 'ended' : 'current'} ${type === 'SelfDeactivate' ? 'activation' : 'assignment'} of this role at this scope.`,
    );
  const w = windowFromScheduleInfo(p.body.scheduleInfo, ctx.now);
  return {
    requestType: type,
    targetScheduleId,
    justification: p.body.justification ?? undefined,
    ...(type !== 'SelfDeactivate' && w.expirationGiven ? { endAt: w.endAt } : {}),
  };
}

const loadRow = (ctx: ArmContext, id: string): RequestRow => ctx.db.select().from(requests).where(eq(requests.id, id)).get()!;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The name in the PUT URL becomes the request's id, as in Azure, so a script can GET what
 * it created by the GUID it chose. Names must be GUIDs and are never reused.
 */
function chosenRequestId(ctx: ArmContext, name: string): string {
  if (!GUID.test(name))
    throw badRequest('InvalidRoleAssignmentRequestName', `The request name "${name}" must be a GUID, e.g. ${crypto.randomUUID()}.`);
  const id = name.toLowerCase();
  if (ctx.db.select({ id: requests.id }).from(requests).where(eq(requests.id, id)).get()) {
    throw new ArmError(
      409,
      'RoleAssignmentRequestExists',
      `A request named ${id} already exists. Requests cannot be changed: PUT a new request with a new GUID.`,
    );
  }
  return id;
}

/** PUT: create the request through the same services as the portal; 201 with the request. */
export async function createRequest(ctx: ArmContext, kind: RequestKind, req: Request, name: string): Promise<Response> {
  const requestId = chosenRequestId(ctx, name);
  const p = await parse(ctx, kind, req);
  const type = p.body.requestType;
  const opts = { channel: 'api' as const, requestId };
  let id: string;
  if (type.startsWith('Admin')) {
    id = submitAdminRequest(ctx.db, ctx.user, adminInput(ctx, p), ctx.now, opts).request.id;
  } else if (type === 'SelfActivate') {
    id = submitActivation(ctx.db, ctx.user, activationInput(ctx, p), ctx.now, opts).requests[0].requestId;
  } else {
    id = submitSelfRequest(ctx.db, ctx.user, selfInput(ctx, p), ctx.now, opts).requestId;
  }
  return armJson(requestToArm(ctx, loadRow(ctx, id)), 201);
}

/** POST …/validate: the engine's verdict for the same body, nothing written. */
export async function validateRequest(ctx: ArmContext, kind: RequestKind, name: string, req: Request): Promise<Response> {
  const p = await parse(ctx, kind, req);
  const type = p.body.requestType;
  const w = windowFromScheduleInfo(p.body.scheduleInfo, ctx.now);
  let status: 'Provisioned' | 'PendingApproval' = 'Provisioned';
  let start = w.startAt;
  let end = w.endAt;
  if (type.startsWith('Admin')) {
    const r = validateAdminRequest(ctx.db, ctx.user, adminInput(ctx, p), ctx.now);
    if (!r.ok) {
      const code = r.violations.some((v) => v.code === 'not-authorized') ? 'AuthorizationFailed' : 'PolicyViolation';
      throw new ElevateError(code, r.messages.join(' '), { details: r.violations.map((v, i) => ({ ...v, message: r.messages[i] })) });
    }
  } else if (type === 'SelfActivate') {
    const input = activationInput(ctx, p);
    const r = validateActivation(ctx.db, ctx.user, input, ctx.now);
    if (!r.ok)
      throw new ElevateError('PolicyViolation', r.violations.map((v) => v.message).join('; '), { details: { violations: r.violations } });
    const result = r.evaluations[0].result;
    if (result.ok) {
      status = result.outcome.kind === 'approval' ? 'PendingApproval' : 'Provisioned';
      start = result.outcome.startAt;
      end = result.outcome.endAt;
    }
  } else {
    const input = selfInput(ctx, p);
    const r = evaluateSelfRequest(ctx.index(), {
      userId: ctx.user.id,
      requestType: input.requestType,
      targetScheduleId: input.targetScheduleId,
      startAt: ctx.now,
      endAt: 'endAt' in input ? (input.endAt ?? null) : null,
      justification: input.justification ?? null,
      now: ctx.now,
    });
    if (!r.ok) {
      const messages = describeAll(ctx.index(), r.violations);
      throw new ElevateError('PolicyViolation', messages.join(' '), {
        details: r.violations.map((v, i) => ({ ...v, message: messages[i] })),
      });
    }
    if (type !== 'SelfDeactivate') status = 'PendingApproval';
  }
  // a request that was not made: the would-be row, so the answer has the same shape as create's
  const row: RequestRow = {
    id: name,
    kind,
    requestType: type,
    status,
    requesterId: ctx.user.id,
    principalType: p.principal.type,
    principalId: p.principal.id,
    roleId: p.roleId,
    scopeId: p.scopeId,
    justification: p.body.justification ?? null,
    ticketNumber: p.body.ticketInfo?.ticketNumber ?? null,
    ticketSystem: p.body.ticketInfo?.ticketSystem ?? null,
    startAt: start,
    endAt: end,
    durationMinutes: w.durationMinutes,
    mfaVerifiedAt: ctx.mfaVerifiedAt,
    approvalRequired: status === 'PendingApproval',
    approvalDeadline: null,
    settingsSnapshot: null,
    linkedEligibilityId: null,
    targetScheduleId: null,
    createdAt: ctx.now,
    completedAt: null,
    canceledAt: null,
    canceledBy: null,
    failureReason: null,
    batchId: null,
    channel: 'api',
  };
  const arm = requestToArm(ctx, row);
  // nothing exists to approve yet
  delete (arm.properties as { approvalId?: string }).approvalId;
  return armJson(arm, 200);
}
