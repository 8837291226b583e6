import { managementAccess, managersOf } from './access';
import type { Reason, Violation } from './reasons';
import { settingsAtNode } from './settings';
import { descendantNodes, isNodeUnder, nodeOf, type PolicyIndex, type ResourceNode } from './tenant-index';
import { scheduleStatus } from './time';
import type { Millis, PrincipalRef, RoleSettings, ScheduleFact } from './types';

/**
 * Rule 10, separation of duties (DESIGN.md, ADR 090): no one grants, changes, extends or
 * renews access for themselves (directly or through a group they are in), nor weakens the
 * settings of a scope-role where they hold an eligible or active assignment there or above.
 * Removing one's own access stays allowed. Tenant PIM administrators are not exempt. Every
 * refusal names who may do it instead: the other managers of the scope who are not caught
 * by the same rule.
 */

/** How many other administrators a refusal names. */
const MAX_ALTERNATIVES = 3;

/** Does `principal` stand for the user? '' = the user itself, a group id = a group the user is in, null = no. */
export function principalIsUser(index: PolicyIndex, principal: PrincipalRef, userId: string): string | null {
  if (principal.type === 'User') return principal.id === userId ? '' : null;
  return index.groupsByUser.get(userId)?.has(principal.id) ? principal.id : null;
}

const live = (s: ScheduleFact, now: Millis) => {
  const st = scheduleStatus(s, now);
  return st === 'Active' || st === 'Scheduled';
};

/** The user's live (active or scheduled) eligible and active schedules of the role, direct or through a group. A user holds a few. */
function heldSchedules(index: PolicyIndex, userId: string, roleId: string, now: Millis): ScheduleFact[] {
  const out: ScheduleFact[] = [];
  const consider = (list: ScheduleFact[] | undefined) => {
    for (const s of list ?? []) if (s.roleId === roleId && live(s, now)) out.push(s);
  };
  consider(index.schedulesByUser.get(userId));
  for (const g of index.groupsByUser.get(userId) ?? []) consider(index.schedulesByGroup.get(g));
  return out;
}

/** The user's first live assignment of the role at the scope or above it, if any. */
export function heldAtOrAbove(
  index: PolicyIndex,
  userId: string,
  roleId: string,
  node: ResourceNode,
  now: Millis,
): ScheduleFact | undefined {
  return heldSchedules(index, userId, roleId, now).find((s) => {
    const at = nodeOf(index, s.scopeId);
    return at !== undefined && isNodeUnder(node, at);
  });
}

/**
 * Who may do it instead: the scope's managers (PIM administrators and active Owner / User
 * Access Administrator holders there or above) minus the actor and anyone `excluded`,
 * nearest to the scope first.
 */
function alternatives(index: PolicyIndex, scopeId: string, now: Millis, excluded: (userId: string) => boolean): PrincipalRef[] {
  const depth = (r: Reason) => (r.code === 'management-role' && r.scopeId !== undefined ? (nodeOf(index, r.scopeId)?.depth ?? -1) : -1);
  return managersOf(index, scopeId, now)
    .filter((m) => !excluded(m.userId))
    .map((m) => ({ userId: m.userId, rank: Math.max(...m.reasons.map(depth)) }))
    .sort((a, b) => b.rank - a.rank)
    .slice(0, MAX_ALTERNATIVES)
    .map((m) => ({ type: 'User' as const, id: m.userId }));
}

export interface SelfGrantInput {
  actorId: string;
  requestType: string;
  principal: PrincipalRef;
  roleId: string;
  scopeId: string;
  now: Millis;
}

/**
 * Rule 10 for an admin request: any request but a removal whose principal is the actor, or
 * a group the actor belongs to, is refused, eligible or active alike.
 */
