import {
  audit,
  capturedApprovers,
  DAY,
  decider,
  HOUR,
  request,
  justification,
  MINUTE,
  ticket,
  type Ctx,
  type DecisionRow,
  type RequestRow,
  type ScheduleRow,
  type SettingsRow,
} from './model';
import type { ScheduleIndex } from './schedules';

/**
 * Activation requests that did not (yet) become schedules: pending ones waiting for an
 * approver (their deadline still ahead), and history: denied, canceled by the requester,
 * timed out. Each is at a scope-role whose settings require approval, by a user whose
 * eligible assignment (direct or through a group) reaches that scope, and has at least
 * one approver other than the requester.
 */
export function generateRequests(
  ctx: Ctx,
  idx: ScheduleIndex,
  counts: { pending: number; denied: number; canceled: number; timedOut: number },
) {
  const { r, now, tree } = ctx;
  const pairs = [...ctx.settings.values()].filter((s) => s.settings.approvalRequired);
  if (!pairs.length) return;
  const pendingKeys = new Set<string>();

  /** An eligibility of this role at the scope or an ancestor, live now or (for history) at some time before `now`. */
  const eligibilityFor = (s: SettingsRow, live: boolean): ScheduleRow | null => {
    const found: ScheduleRow[] = [];
    for (let at: string | undefined = s.scopeId; at; at = tree.parent.get(at)) {
      for (const e of idx.eligibleAt.get(`${at}|${s.roleId}`) ?? []) {
        const ok = live
          ? e.revokedAt === null && e.startAt <= now - HOUR && (e.endAt === null || e.endAt > now + HOUR)
          : e.startAt < now - 2 * DAY && Math.min(e.endAt ?? Infinity, e.revokedAt ?? Infinity, now) - e.startAt > DAY;
        if (ok) found.push(e);
      }
    }
    return found.length ? r.pick(found) : null;
  };
  const requesterOf = (e: ScheduleRow): string | null => {
    const members = e.principalType === 'Group' ? ctx.groupById.get(e.principalId)!.memberIds : [];
    const id = e.principalType === 'User' ? e.principalId : members.length ? r.pick(members) : null;
    return id && !ctx.disabled.has(id) ? id : null;
  };

  const make = (status: RequestRow['status']) => {
    for (let tries = 0; tries < 20; tries++) {
      const s = r.pick(pairs);
      const live = status === 'PendingApproval';
      const e = eligibilityFor(s, live);
      const userId = e && requesterOf(e);
      if (!e || !userId) continue;
      const captured = capturedApprovers(ctx, s.settings.approvers);
      const approver = decider(ctx, captured, userId);
      if (!approver) continue;
      const key = `${userId}|${s.roleId}|${s.scopeId}`;
      const timeout = s.settings.approvalTimeoutMinutes * MINUTE;
      const minutes = Math.min(s.settings.activationMaxMinutes, r.pick([60, 120, 240, 480]));
      let createdAt: number;
      if (live) {
        // rule 5: one pending request per (user, role, scope), and none beside a live activation
        if (pendingKeys.has(key) || idx.activationWindows.get(key)?.some(([, end]) => end > now)) continue;
        createdAt = now - r.int(timeout - 10 * MINUTE);
      } else {
        const until = Math.min(e.endAt ?? Infinity, e.revokedAt ?? Infinity, now) - timeout - HOUR;
        if (until <= e.startAt) continue;
        createdAt = e.startAt + r.int(until - e.startAt);
      }
      if (live) pendingKeys.add(key);
      const id = r.uuid();
      const deadline = createdAt + timeout;
      const endAt = Math.min(createdAt + minutes * MINUTE, e.endAt ?? Infinity);
      const why = justification(r);
      const t = s.settings.activationRequireTicket ? ticket(r) : { ticketNumber: null, ticketSystem: null };
      const row = request({
        id,
        kind: 'assignment',
        requestType: 'SelfActivate',
        status,
        requesterId: userId,
        principalType: 'User',
        principalId: userId,
        roleId: s.roleId,
        scopeId: s.scopeId,
        justification: why,
        ticketNumber: t.ticketNumber,
        ticketSystem: t.ticketSystem,
        startAt: createdAt,
        endAt,
        durationMinutes: Math.round((endAt - createdAt) / MINUTE),
        mfaVerifiedAt: s.settings.activationRequireMfa ? createdAt - r.int(9 * MINUTE) : null,
        approvalRequired: true,
        approvalDeadline: deadline,
        settingsSnapshot: `{"scopeId":${JSON.stringify(s.scopeId)},"roleId":"${s.roleId}","explicit":true,"settings":${s.json}}`,
        linkedEligibilityId: e.id,
        createdAt,
        channel: r.chance(0.12) ? 'api' : 'portal',
      });
      const base = { principal: { type: 'User' as const, id: userId }, roleId: s.roleId, scopeId: s.scopeId, requestId: id };
      audit(
        ctx,
        {
          at: createdAt,
          actorId: userId,
          action: 'Activation requested',
          justification: why,
          details: { startAt: createdAt, endAt, approvalDeadline: deadline, channel: row.channel },
        },
        base,
      );
      let decision: DecisionRow | null = null;
      if (status === 'Denied') {
        const decidedAt = createdAt + 5 * MINUTE + r.int(Math.min(timeout, 12 * HOUR) - 5 * MINUTE);
        const no = r.pick([
          'Not needed for this change',
          'Use the Reader role instead',
          'No change ticket',
          'Outside the maintenance window',
        ]);
        decision = { id: r.uuid(), requestId: id, approverId: approver, decision: 'Deny', justification: no, decidedAt };
        row.completedAt = decidedAt;
        audit(
          ctx,
          {
            at: decidedAt,
            actorId: approver,
            action: 'Request denied',
            justification: no,
            details: { decision: 'Deny', channel: 'portal', requestType: 'SelfActivate' },
          },
          base,
        );
      } else if (status === 'Canceled') {
        const canceledAt = createdAt + MINUTE + r.int(Math.min(timeout, 4 * HOUR) - MINUTE);
        row.completedAt = row.canceledAt = canceledAt;
        row.canceledBy = userId;
        audit(ctx, { at: canceledAt, actorId: userId, action: 'Request canceled', details: { requestType: 'SelfActivate' } }, base);
      } else if (status === 'TimedOut') {
        row.completedAt = deadline;
        audit(
          ctx,
          {
            at: deadline,
            actorId: null,
            action: 'Request timed out',
            details: { approvalDeadline: deadline, requestType: 'SelfActivate' },
          },
          base,
        );
      }
      ctx.sink.request(row);
      for (const a of captured) ctx.sink.requestApprover(id, a);
      if (decision) ctx.sink.decision(decision);
      return;
    }
  };
  for (let i = 0; i < counts.pending; i++) make('PendingApproval');
  for (let i = 0; i < counts.denied; i++) make('Denied');
  for (let i = 0; i < counts.canceled; i++) make('Canceled');
  for (let i = 0; i < counts.timedOut; i++) make('TimedOut');
}
