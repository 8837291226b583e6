import 'server-only';
import { and, asc, desc, eq, gte, inArray, isNull, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { assignmentSchedules, eligibilitySchedules, resources, type AssignmentSchedule } from '@/db/schema';
import { assignmentFact, eligibilityFact } from '@/db/mappers';
import { keysetPage, type Key, type Seek } from '@/lib/portal/keyset';
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
  /** one page of the Expired tab, newest end first, from SQL (the engine holds no history) */
  expired: ExpiredRow[];
  expiredPage: { next: string | null; prev: string | null; count: number; more: boolean };
  mfaEnrolled: boolean;
}

/** Rows of the Expired tab per page. */
export const EXPIRED_PAGE_SIZE = 25;
/** An ended schedule's place in the Expired tab: (ended at, id), newest first. */
export const EXPIRED_KEY_SHAPE = ['n', 's'] as const;
/** The Expired tab's count stops here ("200+"). */
const EXPIRED_COUNT_CAP = 200;

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

/**
 * Everything My roles shows at `now`: Eligible and Active live from the engine, Expired
 * (ended or revoked in the last RENEW_WINDOW_DAYS) one page at a time from SQL.
 */
export function myRoles(db: DbOrTx, user: { id: string; totpSecretEnc?: string | null }, now: number, opts: { expired?: Seek } = {}): MyRoles {
  const index = policyIndex(db);
  const live = build(index, user, now);
  const history = expiredRoles(db, index, user.id, now, opts.expired ?? {});
  const result: MyRoles = { ...live, expired: history.rows, expiredPage: history.page };
  // original casing of the ids, for the copy buttons
  const ids = [...new Set([...result.eligible, ...result.active, ...result.expired].map((r) => r.scopeId))];
  const armIds = new Map(ids.length ? db.select({ id: resources.id, armId: resources.armId }).from(resources).where(inArray(resources.id, ids)).all().map((r) => [r.id, r.armId]) : []);
  for (const r of [...result.eligible, ...result.active, ...result.expired]) r.armId = armIds.get(r.scopeId) ?? r.scopeId;
  return result;
}

/** When a schedule stopped granting, in SQL: the earlier of its end and its revocation (the engine's effectiveEnd). */
const endedAt = (t: typeof eligibilitySchedules | typeof assignmentSchedules) =>
  sql<number | null>`(CASE WHEN ${t.revokedAt} IS NULL THEN ${t.endAt} WHEN ${t.endAt} IS NULL THEN ${t.revokedAt} ELSE min(${t.endAt}, ${t.revokedAt}) END)`;

/**
 * The user's own (direct) eligible and active assignments that ended or were revoked in
 * the last RENEW_WINDOW_DAYS, newest end first, keyset-paged on (ended at, id). Each table
 * is read on its (principal, end) index, then the two ordered reads are merged.
 */
export function expiredRoles(db: DbOrTx, index: PolicyIndex, userId: string, now: number, seek: Seek, size = EXPIRED_PAGE_SIZE): { rows: ExpiredRow[]; page: MyRoles['expiredPage'] } {
  const since = now - RENEW_WINDOW_DAYS * DAY_MS;
  const names = namesFor(index);
  const where = (t: typeof eligibilitySchedules | typeof assignmentSchedules) => and(
    eq(t.principalType, 'User'), eq(t.principalId, userId),
    // anything that ended since `since` has an end after it, or none (revoked)
    or(isNull(t.endAt), gte(t.endAt, since)),
    sql`${endedAt(t)} <= ${now} AND ${endedAt(t)} >= ${since}`,
  );
  const read = (t: typeof eligibilitySchedules | typeof assignmentSchedules, dir: 'forward' | 'backward', from: Key | null, limit: number) => {
    const key = sql`(${endedAt(t)}, ${t.id})`;
    const past = from ? (dir === 'forward' ? sql`${key} < (${from[0]}, ${from[1]})` : sql`${key} > (${from[0]}, ${from[1]})`) : undefined;
    const order = dir === 'forward' ? [desc(endedAt(t)), desc(t.id)] : [asc(endedAt(t)), asc(t.id)];
    return db.select().from(t).where(and(where(t), past)).orderBy(...order).limit(limit).all();
  };
  const facts = (dir: 'forward' | 'backward', from: Key | null, limit: number): ScheduleFact[] => {
    const merged = [
      ...read(eligibilitySchedules, dir, from, limit).map(eligibilityFact),
      ...(read(assignmentSchedules, dir, from, limit) as AssignmentSchedule[]).map(assignmentFact),
    ];
    const sign = dir === 'forward' ? -1 : 1;
    return merged.sort((a, b) => sign * (effectiveEnd(a)! - effectiveEnd(b)! || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))).slice(0, limit);
  };
  const page = keysetPage(seek, size, facts, (s) => [effectiveEnd(s)!, s.id]);
  const count = (t: typeof eligibilitySchedules | typeof assignmentSchedules) =>
    db.get<{ n: number }>(sql`SELECT count(*) AS n FROM (SELECT 1 FROM ${t} WHERE ${where(t)} LIMIT ${EXPIRED_COUNT_CAP + 1})`)?.n ?? 0;
  const n = count(eligibilitySchedules) + count(assignmentSchedules);
  const rows = page.rows.map((s): ExpiredRow => {
    const elig = s.linkedEligibilityId ? index.schedules.get(s.linkedEligibilityId) : undefined;
    const eligLive = elig !== undefined && scheduleStatus(elig, now) === 'Active';
    return {
      scheduleId: s.id, kind: s.kind, roleId: s.roleId, roleName: names.role(s.roleId), scopeId: s.scopeId, crumbs: scopeCrumbs(index, s.scopeId), armId: s.scopeId,
      status: scheduleStatus(s, now) === 'Revoked' ? 'Revoked' : 'Expired', endedAt: effectiveEnd(s)!, origin: s.origin,
      // the engine decides whether renewal is offered (an admin-made assignment, inside the renew window)
      canRenew: s.origin === 'assigned' && offers(index, userId, 'SelfRenew', s, now),
      reactivate: s.origin === 'activated' && eligLive ? { eligibilityId: elig.id, scopeId: s.scopeId } : null,
    };
  });
  return { rows, page: { next: page.next, prev: page.prev, count: Math.min(n, EXPIRED_COUNT_CAP), more: n > EXPIRED_COUNT_CAP } };
}

function build(index: PolicyIndex, user: { id: string; totpSecretEnc?: string | null }, now: number): Omit<MyRoles, 'expired' | 'expiredPage'> {
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
    }
  }
  active.sort((a, b) => (a.endAt ?? Infinity) - (b.endAt ?? Infinity));
  return { eligible, active, mfaEnrolled: !!user.totpSecretEnc };
}

