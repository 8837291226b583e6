import { OWNER, CONTRIBUTOR, READER, USER_ACCESS_ADMINISTRATOR } from '@/db/builtin-roles';
import { skewed } from './random';
import {
  adminFor,
  audit,
  capturedApprovers,
  DAY,
  decider,
  governing,
  request,
  HOUR,
  justification,
  MINUTE,
  ticket,
  type Ctx,
  type Principal,
  type RequestRow,
  type ScheduleRow,
} from './model';
import type { ResourceRow } from './tree';

/**
 * Eligible and active assignments at every level (most at resource groups and
 * resources), to users and groups, permanent and time-bound, live, scheduled, expired and
 * revoked, each with the request that created it (and the one that removed it) and their
 * audit events. Activations are linked to an eligible assignment of the same role at or
 * above their scope, lie inside its window, respect the governing maximum duration, and
 * went through approval wherever the settings of their scope-role require it.
 */
export interface ScheduleIndex {
  /** eligible assignments by `${scopeId}|${roleId}`, for requests that need an eligibility reaching a scope */
  eligibleAt: Map<string, ScheduleRow[]>;
  /** activation windows by `${userId}|${roleId}|${scopeId}` (rule 5: no overlapping activations) */
  activationWindows: Map<string, [number, number][]>;
}

const overlaps = (ws: [number, number][] | undefined, s: number, e: number) => !!ws?.some(([a, b]) => a < e && s < b);

