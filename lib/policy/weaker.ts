import { PRIVILEGED_ROLE_IDS, ROLE_IDS } from './constants';
import type { Reason } from './reasons';
import { settingsAtNode } from './settings';
import { descendantNodes, nodeOf, type PolicyIndex, type ResourceNode } from './tenant-index';
import { scheduleStatus } from './time';
import type { Millis, PrincipalRef, RoleSettings, ScheduleFact } from './types';

export interface WeakerChild {
  scopeId: string;
  roleId: string;
  explicit: boolean;
  reasons: Reason[];
}

/** Boolean demands where "true on the parent, false on the child" makes the child weaker. */
const DEMANDS: (keyof RoleSettings)[] = [
  'approvalRequired',
  'activationRequireMfa',
  'activationRequireJustification',
  'activationRequireTicket',
];

/**
 * Why `child`'s settings demand less than `parent`'s (rule 9), or nothing. The one place
 * the comparison lives: the tree marks, the settings tab's list, the alerts and the SQL
 * filter (weakerCriteria) all follow it.
 */
export function compareSettings(
  parent: RoleSettings,
  child: RoleSettings,
  parentScopeId: string,
  scopeId: string,
  roleId: string,
): Reason[] {
  const out: Reason[] = [];
  for (const k of DEMANDS) {
    if (parent[k] === true && child[k] === false) {
      out.push({ code: 'weaker-setting', setting: k, value: false, parentValue: true, scopeId, parentScopeId, roleId });
    }
  }
  if (child.activationMaxMinutes > parent.activationMaxMinutes) {
    out.push({
      code: 'weaker-setting',
      setting: 'activationMaxMinutes',
      value: child.activationMaxMinutes,
      parentValue: parent.activationMaxMinutes,
      scopeId,
      parentScopeId,
      roleId,
    });
  }
  return out;
}

/**
 * Rule 9: settings are not inherited, so a managed descendant may demand less than the
 * scope. Admin view, so walking the subtree is acceptable here.
 */
export function weakerChildren(index: PolicyIndex, scopeId: string, roleId: string): WeakerChild[] {
  const node = nodeOf(index, scopeId);
  if (!node) return [];
  const parent = settingsAtNode(node, scopeId, roleId).settings;
  const out: WeakerChild[] = [];
  for (const d of descendantNodes(node, true)) {
    const g = settingsAtNode(d, d.fact.id, roleId);
    const reasons = compareSettings(parent, g.settings, node.fact.id, d.fact.id, roleId);
    if (reasons.length) out.push({ scopeId: d.fact.id, roleId, explicit: g.explicit, reasons });
  }
  return out;
}

/** compareSettings(…).length > 0 without building the reasons: for walks that only count. */
export function demandsLess(parent: RoleSettings, child: RoleSettings): boolean {
  for (const k of DEMANDS) if (parent[k] === true && child[k] === false) return true;
  return child.activationMaxMinutes > parent.activationMaxMinutes;
}

/**
 * Rule 9 seen from one scope: the ways it demands less than the explicit settings of any
 * of its ancestors (every role set there). Walks the ≤ 6 ancestors only, so a tree can
 * mark each row it shows without visiting any subtree. Unmanaged scopes take no
 * activations, so they are never weaker.
 */
export function weakerThanAncestors(node: ResourceNode): Reason[] {
  if (!node.managed) return [];
  const out: Reason[] = [];
  for (let a = node.parent; a; a = a.parent) {
    if (!a.settings) continue;
    for (const [roleId, parent] of a.settings) {
      out.push(...compareSettings(parent, settingsAtNode(node, node.fact.id, roleId).settings, a.fact.id, node.fact.id, roleId));
    }
  }
  return out;
}

/**
 * compareSettings as data, for a database filter: a child is weaker than `parent` exactly
 * when one of `demands` is false on it, or its activation maximum exceeds `maxMinutes`.
 */
export interface WeakerCriteria {
  demands: (keyof RoleSettings)[];
  maxMinutes: number;
}

export function weakerCriteria(parent: RoleSettings): WeakerCriteria {
  return { demands: DEMANDS.filter((k) => parent[k] === true), maxMinutes: parent.activationMaxMinutes };
}

export type AlertType =
  'too-many-owners' | 'too-many-permanent-owners' | 'permanent-privileged-active' | 'weaker-child-settings' | 'self-made-assignment';

/** One assignment an administrator made for themselves (or for a group they are in): a 'self-made-assignment' alert's evidence. */
export interface SelfMadeAssignment {
  scheduleId: string;
  kind: 'eligible' | 'active';
  principal: PrincipalRef;
  /** who made it: the schedule's creator */
  createdBy: string;
  endAt: Millis | null;
}

export interface Alert {
  type: AlertType;
  scopeId: string;
  roleId: string;
  /** owners / permanent assignments / weaker children behind the alert */
  principals?: PrincipalRef[];
  schedules?: ScheduleFact[];
  weakerChildren?: WeakerChild[];
  /** how many weaker children there are in all, when `weakerChildren` holds only the first few */
  weakerCount?: number;
  /** self-made-assignment: the assignments behind it (rule 10's data from before rule 10) */
  selfMade?: SelfMadeAssignment[];
}

/** Thresholds follow Entra PIM's resource alerts. */
export const MAX_OWNERS_PER_SCOPE = 3;
export const MAX_PERMANENT_OWNERS_PER_SCOPE = 2;

const live = (s: ScheduleFact, now: Millis) => {
  const st = scheduleStatus(s, now);
  return st === 'Active' || st === 'Scheduled';
};

/** Security alerts over the whole tenant (admin dashboard; walks every scope once). */
export function alerts(index: PolicyIndex, now: Millis): Alert[] {
  const out: Alert[] = [];
  const privileged = (roleId: string) => PRIVILEGED_ROLE_IDS.includes(roleId) || index.roles.get(roleId)?.privileged === true;
  for (const node of index.resources.values()) {
    const scopeId = node.fact.id;
    const owners = [...(node.active?.get(ROLE_IDS.owner) ?? []), ...(node.eligible?.get(ROLE_IDS.owner) ?? [])].filter((s) => live(s, now));
    const holders = new Map<string, PrincipalRef>();
    for (const s of owners) holders.set(`${s.principal.type}:${s.principal.id}`, s.principal);
    if (holders.size > MAX_OWNERS_PER_SCOPE) {
      out.push({ type: 'too-many-owners', scopeId, roleId: ROLE_IDS.owner, principals: [...holders.values()], schedules: owners });
    }
    const permanentOwners = owners.filter((s) => s.endAt === null);
    if (permanentOwners.length > MAX_PERMANENT_OWNERS_PER_SCOPE) {
      out.push({
        type: 'too-many-permanent-owners',
        scopeId,
        roleId: ROLE_IDS.owner,
        schedules: permanentOwners,
        principals: permanentOwners.map((s) => s.principal),
      });
    }
    for (const [roleId, list] of node.active ?? []) {
      if (!privileged(roleId)) continue;
      const perm = list.filter((s) => s.endAt === null && live(s, now));
      if (perm.length)
        out.push({ type: 'permanent-privileged-active', scopeId, roleId, schedules: perm, principals: perm.map((s) => s.principal) });
    }
    for (const [roleId, st] of node.settings ?? []) {
      if (!st.approvalRequired) continue;
      const weak = weakerChildren(index, scopeId, roleId);
      if (weak.length) out.push({ type: 'weaker-child-settings', scopeId, roleId, weakerChildren: weak });
    }
  }
  return out;
}
