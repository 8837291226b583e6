import type { ResourceNode } from './tenant-index';
import { inWindow } from './time';
import type { Millis, PrincipalRef, RequestFact, ScheduleFact, TenantSnapshot, UserFact } from './types';

/**
 * Principal-centric index of the active schedules (ADR 011), built once with the rest of
 * the PolicyIndex. The point queries start from the principal instead of the resource:
 * most principals hold a handful of active schedules, so "does u hold r at x?" reads the
 * user's few grants and those of their 0–3 groups, and only when one of them is for the
 * role and in its window does it look the resource up at all. Ancestry is two number
 * comparisons against the resource's pre-order range (ResourceNode.pre/end), so nothing
 * walks parent pointers.
 *
 * Every active schedule whose scope is a known resource is one tuple of STRIDE doubles in
 * one shared Float64Array, `t`:
 *   [role, pre, end, startAt, stop]
 * role   = number of the role (see `roleIdx`),
 * pre    = the scope's pre-order number, end = one past its subtree,
 * startAt, stop = the window: stop = min(endAt, revokedAt), +Infinity when both are null.
 * `sched[i]` is tuple i's ScheduleFact. A principal's tuples are one contiguous range
 * sorted by (role, pre, snapshot order), so a role's grants are one sub-range found by
 * binary search and grants at one scope keep the snapshot's order.
 */
const STRIDE = 5;
const ROLE = 0;
const PRE = 1;
const END = 2;
const START = 3;
const STOP = 4;

/** Above this many grants of one role, hasRole probes the target's ancestors by binary search instead of scanning. */
const SCAN_MAX = 32;

export class PrincipalEntry {
  /** users only: the UserFact, undefined for an id that appears only in schedules, groups or requests */
  fact: UserFact | undefined;
  /** may this principal hold anything? false for disabled and unknown users (their schedules stay for the audit trail) */
  holds: boolean;
  /** this principal's own tuples: [off, off + len) in tuple units */
  off = 0;
  len = 0;
  /** users: entries of the user's groups that hold at least one active schedule (empty unless `holds`) */
  groups: PrincipalEntry[] = [];
  /** users: ids of all the user's groups (the same Set as PolicyIndex.groupsByUser) */
  groupSet: Set<string> | undefined;
  /** users: requests with this principal that are SelfActivate and stored as PendingApproval, in snapshot order */
  pending: RequestFact[] | undefined;

  constructor(fact: UserFact | undefined, holds: boolean, groupSet: Set<string> | undefined) {
    this.fact = fact;
    this.holds = holds;
    this.groupSet = groupSet;
    this.pending = undefined;
  }
}

export interface ActiveGrants {
  /** tuples, STRIDE doubles each */
  t: Float64Array;
  sched: ScheduleFact[];
  /**
   * Every user id that appears anywhere (users, schedule principals, group members,
   * request principals) → entry. A user id absent here has no fact, no groups, no
   * schedules and no requests.
   */
  users: Map<string, PrincipalEntry>;
  /** group ids that are the principal of at least one active schedule on a known scope */
  groups: Map<string, PrincipalEntry>;
  /** role id → role number in tuples (every role in the snapshot's roles and schedules) */
  roleIdx: Map<string, number>;
  /**
   * Eligible schedule id → the schedule and its scope's pre-order range, so
   * evaluateActivation tests "is the activation scope under the eligibility's scope?"
   * without looking the eligibility's scope up. Same last-wins as PolicyIndex.schedules:
   * an id whose last schedule is not eligible is absent.
   */
  eligibilities: Map<string, EligibilityEntry>;
  /** PolicyIndex.resources (so the hot path here needs no import of tenant-index) */
  resources: Map<string, ResourceNode>;
}

/**
 * One eligible schedule with what evaluateActivation reads copied inline (who, which role,
 * the window, the scope's pre-order range), so the common case never dereferences the
 * ScheduleFact or its principal. Facts are immutable once indexed (the node lists and
 * buckets already assume it); `s` is the fact itself, for ids in violations.
 */
export class EligibilityEntry {
  s: ScheduleFact;
  /** principal id when the principal is a user, else null */
  userId: string | null;
  /** principal id when the principal is a group, else null */
  groupId: string | null;
  roleId: string;
  startAt: Millis;
  endAt: Millis | null;
  revokedAt: Millis | null;
  /** the scope's pre-order range as nodeOf(s.scopeId) finds it; -1/-1 for an unknown scope (nothing is under it) */
  pre: number;
  end: number;
  /** for a user's eligibility: that user's entry (ActiveGrants.users.get(userId)), saving the requester lookup */
  user: PrincipalEntry | undefined = undefined;
  constructor(s: ScheduleFact, node: ResourceNode | undefined) {
    this.s = s;
    this.userId = s.principal.type === 'User' ? s.principal.id : null;
    this.groupId = s.principal.type === 'Group' ? s.principal.id : null;
    this.roleId = s.roleId;
    this.startAt = s.startAt;
    this.endAt = s.endAt;
    this.revokedAt = s.revokedAt;
    this.pre = node === undefined ? -1 : node.pre;
    this.end = node === undefined ? -1 : node.end;
  }
}