export function generateSchedules(ctx: Ctx, total: number): ScheduleIndex {
  const { r, now, tree } = ctx;
  const eligibleAt = new Map<string, ScheduleRow[]>();
  const activationWindows = new Map<string, [number, number][]>();
  const userOrder = ctx.users.map((_, i) => i);
  for (let i = userOrder.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [userOrder[i], userOrder[j]] = [userOrder[j], userOrder[i]];
  }
  const userPick = skewed(r, ctx.users.length, 0.5);
  const principal = (): Principal =>
    ctx.groups.length && r.chance(0.12)
      ? { type: 'Group', id: r.pick(ctx.groups).id }
      : { type: 'User', id: ctx.users[userOrder[userPick()]].id };
  const role = () => {
    const x = r.next();
    return x < 0.35 ? READER : x < 0.7 ? CONTRIBUTOR : x < 0.85 ? OWNER : USER_ACCESS_ADMINISTRATOR;
  };
  const { managementGroup: mgs, subscription: subs, resourceGroup: rgs, resource: res } = tree.byKind;
  const scope = (): ResourceRow => {
    const x = r.next();
    const level = x < 0.02 ? mgs : x < 0.12 ? subs : x < 0.57 ? rgs : res;
    return r.pick(level.length ? level : rgs.length ? rgs : subs);
  };
  // (kind, principal, role, scope) already held, as one number: 200,000 long string keys would weigh on every garbage collection
  const ordinal = new Map<string, number>();
  for (const u of ctx.users) ordinal.set(u.id, ordinal.size);
  for (const g of ctx.groups) ordinal.set(g.id, ordinal.size);
  const principals = ordinal.size;
  tree.rows.forEach((row, i) => ordinal.set(row.id, i));
  const ROLE_ORDINAL: Record<string, number> = { [READER]: 0, [CONTRIBUTOR]: 1, [OWNER]: 2, [USER_ACCESS_ADMINISTRATOR]: 3 };
  const heldKey = (kind: 0 | 1, p: Principal, roleId: string, at: ResourceRow) =>
    ((kind * principals + ordinal.get(p.id)!) * 4 + ROLE_ORDINAL[roleId]) * tree.rows.length + ordinal.get(at.id)!;
  const held = new Set<number>();
  const channel = () => (r.chance(0.12) ? 'api' : 'portal') as RequestRow['channel'];

  /**
   * An admin's AdminAssign (and, for a revoked one, AdminRemove) around a schedule row.
   * Their settings snapshot stays empty (as the API's writes leave it): nothing reads an
   * admin request's snapshot, and 150,000 copies of the settings would add ~100 MB.
   */
  const adminAssigned = (
    kind: 'eligible' | 'active',
    p: Principal,
    roleId: string,
    scopeId: string,
    startAt: number,
    endAt: number | null,
    revokedAt: number | null,
    createdAt: number,
  ) => {
    const id = r.uuid();
    const requestId = r.uuid();
    const actor = adminFor(ctx, p);
    const why = justification(r);
    const t = r.chance(0.3) ? ticket(r) : { ticketNumber: null, ticketSystem: null };
    const ch = channel();
    ctx.sink.request(
      request({
        id: requestId,
        kind: kind === 'eligible' ? 'eligibility' : 'assignment',
        requestType: 'AdminAssign',
        status: 'Provisioned',
        requesterId: actor,
        principalType: p.type,
        principalId: p.id,
        roleId,
        scopeId,
        justification: why,
        ticketNumber: t.ticketNumber,
        ticketSystem: t.ticketSystem,
        startAt,
        endAt,
        targetScheduleId: id,
        createdAt,
        completedAt: createdAt,
        channel: ch,
      }),
    );
    const what = kind === 'eligible' ? 'Eligible' : 'Active';
    audit(ctx, {
      at: createdAt,
      actorId: actor,
      action: `${what} assignment added`,
      principal: p,
      roleId,
      scopeId,
      requestId,
      justification: why,
      details: { requestType: 'AdminAssign', startAt, endAt, scheduleId: id, channel: ch },
    });
    const row: ScheduleRow = {
      id,
      principalType: p.type,
      principalId: p.id,
      roleId,
      scopeId,
      startAt,
      endAt,
      createdAt,
      createdBy: actor,
      requestId,
      updatedAt: createdAt,
      revokedAt: null,
      revokedBy: null,
      origin: kind === 'active' ? 'assigned' : null,
      linkedEligibilityId: null,
    };
    if (revokedAt !== null) {
      const removedBy = adminFor(ctx, p);
      const removal = r.uuid();
      const whyRemoved = r.pick(['Left the team', 'Access review: no longer needed', 'Project finished', 'Replaced by a group assignment']);
      ctx.sink.request(
        request({
          id: removal,
          kind: kind === 'eligible' ? 'eligibility' : 'assignment',
          requestType: 'AdminRemove',
          status: 'Provisioned',
          requesterId: removedBy,
          principalType: p.type,
          principalId: p.id,
          roleId,
          scopeId,
          justification: whyRemoved,
          startAt,
          endAt,
          targetScheduleId: id,
          createdAt: revokedAt,
          completedAt: revokedAt,
          channel: 'portal',
        }),
      );
      audit(ctx, {
        at: revokedAt,
        actorId: removedBy,
        action: `${what} assignment removed`,
        principal: p,
        roleId,
        scopeId,
        requestId: removal,
        justification: whyRemoved,
        details: { requestType: 'AdminRemove', startAt, endAt, scheduleId: id, channel: 'portal' },
      });
      row.requestId = removal;
      row.updatedAt = row.revokedAt = revokedAt;
      row.revokedBy = removedBy;
    }
    return row;
  };

  /** A window for an admin assignment in one of the life stages; `maxDays` from the governing settings. */
  const adminWindow = (stage: string, maxDays: number) => {
    const len = maxDays * DAY;
    switch (stage) {
      case 'live': {
        const startAt = now - HOUR - r.int(len - 2 * HOUR);
        return { startAt, endAt: startAt + len, revokedAt: null, createdAt: startAt };
      }
      case 'permanent': {
        const startAt = now - HOUR - r.int(1000 * DAY);
        return { startAt, endAt: null, revokedAt: null, createdAt: startAt };
      }
      case 'future': {
        const startAt = now + HOUR + r.int(30 * DAY);
        return { startAt, endAt: startAt + len, revokedAt: null, createdAt: now - HOUR - r.int(10 * DAY) };
      }
      case 'expired': {
        const endAt = now - HOUR - r.int(400 * DAY);
        return { startAt: endAt - len, endAt, revokedAt: null, createdAt: endAt - len };
      }
      default: {
        // revoked
        const startAt = now - 2 * DAY - r.int(600 * DAY);
        const endAt = r.chance(0.7) ? startAt + len : null;
        const until = Math.min(endAt ?? now, now) - HOUR;
        return { startAt, endAt, revokedAt: startAt + HOUR + r.int(Math.max(1, until - startAt - HOUR)), createdAt: startAt };
      }
    }
  };

  const stageOf = (x: number, table: [number, string][]) => table.find(([p]) => x < p)![1];

  // eligible assignments
  const eligibleCount = Math.round(total * 0.55);
  const liveEligible: ScheduleRow[] = [];
  const pastEligible: ScheduleRow[] = [];
  for (let i = 0; i < eligibleCount; i++) {
    const stage = stageOf(r.next(), [
      [0.58, 'live'],
      [0.7, 'permanent'],
      [0.73, 'future'],
      [0.88, 'expired'],
      [1, 'revoked'],
    ]);
    let p = principal(),
      roleId = role(),
      at = scope();
    for (let k = 0; k < 5 && held.has(heldKey(0, p, roleId, at)); k++) {
      p = principal();
      roleId = role();
      at = scope();
    }
    held.add(heldKey(0, p, roleId, at));
    const g = governing(ctx, at.id, roleId);
    const w = adminWindow(stage, g.settings.eligibleMaxDays);
    const row = adminAssigned('eligible', p, roleId, at.id, w.startAt, w.endAt, w.revokedAt, w.createdAt);
    ctx.sink.eligibility(row);
    const key = `${at.id}|${roleId}`;
    const list = eligibleAt.get(key);
    if (list) list.push(row);
    else eligibleAt.set(key, [row]);
    if (stage === 'live' || stage === 'permanent') liveEligible.push(row);
    if (stage !== 'future') pastEligible.push(row);
  }

  /** The user who activates from an eligibility: its user, or a member of its group; never a disabled account. */
  const activator = (e: ScheduleRow): string | null => {
    if (e.principalType === 'User') return ctx.disabled.has(e.principalId) ? null : e.principalId;
    const members = ctx.groupById.get(e.principalId)!.memberIds;
    const m = members.length ? r.pick(members) : null;
    return m && !ctx.disabled.has(m) ? m : null;
  };
  const descend = (scopeId: string) => {
    let at = scopeId;
    for (let d = r.pick([0, 0, 0, 1, 1, 2]); d > 0; d--) {
      const kids = tree.children.get(at);
      if (!kids?.length) break;
      at = r.pick(kids);
    }
    return at;
  };

  /** One activation; null when this eligibility cannot give one (the caller tries another). */
  const activation = (stage: 'live' | 'past' | 'deactivated'): ScheduleRow | null => {
    const e = r.pick(stage === 'live' ? liveEligible : pastEligible);
    if (!e) return null;
    const userId = activator(e);
    if (!userId) return null;
    const scopeId = descend(e.scopeId);
    const g = governing(ctx, scopeId, e.roleId);
    let minutes = Math.min(g.settings.activationMaxMinutes, r.pick([30, 60, 60, 120, 240, 480]));
    let startAt: number, endAt: number;
    if (stage === 'live') {
      startAt = Math.max(e.startAt, now - r.int((minutes - 5) * MINUTE));
      endAt = Math.min(startAt + minutes * MINUTE, e.endAt ?? Infinity);
    } else {
      const from = e.startAt,
        until = Math.min(e.endAt ?? Infinity, e.revokedAt ?? Infinity, now - MINUTE);
      if (until - from < minutes * MINUTE) return null;
      startAt = from + r.int(until - from - minutes * MINUTE);
      endAt = startAt + minutes * MINUTE;
    }
    minutes = Math.round((endAt - startAt) / MINUTE);
    const key = `${userId}|${e.roleId}|${scopeId}`;
    const windows = activationWindows.get(key);
    if (overlaps(windows, startAt, endAt)) return null;
    const p: Principal = { type: 'User', id: userId };
    const approval = g.settings.approvalRequired;
    const captured = approval ? capturedApprovers(ctx, g.settings.approvers) : [];
    const approver = approval ? decider(ctx, captured, userId) : null;
    if (approval && !approver) return null;
    if (windows) windows.push([startAt, endAt]);
    else activationWindows.set(key, [[startAt, endAt]]);

    const id = r.uuid();
    const requestId = r.uuid();
    const createdAt = approval
      ? startAt - 2 * MINUTE - r.int(Math.min(g.settings.approvalTimeoutMinutes, 360) * MINUTE - 2 * MINUTE)
      : startAt;
    const why = justification(r);
    const t = g.settings.activationRequireTicket ? ticket(r) : { ticketNumber: null, ticketSystem: null };
    const ch = channel();
    ctx.sink.request(
      request({
        id: requestId,
        kind: 'assignment',
        requestType: 'SelfActivate',
        status: 'Provisioned',
        requesterId: userId,
        principalType: 'User',
        principalId: userId,
        roleId: e.roleId,
        scopeId,
        justification: why,
        ticketNumber: t.ticketNumber,
        ticketSystem: t.ticketSystem,
        startAt,
        endAt,
        durationMinutes: minutes,
        mfaVerifiedAt: g.settings.activationRequireMfa ? createdAt - r.int(9 * MINUTE) : null,
        approvalRequired: approval,
        approvalDeadline: approval ? createdAt + g.settings.approvalTimeoutMinutes * MINUTE : null,
        settingsSnapshot: `{"scopeId":${JSON.stringify(scopeId)},"roleId":"${e.roleId}","explicit":${g.row !== null},"settings":${g.json}}`,
        linkedEligibilityId: e.id,
        targetScheduleId: id,
        createdAt,
        completedAt: startAt,
        channel: ch,
      }),
    );
    const base = { principal: p, roleId: e.roleId, scopeId, requestId, justification: why };
    if (approval) {
      for (const a of captured) ctx.sink.requestApprover(requestId, a);
      const yes = r.chance(0.6) ? 'Approved for the stated change' : null;
      ctx.sink.decision({ id: r.uuid(), requestId, approverId: approver!, decision: 'Approve', justification: yes, decidedAt: startAt });
      audit(
        ctx,
        {
          at: createdAt,
          actorId: userId,
          action: 'Activation requested',
          details: { startAt, endAt, approvalDeadline: createdAt + g.settings.approvalTimeoutMinutes * MINUTE, channel: ch },
        },
        base,
      );
      audit(
        ctx,
        { at: startAt, actorId: approver, action: 'Role activated', details: { startAt, endAt, approvedBy: approver, scheduleId: id } },
        base,
      );
      audit(
        ctx,
        {
          at: startAt,
          actorId: approver,
          action: 'Request approved',
          justification: yes,
          details: { decision: 'Approve', channel: 'portal', requestType: 'SelfActivate' },
        },
        base,
      );
    } else {
      audit(
        ctx,
        { at: startAt, actorId: userId, action: 'Role activated', details: { startAt, endAt, scheduleId: id, channel: ch } },
        base,
      );
    }
    const row: ScheduleRow = {
      id,
      principalType: 'User',
      principalId: userId,
      roleId: e.roleId,
      scopeId,
      startAt,
      endAt,
      createdAt: startAt,
      createdBy: userId,
      requestId,
      updatedAt: startAt,
      revokedAt: null,
      revokedBy: null,
      origin: 'activated',
      linkedEligibilityId: e.id,
    };
    if (stage === 'deactivated') {
      const revokedAt = startAt + 5 * MINUTE + r.int(Math.max(1, endAt - startAt - 6 * MINUTE));
      const deactivation = r.uuid();
      ctx.sink.request(
        request({
          id: deactivation,
          kind: 'assignment',
          requestType: 'SelfDeactivate',
          status: 'Provisioned',
          requesterId: userId,
          principalType: 'User',
          principalId: userId,
          roleId: e.roleId,
          scopeId,
          justification: 'Done',
          startAt: revokedAt,
          endAt: revokedAt,
          linkedEligibilityId: e.id,
          targetScheduleId: id,
          createdAt: revokedAt,
          completedAt: revokedAt,
          channel: 'portal',
        }),
      );
      audit(
        ctx,
        {
          at: revokedAt,
          actorId: userId,
          action: 'Role deactivated',
          requestId: deactivation,
          justification: 'Done',
          details: { scheduleId: id, plannedEnd: endAt },
        },
        base,
      );
      row.updatedAt = row.revokedAt = revokedAt;
      row.revokedBy = userId;
    }
    return row;
  };

  // active assignments: by an admin, or activated from an eligibility
  for (let i = eligibleCount; i < total; i++) {
    const stage = stageOf(r.next(), [
      [0.28, 'live'],
      [0.38, 'permanent'],
      [0.45, 'expired'],
      [0.5, 'revoked'],
      [0.57, 'activated-live'],
      [0.9, 'activated-past'],
      [1, 'activated-deactivated'],
    ]);
    if (stage.startsWith('activated')) {
      const kind = stage === 'activated-live' ? 'live' : stage === 'activated-past' ? 'past' : 'deactivated';
      let row: ScheduleRow | null = null;
      for (let k = 0; k < 8 && !row; k++) row = activation(kind);
      if (row) {
        ctx.sink.assignment(row);
        continue;
      }
      // no eligibility could give one (tiny tenants): an admin's active assignment instead, so the total holds
    }
    let p = principal(),
      roleId = role(),
      at = scope();
    for (let k = 0; k < 5 && held.has(heldKey(1, p, roleId, at)); k++) {
      p = principal();
      roleId = role();
      at = scope();
    }
    held.add(heldKey(1, p, roleId, at));
    const g = governing(ctx, at.id, roleId);
    const w = adminWindow(stage.startsWith('activated') ? 'expired' : stage, g.settings.activeMaxDays);
    ctx.sink.assignment(adminAssigned('active', p, roleId, at.id, w.startAt, w.endAt, w.revokedAt, w.createdAt));
  }
  return { eligibleAt, activationWindows };
}
