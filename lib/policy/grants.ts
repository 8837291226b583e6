import type { ResourceNode } from './tenant-index';
import { inWindow } from './time';
import type { Millis, PrincipalRef, RequestFact, ScheduleFact, UserFact } from './types';

/**
 * Principal-centric index of the active schedules (ADR 011, made incremental by ADR 012).
 * The point queries start from the principal instead of the resource: most principals
 * hold a handful of active schedules, so "does u hold r at x?" reads the user's few
 * grants of the role and those of their 0–3 groups, and only when one of them is in its
 * window does it look the resource up at all. Ancestry is one array read on the target's
 * path (ResourceNode.path), so nothing walks parent pointers.
 *
 * Every structure here is updated fact by fact (addSchedule/removeSchedule, setUser,
 * addRequest/removeRequest) so a change costs what it touched, never the tenant.
 */

/** One active schedule on a known scope, with what hasRole reads copied inline. */
export class Grant {
  s: ScheduleFact;
  /** the scope's node: its depth is read live, since a move of the subtree changes it */
  node: ResourceNode;
  startAt: Millis;
  /** min(endAt, revokedAt); +Infinity when both are null */
  stop: Millis;
  constructor(s: ScheduleFact, node: ResourceNode) {
    this.s = s;
    this.node = node;
    this.startAt = s.startAt;
    this.stop = Math.min(s.endAt ?? Infinity, s.revokedAt ?? Infinity);
  }
}

/** Above this many grants of one role, a principal's grants are also keyed by scope node. */
const SCAN_MAX = 32;

/** A principal's active grants of one role, in the order they were indexed. */
export class RoleGrants {
  list: Grant[] = [];
  /** for principals with many grants of the role (a group assigned at thousands of scopes): by scope */
  byNode: Map<ResourceNode, Grant[]> | undefined = undefined;
}

export class PrincipalEntry {
  /** users only: the UserFact, undefined for an id that appears only in schedules, groups or requests */
  fact: UserFact | undefined;
  /** may this principal hold anything? false for disabled and unknown users (their schedules stay for the audit trail) */
  holds: boolean;
  /** own active grants by role id */
  roles: Map<string, RoleGrants> = new Map();
  /** users: entries of the user's groups (empty unless `holds`) */
  groups: PrincipalEntry[] = [];
  /** users: ids of all the user's groups (the same Set as PolicyIndex.groupsByUser) */
  groupSet: Set<string> | undefined;
  /** users: requests with this principal that are SelfActivate and stored as PendingApproval, in index order */
  pending: RequestFact[] | undefined = undefined;

  constructor(fact: UserFact | undefined, holds: boolean, groupSet: Set<string> | undefined) {
    this.fact = fact;
    this.holds = holds;
    this.groupSet = groupSet;
  }
}

/**
 * One eligible schedule with what evaluateActivation reads copied inline (who, which role,
 * the window, the scope's node), so the common case never dereferences the ScheduleFact
 * or its principal. `s` is the fact itself, for ids in violations.
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
  /** the scope's node; undefined for an unknown scope (nothing is under it) */
  node: ResourceNode | undefined;
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
    this.node = node;
  }
}

export class ActiveGrants {
  /**
   * Every user id that appears anywhere (users, schedule principals, group members,
   * request principals) → entry. A user id absent here has no fact, no groups, no
   * schedules and no requests.
   */
  users = new Map<string, PrincipalEntry>();
  /** group ids that are a member set or the principal of a schedule → entry */
  groups = new Map<string, PrincipalEntry>();
  /** eligible schedule id → entry */
  eligibilities = new Map<string, EligibilityEntry>();

  /**
   * `resources` = PolicyIndex.resources (so the hot path here needs no import of
   * tenant-index); `scanMax`: above this many grants of one role a principal's grants are
   * also keyed by scope (tests lower it to exercise that path on small tenants).
   */
  constructor(
    readonly resources: Map<string, ResourceNode>,
    readonly scanMax = SCAN_MAX,
  ) {}

  userEntry(id: string): PrincipalEntry {
    let e = this.users.get(id);
    if (e === undefined) {
      e = new PrincipalEntry(undefined, false, undefined);
      this.users.set(id, e);
    }
    return e;
  }

  groupEntry(id: string): PrincipalEntry {
    let e = this.groups.get(id);
    if (e === undefined) {
      e = new PrincipalEntry(undefined, true, undefined);
      this.groups.set(id, e);
    }
    return e;
  }

  /** The user's fact and group set changed (or the user is gone: fact undefined). */
  setUser(id: string, fact: UserFact | undefined, groupSet: Set<string> | undefined): void {
    const e = this.userEntry(id);
    e.fact = fact;
    e.holds = fact !== undefined && !fact.disabled;
    e.groupSet = groupSet;
    e.groups = [];
    if (e.holds && groupSet !== undefined) for (const gid of groupSet) e.groups.push(this.groupEntry(gid));
  }