export function selfGrantViolation(index: PolicyIndex, input: SelfGrantInput): Violation | null {
  const { actorId, requestType, principal, roleId, scopeId, now } = input;
  if (requestType === 'AdminRemove') return null;
  const via = principalIsUser(index, principal, actorId);
  if (via === null) return null;
  // the group's other members are caught by the same rule: they cannot do it either
  const others = alternatives(index, scopeId, now, (u) => u === actorId || principalIsUser(index, principal, u) !== null);
  return { code: 'self-grant', requestType, scopeId, roleId, principal, ...(via ? { groupId: via } : {}), alternatives: others };
}

export interface MembershipChangeInput {
  actorId: string;
  groupId: string;
  userId: string;
  /** true = add the user to the group, false = remove them */
  member: boolean;
  now: Millis;
}

/**
 * Rule 10 for group membership ("directly or through a group they belong to"): a group's
 * members receive what it is assigned, so adding oneself to a group that holds a live
 * (active or scheduled) eligible or active assignment would grant oneself that access.
 * Refused whatever the assignment (any role, any scope), PIM administrators included.
 * Removing oneself, and adding someone else, stay allowed. The refusal names the first
 * assignment, how many there are, and other PIM administrators (who manage groups) who can.
 */
export function selfMembershipViolation(index: PolicyIndex, input: MembershipChangeInput): Violation | null {
  const { actorId, groupId, userId, member, now } = input;
  if (!member || userId !== actorId) return null;
  const held = (index.schedulesByGroup.get(groupId) ?? []).filter((s) => live(s, now));
  if (held.length === 0) return null;
  // the first to show: an active one before an eligible one, then the nearest the root
  const depth = (s: ScheduleFact) => nodeOf(index, s.scopeId)?.depth ?? 0;
  const first = [...held].sort(
    (a, b) => (a.kind === b.kind ? 0 : a.kind === 'active' ? -1 : 1) || depth(a) - depth(b) || (a.id < b.id ? -1 : 1),
  )[0];
  const others = index.pimAdmins
    .filter((u) => u.id !== actorId)
    .slice(0, MAX_ALTERNATIVES)
    .map((u) => ({ type: 'User' as const, id: u.id }));
  return {
    code: 'self-membership',
    groupId,
    principal: { type: 'User', id: userId },
    scopeId: first.scopeId,
    roleId: first.roleId,
    scheduleId: first.id,
    value: first.kind,
    count: held.length,
    alternatives: others,
  };
}

/** The settings rule 10 protects, in the order a refusal lists them. */
export const SEPARATION_SETTINGS: readonly (keyof RoleSettings)[] = [
  'approvalRequired',
  'approvers',
  'approvalRequireMfa',
  'activationRequireMfa',
  'activationRequireJustification',
  'activationRequireTicket',
  'activationMaxMinutes',
  'activeRequireMfa',
  'activeRequireJustification',
];

const refKey = (p: PrincipalRef) => `${p.type}:${p.id}`;

/**
 * Someone approves who could not before: a new approver is named, or the last named one
 * goes and the tenant PIM administrators take over. Removing some approvers while others
 * stay is not weaker. Only matters while approval is required before and after.
 */
function approversWidened(before: readonly PrincipalRef[], after: readonly PrincipalRef[]): boolean {
  if (after.length === 0) return before.length > 0;
  const had = new Set(before.map(refKey));
  return after.some((a) => !had.has(refKey(a)));
}

/** The ways `next` demands less than `current` of the person activating or being assigned (rule 10). */
export function weakenedSettings(current: RoleSettings, next: RoleSettings): (keyof RoleSettings)[] {
  const out: (keyof RoleSettings)[] = [];
  for (const k of SEPARATION_SETTINGS) {
    if (k === 'approvers') {
      if (current.approvalRequired && next.approvalRequired && approversWidened(current.approvers, next.approvers)) out.push(k);
    } else if (k === 'activationMaxMinutes') {
      if (next.activationMaxMinutes > current.activationMaxMinutes) out.push(k);
    } else if (current[k] === true && next[k] === false) {
      out.push(k);
    }
  }
  return out;
}

