import 'server-only';
import { and, asc, desc, eq, gte, inArray, isNull, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { assignmentSchedules, eligibilitySchedules, resources, type AssignmentSchedule } from '@/db/schema';
import { assignmentFact, eligibilityFact } from '@/db/mappers';
import { subtreeRange } from '@/db/tree';
import { containsPattern, keysetPage, type Key, type Page, type Seek } from '@/lib/portal/keyset';
import {
  activationScopeOption,
  describe,
  effectiveEnd,
  evaluateSelfRequest,
  nodeOf,
  scheduleStatus,
  schedulesReaching,
  DAY_MS,
  RENEW_WINDOW_DAYS,
  type ActivationOutcomePreview,
  type ActivationScopeOption,
  type NameLookup,
  type PolicyIndex,
  type ScheduleFact,
} from '@/lib/policy';
import { policyIndex } from '@/lib/tenant/engine';
import { scopeCrumbs, type ScopeCrumb } from '@/lib/portal/scope-path';
import { nameLookup } from '@/lib/resources/names';

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
  outcome:
    | { kind: 'active' }
    | { kind: 'approval'; approvers: string[]; byPimAdmins: boolean; timeoutMinutes: number }
    | { kind: 'blocked'; reasons: string[] };
}

/**
 * What the activation dialog needs to open for one eligibility: the eligibility's own scope
 * with its outcome (null when it cannot be activated there, e.g. PIM is off). Deeper
 * scopes come from the scopes route (/my-roles/scopes) a level at a time.
 */
export interface ActivationTarget {
  eligibilityId: string;
  roleId: string;
  roleName: string;
  scopeId: string;
  crumbs: ScopeCrumb[];
  scope: ScopeChoice | null;
}

export interface EligibleRow extends ActivationTarget {
  armId: string;
  source: { memberType: 'Direct' } | { memberType: 'Group'; groupName: string };
  status: 'Active' | 'Scheduled';
  startAt: number;
  endAt: number | null;
  /** managed scopes below the eligibility's scope, counted in SQL up to SCOPES_BELOW_CAP; null when the scope is not managed */
  scopesBelow: { count: number; more: boolean } | null;
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
  /** "Activate again": the live eligibility it came from, opened at the scope it was activated at */
  reactivate: { eligibilityId: string; scopeId: string; target: ActivationTarget } | null;
}

/** A page of one tab: cursors for the links, and how many rows match (capped: `more` means "and more"). */
export interface ListPage {
  next: string | null;
  prev: string | null;
  count: number;
  more: boolean;
}

export interface MyRoles {
  /** one page of live eligibilities reaching the user, by role name, scope name, id */
  eligible: EligibleRow[];
  eligiblePage: ListPage;
  /** one page of live active assignments reaching the user, soonest end first */
  active: ActiveRow[];
  activePage: ListPage;
  /** one page of the Expired tab, newest end first, from SQL (the engine holds no history) */
  expired: ExpiredRow[];
  expiredPage: ListPage;
  /** the search applied to all three tabs (role or scope name), '' for none */
  q: string;
  mfaEnrolled: boolean;
}

export interface MyRolesOpts {
  eligible?: Seek;
  active?: Seek;
  expired?: Seek;
  /** role or scope name contains this (case-insensitive) */
  q?: string;
}

/** Rows per page of the Eligible and Active tabs. */
export const ROLES_PAGE_SIZE = 25;
/** An eligibility's place in the Eligible tab: (role name, scope name, id), lower-cased names. */
export const ELIGIBLE_KEY_SHAPE = ['s', 's', 's'] as const;
/** An active assignment's place in the Active tab: (end, id), soonest first, permanent last. */
export const ACTIVE_KEY_SHAPE = ['n', 's'] as const;
/** The Eligible and Active tabs' counts stop here ("100+"). */
const LIST_COUNT_CAP = 100;
/** "and 100+ scopes below": the subtree count stops here, so a management group costs what a small scope costs. */
export const SCOPES_BELOW_CAP = 100;
/** Names in a sort key are cut here, so a key always fits a cursor; the id keeps the order total. */
const KEY_NAME_MAX = 200;

