import 'server-only';
import { inArray } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { resources } from '@/db/schema';
import {
  activationOptions, describe, effectiveEnd, evaluateSelfRequest, scheduleStatus, DAY_MS, RENEW_WINDOW_DAYS,
  type ActivationOutcomePreview, type PolicyIndex, type ScheduleFact,
} from '@/lib/policy';
import { policyIndex } from '@/lib/tenant/engine';
import { scopeCrumbs, type ScopeCrumb } from '@/lib/portal/scope-path';
import { namesFor } from './names';

/** How many scopes of one eligibility the activation tree lists; the rest are reachable by search (DESIGN: never walk the whole tree). */
export const SCOPE_LIMIT = 500;

export interface ScopeChoice {
  id: string;
  parentId: string | null;
  name: string;
  kind: ScopeCrumb['kind'];
  path: string;
  /** inherited from the eligibility's scope (false for the scope itself) */
  inherited: boolean;
  maxDurationMinutes: number;
  settingsMaxMinutes: number;
  explicit: boolean;
  requires: { mfa: boolean; justification: boolean; ticket: boolean };
  outcome: { kind: 'active' } | { kind: 'approval'; approvers: string[]; byPimAdmins: boolean; timeoutMinutes: number } | { kind: 'blocked'; reasons: string[] };
}

export interface EligibleRow {
  eligibilityId: string;
  roleId: string;
  roleName: string;
  scopeId: string;
  crumbs: ScopeCrumb[];
  armId: string;
  source: { memberType: 'Direct' } | { memberType: 'Group'; groupName: string };
  status: 'Active' | 'Scheduled';
  startAt: number;
  endAt: number | null;
  scopes: ScopeChoice[];
  truncated: boolean;
  canExtend: boolean;
}

export interface ActiveRow {
  scheduleId: string;
  roleId: string;
  roleName: string;
  scopeId: string;
  crumbs: ScopeCrumb[];
  armId: string;
  status: 'Active' | 'Scheduled';
  startAt: number;
  endAt: number | null;
  origin: 'activated' | 'assigned';
  viaGroup: string | null;
  requestId: string | null;
  canDeactivate: boolean;
  canExtend: boolean;
}

export interface ExpiredRow {
  scheduleId: string;
  kind: 'eligible' | 'active';
  roleId: string;
  roleName: string;
  scopeId: string;
  crumbs: ScopeCrumb[];
  armId: string;
  status: 'Expired' | 'Revoked';
  endedAt: number;
  origin: 'activated' | 'assigned';
  /** admin-made assignments are renewed through a request; activations are simply activated again */
  canRenew: boolean;
  reactivate: { eligibilityId: string; scopeId: string } | null;
}

export interface MyRoles {
  eligible: EligibleRow[];
  active: ActiveRow[];
  expired: ExpiredRow[];
  mfaEnrolled: boolean;
}

function previewText(index: PolicyIndex, o: ActivationOutcomePreview): ScopeChoice['outcome'] {
  const names = namesFor(index);
  if (o.kind === 'active') return { kind: 'active' };
  if (o.kind === 'blocked') return { kind: 'blocked', reasons: o.reasons.map((r) => describe(r, names)) };
  return { kind: 'approval', approvers: o.approvers.map((a) => names.principal(a)), byPimAdmins: o.byPimAdmins, timeoutMinutes: o.timeoutMinutes };
}

/**
 * Should the button be offered? Asks the engine with placeholder details (a day-long
 * window, a justification) and ignores only the problems the user can still fix in the form.
 */
function offers(index: PolicyIndex, userId: string, type: 'SelfExtend' | 'SelfRenew' | 'SelfDeactivate', s: ScheduleFact, now: number): boolean {
  const r = evaluateSelfRequest(index, { userId, requestType: type, targetScheduleId: s.id, startAt: now, endAt: now + 86_400_000, justification: 'preview', now });
  if (r.ok) return true;
  return !r.violations.some((v) => ['not-in-extend-window', 'not-in-renew-window', 'target-not-found', 'not-active-or-scheduled', 'no-approver', 'principal-disabled'].includes(v.code));
}