/**
 * Fed from buildPolicyIndex's one pass over the schedules (`add`, while the schedule and
 * its node are hot in cache), then `finish`ed once users, groups and requests are known.
 */
export class GrantsBuilder {
  private readonly roleIdx = new Map<string, number>();
  private readonly eligibilities = new Map<string, EligibilityEntry>();
  /** positions of the active schedules on known scopes, per principal id, in snapshot order */
  private readonly byUser = new Map<string, number[]>();
  private readonly byGroup = new Map<string, number[]>();
  /** the tuple of each such schedule, by snapshot position */
  private readonly tmp: Float64Array;
  private readonly facts: ScheduleFact[];
  private count = 0;

  constructor(snapshot: TenantSnapshot, private readonly resources: Map<string, ResourceNode>) {
    for (const r of snapshot.roles) if (!this.roleIdx.has(r.id)) this.roleIdx.set(r.id, this.roleIdx.size);
    this.tmp = new Float64Array(snapshot.schedules.length * STRIDE);
    this.facts = snapshot.schedules;
  }

  /** schedule `i` of the snapshot, and resources.get(s.scopeId) */
  add(i: number, s: ScheduleFact, node: ResourceNode | undefined): void {
    let role = this.roleIdx.get(s.roleId);
    if (role === undefined) this.roleIdx.set(s.roleId, (role = this.roleIdx.size));
    if (s.kind === 'eligible') {
      // nodeOf's lookup: exact id, then lower-cased
      this.eligibilities.set(s.id, new EligibilityEntry(s, node ?? this.resources.get(s.scopeId.toLowerCase())));
      return;
    }
    if (s.kind !== 'active' || node === undefined) return; // a schedule on an unknown scope grants nothing anywhere
    const o = i * STRIDE;
    const t = this.tmp;
    t[o + ROLE] = role;
    t[o + PRE] = node.pre;
    t[o + END] = node.end;
    t[o + START] = s.startAt;
    t[o + STOP] = Math.min(s.endAt ?? Infinity, s.revokedAt ?? Infinity);
    this.count++;
    const byPrincipal = s.principal.type === 'User' ? this.byUser : this.byGroup;
    const list = byPrincipal.get(s.principal.id);
    if (list) list.push(i);
    else byPrincipal.set(s.principal.id, [i]);
  }

  /** `schedules` = PolicyIndex.schedules (last schedule with an id wins) */
  finish(
    snapshot: TenantSnapshot, users: Map<string, UserFact>, groupsByUser: Map<string, Set<string>>, schedules: Map<string, ScheduleFact>,
  ): ActiveGrants {
    if (schedules.size < snapshot.schedules.length) {
      // an id was reused: keep an eligibility entry only where the eligibility is the id's last schedule
      for (const [id, ee] of this.eligibilities) if (schedules.get(id) !== ee.s) this.eligibilities.delete(id);
    }
    const userEntries = new Map<string, PrincipalEntry>();
    const userEntry = (id: string): PrincipalEntry => {
      let e = userEntries.get(id);
      if (e === undefined) {
        const fact = users.get(id);
        e = new PrincipalEntry(fact, fact !== undefined && !fact.disabled, groupsByUser.get(id));
        userEntries.set(id, e);
      }
      return e;
    };
    for (const u of snapshot.users) userEntry(u.id);
    for (const id of groupsByUser.keys()) userEntry(id);
    for (const ee of this.eligibilities.values()) if (ee.userId !== null) ee.user = userEntry(ee.userId);

    const tmp = this.tmp;
    const t = new Float64Array(this.count * STRIDE);
    const sched: ScheduleFact[] = new Array(this.count);
    let next = 0;
    // by (role, scope pre-order, snapshot position): grants at one scope keep snapshot order
    const order = (a: number, b: number) => tmp[a * STRIDE + ROLE] - tmp[b * STRIDE + ROLE] || tmp[a * STRIDE + PRE] - tmp[b * STRIDE + PRE] || a - b;
    const lay = (e: PrincipalEntry, list: number[]) => {
      if (list.length > 1) list.sort(order);
      e.off = next;
      e.len = list.length;
      for (const i of list) {
        for (let k = 0, from = i * STRIDE, to = next * STRIDE; k < STRIDE; k++) t[to + k] = tmp[from + k];
        sched[next++] = this.facts[i];
      }
    };
    for (const [id, list] of this.byUser) lay(userEntry(id), list);
    const groups = new Map<string, PrincipalEntry>();
    for (const [gid, list] of this.byGroup) {
      const e = new PrincipalEntry(undefined, true, undefined);
      lay(e, list);
      groups.set(gid, e);
    }

    for (const e of userEntries.values()) {
      if (!e.holds || e.groupSet === undefined) continue;
      for (const gid of e.groupSet) {
        const g = groups.get(gid);
        if (g !== undefined) e.groups.push(g);
      }
    }

    for (const r of snapshot.requests) {
      if (r.principal.type !== 'User' || r.requestType !== 'SelfActivate' || r.status !== 'PendingApproval') continue;
      const e = userEntry(r.principal.id);
      (e.pending ??= []).push(r);
    }

    return { t, sched, users: userEntries, groups, roleIdx: this.roleIdx, eligibilities: this.eligibilities, resources: this.resources };
  }
}