/** Rows of the Expired tab per page. */
export const EXPIRED_PAGE_SIZE = 25;
/** An ended schedule's place in the Expired tab: (ended at, id), newest first. */
export const EXPIRED_KEY_SHAPE = ['n', 's'] as const;
/** The Expired tab's count stops here ("200+"). */
const EXPIRED_COUNT_CAP = 200;

function previewText(names: NameLookup, o: ActivationOutcomePreview): ScopeChoice['outcome'] {
  if (o.kind === 'active') return { kind: 'active' };
  if (o.kind === 'blocked') return { kind: 'blocked', reasons: o.reasons.map((r) => describe(r, names)) };
  return {
    kind: 'approval',
    approvers: o.approvers.map((a) => names.principal(a)),
    byPimAdmins: o.byPimAdmins,
    timeoutMinutes: o.timeoutMinutes,
  };
}

function scopeChoice(names: NameLookup, eligibilityScopeId: string, s: ActivationScopeOption): ScopeChoice {
  return {
    id: s.scopeId,
    parentId: s.scope.parentId,
    name: s.scope.name,
    kind: s.scope.kind,
    path: names.scope(s.scopeId),
    inherited: s.scopeId !== eligibilityScopeId,
    maxDurationMinutes: s.maxDurationMinutes,
    settingsMaxMinutes: s.settings.activationMaxMinutes,
    explicit: s.explicit,
    requires: s.requirements,
    outcome: previewText(names, s.outcome),
  };
}

/**
 * Should the button be offered? Asks the engine with placeholder details (a day-long
 * window, a justification) and ignores only the problems the user can still fix in the form.
 */
function offers(
  index: PolicyIndex,
  userId: string,
  type: 'SelfExtend' | 'SelfRenew' | 'SelfDeactivate',
  s: ScheduleFact,
  now: number,
): boolean {
  const r = evaluateSelfRequest(index, {
    userId,
    requestType: type,
    targetScheduleId: s.id,
    startAt: now,
    endAt: now + 86_400_000,
    justification: 'preview',
    now,
  });
  if (r.ok) return true;
  return !r.violations.some((v) =>
    [
      'not-in-extend-window',
      'not-in-renew-window',
      'target-not-found',
      'not-active-or-scheduled',
      'no-approver',
      'principal-disabled',
    ].includes(v.code),
  );
}

/**
 * Everything My roles shows at `now`, a page per tab: Eligible and Active live from the
 * engine's index (what reaches the user is filtered, searched, ordered and cut to the page
 * before the engine evaluates anything per row), Expired (ended or revoked in the last
 * RENEW_WINDOW_DAYS) from SQL. Each eligible row carries its own scope's outcome only;
 * the activation dialog loads the scopes below from /my-roles/scopes.
 */
export function myRoles(db: DbOrTx, user: { id: string; totpSecretEnc?: string | null }, now: number, opts: MyRolesOpts = {}): MyRoles {
  const index = policyIndex(db);
  const q = (opts.q ?? '').trim();
  const names = nameLookup(index);
  const eligible = eligibleRoles(db, index, names, user.id, now, opts.eligible ?? {}, q);
  const active = activeRoles(index, names, user.id, now, opts.active ?? {}, q);
  const history = expiredRoles(db, index, user.id, now, opts.expired ?? {}, EXPIRED_PAGE_SIZE, q);
  const result: MyRoles = {
    eligible: eligible.rows,
    eligiblePage: eligible.page,
    active: active.rows,
    activePage: active.page,
    expired: history.rows,
    expiredPage: history.page,
    q,
    mfaEnrolled: !!user.totpSecretEnc,
  };
  // original casing of the ids, for the copy buttons (at most three pages of rows)
  const shown = [...result.eligible, ...result.active, ...result.expired];
  const ids = [...new Set(shown.map((r) => r.scopeId))];
  const armIds = new Map(
    ids.length
      ? db
          .select({ id: resources.id, armId: resources.armId })
          .from(resources)
          .where(inArray(resources.id, ids))
          .all()
          .map((r) => [r.id, r.armId])
      : [],
  );
  for (const r of shown) r.armId = armIds.get(r.scopeId) ?? r.scopeId;
  return result;
}

