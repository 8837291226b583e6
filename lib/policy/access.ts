import { MANAGEMENT_ROLE_IDS } from './constants';
import { principalHolds } from './grants';
import type { Reason } from './reasons';
import { nodeOf, type PolicyIndex, type ResourceNode } from './tenant-index';
import { inWindow } from './time';
import type { Millis, PrincipalRef, ScheduleFact } from './types';

/**
 * Azure's memberType: Group when the assignment reaches the principal through a group
 * (takes precedence), else Direct at this exact scope, else Inherited from an ancestor.
 */
export type MemberType = 'Direct' | 'Inherited' | 'Group';

export interface AccessSource {
  memberType: MemberType;
  /** scope the assignment was made at */
  fromScopeId: string;
  /** true when fromScopeId is an ancestor of the queried resource (also for Group) */
  inherited: boolean;
  groupId?: string;
}

export interface AccessEntry {
  roleId: string;
  schedule: ScheduleFact;
  source: AccessSource;
}

export interface EffectiveAccess {
  active: AccessEntry[];
  eligible: AccessEntry[];
}

/**
 * Who the schedule's principal must be for `principal` to receive it: the principal
 * itself, or (for a user) one of the user's groups. Returns the group id when via group,
 * '' when direct, null when it does not reach.
 */
function reaches(s: ScheduleFact, principal: PrincipalRef, groups: Set<string> | undefined): string | null {
  if (s.principal.id === principal.id && s.principal.type === principal.type) return '';
  if (groups !== undefined && s.principal.type === 'Group' && groups.has(s.principal.id)) return s.principal.id;
  return null;
}

/** The user's groups, or undefined for groups/disabled users; `false` = principal may hold nothing. */
function principalGroups(index: PolicyIndex, principal: PrincipalRef): Set<string> | undefined | false {
  if (principal.type !== 'User') return undefined;
  const u = index.users.get(principal.id);
  // disabled (or unknown) users hold nothing, whatever their schedules say
  if (!u || u.disabled) return false;
  return index.groupsByUser.get(principal.id);
}

function collect(
  out: AccessEntry[],
  byRole: Map<string, ScheduleFact[]> | undefined,
  node: ResourceNode,
  target: ResourceNode,
  principal: PrincipalRef,
  groups: Set<string> | undefined,
  at: Millis,
) {
  if (!byRole) return;
  for (const [roleId, list] of byRole) {
    for (const s of list) {
      if (!inWindow(s, at)) continue;
      const via = reaches(s, principal, groups);
      if (via === null) continue;
      const inherited = node !== target;
      out.push({
        roleId,
        schedule: s,
        source: via
          ? { memberType: 'Group', fromScopeId: node.fact.id, inherited, groupId: via }
          : { memberType: inherited ? 'Inherited' : 'Direct', fromScopeId: node.fact.id, inherited },
      });
    }
  }
}

/** Every role the principal holds (active) or may activate (eligible) at the resource at `at`. */
export function effectiveAccess(index: PolicyIndex, principal: PrincipalRef, resourceId: string, at: Millis): EffectiveAccess {
  const result: EffectiveAccess = { active: [], eligible: [] };
  const target = nodeOf(index, resourceId);
  const groups = principalGroups(index, principal);
  if (!target || groups === false) return result;
  for (let n: ResourceNode | null = target; n; n = n.parent) {
    collect(result.active, n.active, n, target, principal, groups, at);
    collect(result.eligible, n.eligible, n, target, principal, groups, at);
  }
  return result;
}

/**
 * The hot path: does the principal hold the role at the resource at `at`? Starts from the
 * principal (ADR 011): reads the few active grants of the principal and of the user's
 * groups, and only when one is for the role and in its window looks the resource up and
 * reads the target's ancestor path. No allocation, no parent walk.
 */
export function hasRole(index: PolicyIndex, principal: PrincipalRef, roleId: string, resourceId: string, at: Millis): boolean {
  return principalHolds(index.grants, principal, roleId, resourceId, at);
}

export interface ManagementAccess {
  allowed: boolean;
  /** what grants access (pim-admin, management-role) */
  reasons: Reason[];
  /** eligibilities for Owner/UAA that would grant access once activated */
  eligibleOnly: Reason[];
}