/** inWindow on a tuple; falls back to the schedule only for `at` = ±Infinity (null vs Infinity ends). */
function tupleInWindow(g: ActiveGrants, i: number, at: Millis): boolean {
  const o = i * STRIDE;
  const t = g.t;
  return t[o + START] <= at && (at < t[o + STOP] || (t[o + STOP] === Infinity && inWindow(g.sched[i], at)));
}

/** First tuple index in [lo, hi) whose (role, pre) is >= (role, pre). */
function lowerBound(t: Float64Array, lo: number, hi: number, role: number, pre: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const o = mid * STRIDE;
    const r = t[o + ROLE];
    if (r < role || (r === role && t[o + PRE] < pre)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Does the range hold a grant of `role` that is in its window at `at`, wherever its scope? (cheap pre-check; may say yes for long lists) */
function mayHold(g: ActiveGrants, off: number, len: number, role: number, at: Millis): boolean {
  if (len === 0) return false;
  const hi = off + len;
  const t = g.t;
  let i = len <= 4 ? off : lowerBound(t, off, hi, role, -1);
  for (let n = 0; i < hi && t[i * STRIDE + ROLE] <= role; i++) {
    if (t[i * STRIDE + ROLE] !== role) continue;
    if (++n > SCAN_MAX) return true; // leave it to holdsAt
    if (tupleInWindow(g, i, at)) return true;
  }
  return false;
}

/** Does the range hold `role` at `target` (the target or one of its ancestors) at `at`? */
function holdsAt(g: ActiveGrants, off: number, len: number, role: number, target: ResourceNode, at: Millis): boolean {
  if (len === 0) return false;
  const hi = off + len;
  const t = g.t;
  const lo = lowerBound(t, off, hi, role, -1);
  if (lo === hi || t[lo * STRIDE + ROLE] !== role) return false;
  const roleEnd = lowerBound(t, lo, hi, role + 1, -1);
  const tpre = target.pre;
  if (roleEnd - lo <= SCAN_MAX) {
    // sorted by pre: ancestors of the target all have pre <= target.pre
    for (let i = lo; i < roleEnd; i++) {
      const o = i * STRIDE;
      if (t[o + PRE] > tpre) break;
      if (tpre < t[o + END] && tupleInWindow(g, i, at)) return true;
    }
    return false;
  }
  // many grants of this role (a group assigned at thousands of scopes): probe each ancestor
  for (let n: ResourceNode | null = target; n !== null; n = n.parent) {
    for (let i = lowerBound(t, lo, roleEnd, role, n.pre); i < roleEnd && t[i * STRIDE + PRE] === n.pre; i++) {
      if (tupleInWindow(g, i, at)) return true;
    }
  }
  return false;
}

/** Tuple index of the entry's first own grant of `role` made exactly at `node`; with ownEndAtScope, the range [first, end) of them, in snapshot order. */
export function ownFirstAtScope(g: ActiveGrants, e: PrincipalEntry, role: number, node: ResourceNode): number {
  return lowerBound(g.t, e.off, e.off + e.len, role, node.pre);
}

export function ownEndAtScope(g: ActiveGrants, e: PrincipalEntry, role: number, node: ResourceNode, first: number): number {
  const t = g.t;
  const hi = e.off + e.len;
  let i = first;
  while (i < hi && t[i * STRIDE + ROLE] === role && t[i * STRIDE + PRE] === node.pre) i++;
  return i;
}

/**
 * hasRole's body (ADR 011): the principal's entry, then the grants of the role in its own
 * range and its groups' ranges. The resource is looked up only when one of them is in
 * its window; ancestry is a pre-order range test. No allocation, no parent walk.
 */
export function principalHolds(g: ActiveGrants, principal: PrincipalRef, roleId: string, resourceId: string, at: Millis): boolean {
  // disabled (or unknown) users hold nothing, whatever their schedules say
  const entry = principal.type === 'User' ? g.users.get(principal.id) : g.groups.get(principal.id);
  if (entry === undefined || !entry.holds) return false;
  const role = g.roleIdx.get(roleId);
  if (role === undefined) return false; // no schedule anywhere has this role
  const groups = entry.groups;
  // nothing of this role in its window (anywhere): a denial without touching the tree
  let candidate = mayHold(g, entry.off, entry.len, role, at);
  for (let i = 0; !candidate && i < groups.length; i++) candidate = mayHold(g, groups[i].off, groups[i].len, role, at);
  if (!candidate) return false;
  // nodeOf: ids are canonical lower case; tolerate a caller that forgot
  const target = g.resources.get(resourceId) ?? g.resources.get(resourceId.toLowerCase());
  if (target === undefined) return false;
  if (holdsAt(g, entry.off, entry.len, role, target, at)) return true;
  for (let i = 0; i < groups.length; i++) if (holdsAt(g, groups[i].off, groups[i].len, role, target, at)) return true;
  return false;
}