/** A row of a list kept in memory, with its place in the list's order. */
interface Placed<T> {
  key: Key;
  item: T;
}

function compareKeys(a: Key, b: Key): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] < b[i]) return -1;
    if (a[i] > b[i]) return 1;
  }
  return 0;
}

/**
 * Keyset paging over rows already in memory (what reaches one user): one pass keeps the
 * `limit` first rows past the cursor, so nothing is sorted beyond the page.
 */
function memoryPage<T>(rows: Placed<T>[], seek: Seek, size: number): Page<Placed<T>> {
  const fetch = (dir: 'forward' | 'backward', from: Key | null, limit: number): Placed<T>[] => {
    const sign = dir === 'forward' ? 1 : -1;
    const out: Placed<T>[] = [];
    for (const r of rows) {
      if (from && sign * compareKeys(r.key, from) <= 0) continue;
      if (out.length === limit && sign * compareKeys(r.key, out[limit - 1].key) >= 0) continue;
      let lo = 0;
      let hi = out.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sign * compareKeys(out[mid].key, r.key) < 0) lo = mid + 1;
        else hi = mid;
      }
      out.splice(lo, 0, r);
      if (out.length > limit) out.pop();
    }
    return out;
  };
  return keysetPage(seek, size, fetch, (r) => r.key);
}

const listPage = (page: Page<unknown>, n: number): ListPage => ({
  next: page.next,
  prev: page.prev,
  count: Math.min(n, LIST_COUNT_CAP),
  more: n > LIST_COUNT_CAP,
});

/** The live schedules of one kind reaching the user: their own, and their groups'. */
function reaching(index: PolicyIndex, userId: string, kind: ScheduleFact['kind'], now: number): ScheduleFact[] {
  return schedulesReaching(index, userId).filter((s) => {
    if (s.kind !== kind) return false;
    const st = scheduleStatus(s, now);
    return st === 'Active' || st === 'Scheduled';
  });
}

/** Lower-cased names, once per call: many schedules share a role or a scope. */
function lowerNames(index: PolicyIndex) {
  const roles = new Map<string, string>();
  const scopes = new Map<string, string>();
  return {
    role: (id: string) => {
      let v = roles.get(id);
      if (v === undefined) roles.set(id, (v = (index.roles.get(id)?.name ?? id).toLowerCase()));
      return v;
    },
    scope: (id: string) => {
      let v = scopes.get(id);
      if (v === undefined) scopes.set(id, (v = (nodeOf(index, id)?.fact.name ?? id).toLowerCase()));
      return v;
    },
  };
}

/** The eligibility's own scope, evaluated by the engine: what the row and the dialog's first level show. */
function activationTarget(index: PolicyIndex, names: NameLookup, userId: string, elig: ScheduleFact, now: number): ActivationTarget {
  const o = activationScopeOption(index, userId, elig.id, elig.scopeId, now);
  return {
    eligibilityId: elig.id,
    roleId: elig.roleId,
    roleName: names.role(elig.roleId),
    scopeId: elig.scopeId,
    crumbs: scopeCrumbs(index, elig.scopeId),
    scope: o ? scopeChoice(names, elig.scopeId, o) : null,
  };
}

/**
 * How many scopes lie below each of these (managed) scopes, up to SCOPES_BELOW_CAP + 1:
 * one statement, a capped range of the path index per scope (db/tree.ts), whatever the
 * subtree's size. Children of a managed scope are managed, so this is what can be activated.
 */
function scopesBelow(db: DbOrTx, scopeIds: string[]): Map<string, number> {
  if (!scopeIds.length) return new Map();
  const one = (id: string) =>
    sql`SELECT ${id} AS id, (SELECT count(*) FROM (
      SELECT 1 FROM resources WHERE ${subtreeRange(sql`path`, id, { includeSelf: false })} LIMIT ${SCOPES_BELOW_CAP + 1}
    )) AS n`;
  const rows = db.all<{ id: string; n: number }>(sql.join(scopeIds.map(one), sql` UNION ALL `));
  return new Map(rows.map((r) => [r.id, r.n]));
}