  addSchedule(s: ScheduleFact, node: ResourceNode | undefined): void {
    if (s.kind === 'eligible') {
      const ee = new EligibilityEntry(s, node);
      if (ee.userId !== null) ee.user = this.userEntry(ee.userId);
      this.eligibilities.set(s.id, ee);
      return;
    }
    if (s.kind !== 'active' || node === undefined) return; // a schedule on an unknown scope grants nothing anywhere
    const e = s.principal.type === 'User' ? this.userEntry(s.principal.id) : this.groupEntry(s.principal.id);
    let rg = e.roles.get(s.roleId);
    if (rg === undefined) e.roles.set(s.roleId, (rg = new RoleGrants()));
    const grant = new Grant(s, node);
    rg.list.push(grant);
    if (rg.byNode !== undefined) addByNode(rg.byNode, grant);
    else if (rg.list.length > this.scanMax) {
      rg.byNode = new Map();
      for (const gr of rg.list) addByNode(rg.byNode, gr);
    }
  }

  removeSchedule(s: ScheduleFact): void {
    if (s.kind === 'eligible') {
      if (this.eligibilities.get(s.id)?.s === s) this.eligibilities.delete(s.id);
      return;
    }
    const e = s.principal.type === 'User' ? this.users.get(s.principal.id) : this.groups.get(s.principal.id);
    const rg = e?.roles.get(s.roleId);
    if (e === undefined || rg === undefined) return;
    const i = rg.list.findIndex((g) => g.s === s);
    if (i < 0) return;
    const [grant] = rg.list.splice(i, 1);
    if (rg.byNode !== undefined) {
      const at = rg.byNode.get(grant.node)!;
      at.splice(at.indexOf(grant), 1);
      if (at.length === 0) rg.byNode.delete(grant.node);
      if (rg.list.length <= this.scanMax / 2) rg.byNode = undefined;
    }
    if (rg.list.length === 0) e.roles.delete(s.roleId);
  }

  addRequest(r: RequestFact): void {
    if (r.principal.type !== 'User' || r.requestType !== 'SelfActivate' || r.status !== 'PendingApproval') return;
    const e = this.userEntry(r.principal.id);
    (e.pending ??= []).push(r);
  }

  removeRequest(r: RequestFact): void {
    const e = r.principal.type === 'User' ? this.users.get(r.principal.id) : undefined;
    if (e?.pending === undefined) return;
    const i = e.pending.indexOf(r);
    if (i < 0) return;
    e.pending.splice(i, 1);
    if (e.pending.length === 0) e.pending = undefined;
  }
}

function addByNode(map: Map<ResourceNode, Grant[]>, g: Grant): void {
  const list = map.get(g.node);
  if (list) list.push(g);
  else map.set(g.node, [g]);
}

/** inWindow on a grant; falls back to the schedule only for `at` = ±Infinity (null vs Infinity ends). */
function grantInWindow(g: Grant, at: Millis): boolean {
  return g.startAt <= at && (at < g.stop || (g.stop === Infinity && inWindow(g.s, at)));
}

/** Does the role's grant list hold one in its window at `at`, wherever its scope? (cheap pre-check) */
function mayHold(rg: RoleGrants | undefined, at: Millis): boolean {
  if (rg === undefined) return false;
  if (rg.byNode !== undefined) return true; // many grants: leave it to holdsAt
  const list = rg.list;
  for (let i = 0; i < list.length; i++) if (grantInWindow(list[i], at)) return true;
  return false;
}

/** Does the role's grant list hold it at `target` (the target or one of its ancestors) at `at`? */
function holdsAt(rg: RoleGrants | undefined, target: ResourceNode, at: Millis): boolean {
  if (rg === undefined) return false;
  const path = target.path;
  const byNode = rg.byNode;
  if (byNode === undefined) {
    const list = rg.list;
    for (let i = 0; i < list.length; i++) {
      const g = list[i];
      if (path[g.node.depth] === g.node && grantInWindow(g, at)) return true;
    }
    return false;
  }
  // many grants of this role: probe each of the target's ≤ 7 ancestors
  for (let d = 0; d < path.length; d++) {
    const at_ = byNode.get(path[d]);
    if (at_ === undefined) continue;
    for (let i = 0; i < at_.length; i++) if (grantInWindow(at_[i], at)) return true;
  }
  return false;
}

/**
 * hasRole's body (ADR 011/012): the principal's entry, then the grants of the role in its
 * own list and its groups' lists. The resource is looked up only when one of them is in
 * its window; ancestry is one read of the target's path. No allocation, no parent walk.
 */
export function principalHolds(g: ActiveGrants, principal: PrincipalRef, roleId: string, resourceId: string, at: Millis): boolean {
  // disabled (or unknown) users hold nothing, whatever their schedules say
  const entry = principal.type === 'User' ? g.users.get(principal.id) : g.groups.get(principal.id);
  if (entry === undefined || !entry.holds) return false;
  const own = entry.roles.get(roleId);
  const groups = entry.groups;
  // nothing of this role in its window (anywhere): a denial without touching the tree
  let candidate = mayHold(own, at);
  for (let i = 0; !candidate && i < groups.length; i++) candidate = mayHold(groups[i].roles.get(roleId), at);
  if (!candidate) return false;
  // nodeOf: ids are canonical lower case; tolerate a caller that forgot
  const target = g.resources.get(resourceId) ?? g.resources.get(resourceId.toLowerCase());
  if (target === undefined) return false;
  if (holdsAt(own, target, at)) return true;
  for (let i = 0; i < groups.length; i++) if (holdsAt(groups[i].roles.get(roleId), target, at)) return true;
  return false;
}