export interface SettingsChangeInput {
  actorId: string;
  scopeId: string;
  roleId: string;
  /** the settings as they would be saved */
  settings: RoleSettings;
  /** also written at every managed scope below */
  applyToChildren?: boolean;
  now: Millis;
}

export type SettingsChangeResult = { ok: true; reasons: Reason[] } | { ok: false; violations: Violation[] };

const heldFacts = (s: ScheduleFact) => ({
  heldScopeId: s.scopeId,
  scheduleId: s.id,
  value: s.kind,
  ...(s.principal.type === 'Group' ? { groupId: s.principal.id } : {}),
});

/**
 * Rules 7 and 10 for saving the settings of (scope, role): the actor needs management access
 * at the scope, and may not weaken the settings anywhere they are written — the scope and,
 * with applyToChildren, each managed scope below — where the actor holds the role there or
 * above. Walks a subtree only when the actor holds the role in it and the change is applied
 * to children (a change that already costs the subtree).
 */
export function evaluateSettingsChange(index: PolicyIndex, input: SettingsChangeInput): SettingsChangeResult {
  const { actorId, roleId, settings: next, now } = input;
  const node = nodeOf(index, input.scopeId);
  if (!node) return { ok: false, violations: [{ code: 'scope-unknown', scopeId: input.scopeId }] };
  const scopeId = node.fact.id;
  const v: Violation[] = [];
  const access = managementAccess(index, actorId, scopeId, now);
  if (!access.allowed) v.push({ code: 'not-authorized', scopeId, principal: { type: 'User', id: actorId } });

  // those who hold the role here or above are caught by the same rule: they are not named instead
  let others: PrincipalRef[] | undefined;
  const alts = () =>
    (others ??= alternatives(index, scopeId, now, (u) => u === actorId || heldAtOrAbove(index, u, roleId, node, now) !== undefined));
  const held = heldSchedules(index, actorId, roleId, now);
  const above = held.find((s) => {
    const at = nodeOf(index, s.scopeId);
    return at !== undefined && isNodeUnder(node, at);
  });
  if (above) {
    const weakened = weakenedSettings(settingsAtNode(node, scopeId, roleId).settings, next);
    if (weakened.length) {
      v.push({ code: 'weakens-own-settings', scopeId, roleId, setting: weakened[0], weakened, ...heldFacts(above), alternatives: alts() });
    }
  }
  if (input.applyToChildren) {
    // every child scope when the actor holds the role here or above; else the subtrees of what they hold below
    const roots: { n: ResourceNode; s: ScheduleFact }[] = [];
    if (above) roots.push({ n: node, s: above });
    else {
      for (const s of held) {
        const at = nodeOf(index, s.scopeId);
        if (at !== undefined && at !== node && isNodeUnder(at, node)) roots.push({ n: at, s });
      }
    }
    const seen = new Set<ResourceNode>();
    const union = new Set<keyof RoleSettings>();
    let first: { d: ResourceNode; s: ScheduleFact } | undefined;
    let count = 0;
    for (const { n, s } of roots) {
      for (const d of descendantNodes(n, true, Infinity, n !== node)) {
        if (seen.has(d)) continue;
        seen.add(d);
        const w = weakenedSettings(settingsAtNode(d, d.fact.id, roleId).settings, next);
        if (!w.length) continue;
        count++;
        first ??= { d, s };
        for (const k of w) union.add(k);
      }
    }
    if (first) {
      const weakened = SEPARATION_SETTINGS.filter((k) => union.has(k));
      v.push({
        code: 'weakens-own-settings',
        scopeId: first.d.fact.id,
        parentScopeId: scopeId,
        roleId,
        setting: weakened[0],
        weakened,
        count,
        ...heldFacts(first.s),
        alternatives: alts(),
      });
    }
  }
  return v.length ? { ok: false, violations: v } : { ok: true, reasons: access.reasons };
}