/** One page of the Eligible tab: live eligibilities reaching the user, matched, ordered and cut in memory; then the page's rows evaluated. */
function eligibleRoles(
  db: DbOrTx,
  index: PolicyIndex,
  names: NameLookup,
  userId: string,
  now: number,
  seek: Seek,
  q: string,
  size = ROLES_PAGE_SIZE,
): { rows: EligibleRow[]; page: ListPage } {
  const user = index.users.get(userId);
  const lower = lowerNames(index);
  const needle = q.toLowerCase();
  const placed: Placed<ScheduleFact>[] = [];
  if (user && !user.disabled) {
    for (const s of reaching(index, userId, 'eligible', now)) {
      if (!nodeOf(index, s.scopeId)) continue;
      const role = lower.role(s.roleId);
      const scope = lower.scope(s.scopeId);
      if (needle && !role.includes(needle) && !scope.includes(needle)) continue;
      placed.push({ key: [role.slice(0, KEY_NAME_MAX), scope.slice(0, KEY_NAME_MAX), s.id], item: s });
    }
  }
  const page = memoryPage(placed, seek, size);
  const below = scopesBelow(db, [...new Set(page.rows.filter((r) => nodeOf(index, r.item.scopeId)?.managed).map((r) => r.item.scopeId))]);
  const rows = page.rows.map(({ item: s }): EligibleRow => {
    const target = activationTarget(index, names, userId, s, now);
    const n = target.scope ? below.get(s.scopeId) : undefined;
    const direct = s.principal.type === 'User';
    return {
      ...target,
      // ids for the copy buttons; myRoles swaps in the original casing
      armId: s.scopeId,
      source: direct
        ? { memberType: 'Direct' }
        : { memberType: 'Group', groupName: index.groups.get(s.principal.id)?.name ?? s.principal.id },
      status: scheduleStatus(s, now) === 'Scheduled' ? 'Scheduled' : 'Active',
      startAt: s.startAt,
      endAt: s.endAt,
      scopesBelow: n === undefined ? null : { count: Math.min(n, SCOPES_BELOW_CAP), more: n > SCOPES_BELOW_CAP },
      canExtend: direct && offers(index, userId, 'SelfExtend', s, now),
    };
  });
  return { rows, page: listPage(page, placed.length) };
}

/** One page of the Active tab: live active assignments reaching the user, soonest end first (permanent last). */
function activeRoles(
  index: PolicyIndex,
  names: NameLookup,
  userId: string,
  now: number,
  seek: Seek,
  q: string,
  size = ROLES_PAGE_SIZE,
): { rows: ActiveRow[]; page: ListPage } {
  const lower = lowerNames(index);
  const needle = q.toLowerCase();
  const placed: Placed<ScheduleFact>[] = [];
  for (const s of reaching(index, userId, 'active', now)) {
    if (needle && !lower.role(s.roleId).includes(needle) && !lower.scope(s.scopeId).includes(needle)) continue;
    placed.push({ key: [s.endAt ?? Number.MAX_SAFE_INTEGER, s.id], item: s });
  }
  const page = memoryPage(placed, seek, size);
  const rows = page.rows.map(({ item: s }): ActiveRow => {
    const st = scheduleStatus(s, now) === 'Scheduled' ? 'Scheduled' : 'Active';
    const direct = s.principal.type === 'User';
    return {
      scheduleId: s.id,
      roleId: s.roleId,
      roleName: names.role(s.roleId),
      scopeId: s.scopeId,
      crumbs: scopeCrumbs(index, s.scopeId),
      armId: s.scopeId,
      status: st,
      startAt: s.startAt,
      endAt: s.endAt,
      origin: s.origin,
      viaGroup: direct ? null : names.principal(s.principal),
      requestId: null,
      canDeactivate: direct && s.origin === 'activated' && offers(index, userId, 'SelfDeactivate', s, now),
      canExtend: direct && s.origin === 'assigned' && offers(index, userId, 'SelfExtend', s, now),
    };
  });
  return { rows, page: listPage(page, placed.length) };
}