/** Everything My roles shows, computed by the engine at `now`. */
export function myRoles(db: DbOrTx, user: { id: string; totpSecretEnc?: string | null }, now: number): MyRoles {
  const index = policyIndex(db);
  const result = build(index, user, now);
  // original casing of the ids, for the copy buttons
  const ids = [...new Set([...result.eligible, ...result.active, ...result.expired].map((r) => r.scopeId))];
  const armIds = new Map(ids.length ? db.select({ id: resources.id, armId: resources.armId }).from(resources).where(inArray(resources.id, ids)).all().map((r) => [r.id, r.armId]) : []);
  for (const r of [...result.eligible, ...result.active, ...result.expired]) r.armId = armIds.get(r.scopeId) ?? r.scopeId;
  return result;
}

function build(index: PolicyIndex, user: { id: string; totpSecretEnc?: string | null }, now: number): MyRoles {
  // ids for the copy buttons; myRoles swaps in the original casing
  const arm = (id: string) => id;
  const names = namesFor(index);
  const eligible: EligibleRow[] = activationOptions(index, user.id, now, { scopeLimit: SCOPE_LIMIT }).map((o) => ({
    eligibilityId: o.eligibility.id,
    roleId: o.roleId,
    roleName: names.role(o.roleId),
    scopeId: o.assignmentScopeId,
    crumbs: scopeCrumbs(index, o.assignmentScopeId),
    armId: arm(o.assignmentScopeId),
    source: o.source.memberType === 'Group' ? { memberType: 'Group', groupName: o.source.groupName } : { memberType: 'Direct' },
    status: o.status === 'Scheduled' ? 'Scheduled' : 'Active',
    startAt: o.window.startAt,
    endAt: o.window.endAt,
    truncated: o.truncated,
    canExtend: o.source.memberType === 'Direct' && offers(index, user.id, 'SelfExtend', o.eligibility, now),
    scopes: o.scopes.map((s) => ({
      id: s.scopeId,
      parentId: s.scope.parentId,
      name: s.scope.name,
      kind: s.scope.kind,
      path: names.scope(s.scopeId),
      inherited: s.scopeId !== o.assignmentScopeId,
      maxDurationMinutes: s.maxDurationMinutes,
      settingsMaxMinutes: s.settings.activationMaxMinutes,
      explicit: s.explicit,
      requires: s.requirements,
      outcome: previewText(index, s.outcome),
    })),
  }));

  const groups = index.groupsByUser.get(user.id) ?? new Set<string>();
  const reaching: ScheduleFact[] = [...(index.schedulesByUser.get(user.id) ?? []), ...[...groups].flatMap((g) => index.schedulesByGroup.get(g) ?? [])];
  const active: ActiveRow[] = [];
  const expired: ExpiredRow[] = [];
  for (const s of reaching) {
    const st = scheduleStatus(s, now);
    const direct = s.principal.type === 'User';
    if (s.kind === 'active' && (st === 'Active' || st === 'Scheduled')) {
      active.push({
        scheduleId: s.id, roleId: s.roleId, roleName: names.role(s.roleId), scopeId: s.scopeId, crumbs: scopeCrumbs(index, s.scopeId), armId: arm(s.scopeId),
        status: st, startAt: s.startAt, endAt: s.endAt, origin: s.origin, viaGroup: direct ? null : names.principal(s.principal), requestId: null,
        canDeactivate: direct && s.origin === 'activated' && offers(index, user.id, 'SelfDeactivate', s, now),
        canExtend: direct && s.origin === 'assigned' && offers(index, user.id, 'SelfExtend', s, now),
      });
    } else if ((st === 'Expired' || st === 'Revoked') && direct) {
      const end = effectiveEnd(s)!;
      if (now - end > RENEW_WINDOW_DAYS * DAY_MS) continue;
      const elig = s.linkedEligibilityId ? index.schedules.get(s.linkedEligibilityId) : undefined;
      const eligLive = elig && (scheduleStatus(elig, now) === 'Active');
      expired.push({
        scheduleId: s.id, kind: s.kind, roleId: s.roleId, roleName: names.role(s.roleId), scopeId: s.scopeId, crumbs: scopeCrumbs(index, s.scopeId), armId: arm(s.scopeId),
        status: st, endedAt: end, origin: s.origin,
        canRenew: s.origin === 'assigned' && offers(index, user.id, 'SelfRenew', s, now),
        reactivate: s.origin === 'activated' && eligLive ? { eligibilityId: elig!.id, scopeId: s.scopeId } : null,
      });
    }
  }
  active.sort((a, b) => (a.endAt ?? Infinity) - (b.endAt ?? Infinity));
  expired.sort((a, b) => b.endedAt - a.endedAt);
  return { eligible, active, expired, mfaEnrolled: !!user.totpSecretEnc };
}