function managementReasons(index: PolicyIndex, userId: string, start: ResourceNode, now: Millis, kind: 'active' | 'eligible'): Reason[] {
  const principal: PrincipalRef = { type: 'User', id: userId };
  const groups = index.groupsByUser.get(userId);
  const out: Reason[] = [];
  for (let n: ResourceNode | null = start; n; n = n.parent) {
    const byRole = kind === 'active' ? n.active : n.eligible;
    if (!byRole) continue;
    for (const roleId of MANAGEMENT_ROLE_IDS) {
      for (const s of byRole.get(roleId) ?? []) {
        if (!inWindow(s, now)) continue;
        const via = reaches(s, principal, groups);
        if (via === null) continue;
        out.push({
          code: kind === 'active' ? 'management-role' : 'activate-first',
          roleId,
          scopeId: n.fact.id,
          scheduleId: s.id,
          ...(via ? { groupId: via } : {}),
        });
      }
    }
  }
  return out;
}

/** Rule 7: may this user assign roles and edit settings at the scope now? */
export function managementAccess(index: PolicyIndex, userId: string, scopeId: string, now: Millis): ManagementAccess {
  const user = index.users.get(userId);
  const node = nodeOf(index, scopeId);
  if (!user || user.disabled || !node) return { allowed: false, reasons: [], eligibleOnly: [] };
  const reasons: Reason[] = user.isPimAdmin ? [{ code: 'pim-admin', principal: { type: 'User', id: userId } }] : [];
  reasons.push(...managementReasons(index, userId, node, now, 'active'));
  const eligibleOnly = reasons.length ? [] : managementReasons(index, userId, node, now, 'eligible');
  return { allowed: reasons.length > 0, reasons, eligibleOnly };
}

export interface Manager {
  userId: string;
  reasons: Reason[];
}

/** Everyone (enabled users) who may manage at the scope now, and why. Groups are expanded to members. */
export function managersOf(index: PolicyIndex, scopeId: string, now: Millis): Manager[] {
  const byUser = new Map<string, Reason[]>();
  const add = (userId: string, r: Reason) => {
    const u = index.users.get(userId);
    if (!u || u.disabled) return;
    const list = byUser.get(userId);
    if (list) list.push(r);
    else byUser.set(userId, [r]);
  };
  for (const u of index.pimAdmins) add(u.id, { code: 'pim-admin', principal: { type: 'User', id: u.id } });
  for (let n = nodeOf(index, scopeId) ?? null; n; n = n.parent) {
    for (const roleId of MANAGEMENT_ROLE_IDS) {
      for (const s of n.active?.get(roleId) ?? []) {
        if (!inWindow(s, now)) continue;
        const base: Reason = { code: 'management-role', roleId, scopeId: n.fact.id, scheduleId: s.id };
        if (s.principal.type === 'User') add(s.principal.id, base);
        else for (const m of index.groups.get(s.principal.id)?.memberIds ?? []) add(m, { ...base, groupId: s.principal.id });
      }
    }
  }
  return [...byUser].map(([userId, reasons]) => ({ userId, reasons }));
}

/**
 * Every schedule that reaches the user: their own, then those of each group they are in (the
 * index holds live and future schedules). What "mine" means on My roles, the home page, the
 * persona and the API's eligibility lookup; callers filter by kind and time.
 */
export function schedulesReaching(index: PolicyIndex, userId: string): ScheduleFact[] {
  const out: ScheduleFact[] = [...(index.schedulesByUser.get(userId) ?? [])];
  for (const g of index.groupsByUser.get(userId) ?? []) {
    const list = index.schedulesByGroup.get(g);
    if (list !== undefined) for (const s of list) out.push(s);
  }
  return out;
}

/**
 * A tenant PIM administrator now: known, enabled and marked as one. Tenant-wide things (users
 * and groups, the tenant audit and its export, the outbox, connectors, new top-level
 * resources) are theirs alone; everything at a scope goes by managementAccess.
 */
export function isTenantPimAdmin(index: PolicyIndex, userId: string): boolean {
  const u = index.users.get(userId);
  return u !== undefined && !u.disabled && u.isPimAdmin;
}

/**
 * Does the user administer PIM anywhere (the admin area and its navigation)? A tenant PIM
 * administrator, or an active Owner / User Access Administrator somewhere, directly or through
 * a group (rule 7's management roles, held now).
 */
export function administersAnywhere(index: PolicyIndex, userId: string, now: Millis): boolean {
  const user = index.users.get(userId);
  if (!user || user.disabled) return false;
  if (user.isPimAdmin) return true;
  return schedulesReaching(index, userId).some(
    (s) => s.kind === 'active' && MANAGEMENT_ROLE_IDS.includes(s.roleId) && hasRole(index, s.principal, s.roleId, s.scopeId, now),
  );
}