/** When a schedule stopped granting, in SQL: the earlier of its end and its revocation (the engine's effectiveEnd). */
const endedAt = (t: typeof eligibilitySchedules | typeof assignmentSchedules) =>
  sql<
    number | null
  >`(CASE WHEN ${t.revokedAt} IS NULL THEN ${t.endAt} WHEN ${t.endAt} IS NULL THEN ${t.revokedAt} ELSE min(${t.endAt}, ${t.revokedAt}) END)`;

/**
 * The user's own (direct) eligible and active assignments that ended or were revoked in
 * the last RENEW_WINDOW_DAYS, newest end first, keyset-paged on (ended at, id). Each table
 * is read on its (principal, end) index, then the two ordered reads are merged.
 */
export function expiredRoles(
  db: DbOrTx,
  index: PolicyIndex,
  userId: string,
  now: number,
  seek: Seek,
  size = EXPIRED_PAGE_SIZE,
  q = '',
): { rows: ExpiredRow[]; page: ListPage } {
  const since = now - RENEW_WINDOW_DAYS * DAY_MS;
  const names = nameLookup(index);
  const pattern = containsPattern(q);
  const where = (t: typeof eligibilitySchedules | typeof assignmentSchedules) =>
    and(
      eq(t.principalType, 'User'),
      eq(t.principalId, userId),
      // anything that ended since `since` has an end after it, or none (revoked)
      or(isNull(t.endAt), gte(t.endAt, since)),
      sql`${endedAt(t)} <= ${now} AND ${endedAt(t)} >= ${since}`,
      // the search: role or scope name, one primary-key lookup per row of the user's own history
      q
        ? sql`(EXISTS (SELECT 1 FROM role_definitions d WHERE d.id = ${t.roleId} AND d.name LIKE ${pattern} ESCAPE '\\')
      OR EXISTS (SELECT 1 FROM resources r WHERE r.id = ${t.scopeId} AND r.display_name LIKE ${pattern} ESCAPE '\\'))`
        : undefined,
    );
  const read = (
    t: typeof eligibilitySchedules | typeof assignmentSchedules,
    dir: 'forward' | 'backward',
    from: Key | null,
    limit: number,
  ) => {
    const key = sql`(${endedAt(t)}, ${t.id})`;
    const past = from ? (dir === 'forward' ? sql`${key} < (${from[0]}, ${from[1]})` : sql`${key} > (${from[0]}, ${from[1]})`) : undefined;
    const order = dir === 'forward' ? [desc(endedAt(t)), desc(t.id)] : [asc(endedAt(t)), asc(t.id)];
    return db
      .select()
      .from(t)
      .where(and(where(t), past))
      .orderBy(...order)
      .limit(limit)
      .all();
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
    // the dialog opens from the eligibility's own scope, as on the Eligible tab
    const reactivate =
      s.origin === 'activated' && eligLive
        ? { eligibilityId: elig.id, scopeId: s.scopeId, target: activationTarget(index, names, userId, elig, now) }
        : null;
    return {
      scheduleId: s.id,
      kind: s.kind,
      roleId: s.roleId,
      roleName: names.role(s.roleId),
      scopeId: s.scopeId,
      crumbs: scopeCrumbs(index, s.scopeId),
      armId: s.scopeId,
      status: scheduleStatus(s, now) === 'Revoked' ? 'Revoked' : 'Expired',
      endedAt: effectiveEnd(s)!,
      origin: s.origin,
      // the engine decides whether renewal is offered (an admin-made assignment, inside the renew window)
      canRenew: s.origin === 'assigned' && offers(index, userId, 'SelfRenew', s, now),
      reactivate,
    };
  });
  return { rows, page: { next: page.next, prev: page.prev, count: Math.min(n, EXPIRED_COUNT_CAP), more: n > EXPIRED_COUNT_CAP } };
}
