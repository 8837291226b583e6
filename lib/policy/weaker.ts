import { PRIVILEGED_ROLE_IDS, ROLE_IDS } from './constants';
import type { Reason } from './reasons';
import { settingsAtNode } from './settings';
import { descendantNodes, nodeOf, type PolicyIndex } from './tenant-index';
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
  'approvalRequired', 'activationRequireMfa', 'activationRequireJustification', 'activationRequireTicket',
];

function compare(parent: RoleSettings, child: RoleSettings, parentScopeId: string, scopeId: string, roleId: string): Reason[] {
  const out: Reason[] = [];
  for (const k of DEMANDS) {
    if (parent[k] === true && child[k] === false) {
      out.push({ code: 'weaker-setting', setting: k, value: false, parentValue: true, scopeId, parentScopeId, roleId });
    }
  }
  if (child.activationMaxMinutes > parent.activationMaxMinutes) {
    out.push({
      code: 'weaker-setting', setting: 'activationMaxMinutes', value: child.activationMaxMinutes,
      parentValue: parent.activationMaxMinutes, scopeId, parentScopeId, roleId,
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
    const reasons = compare(parent, g.settings, node.fact.id, d.fact.id, roleId);
    if (reasons.length) out.push({ scopeId: d.fact.id, roleId, explicit: g.explicit, reasons });
  }
  return out;
}

export type AlertType = 'too-many-owners' | 'too-many-permanent-owners' | 'permanent-privileged-active' | 'weaker-child-settings';

export interface Alert {
  type: AlertType;
  scopeId: string;
  roleId: string;
  /** owners / permanent assignments / weaker children behind the alert */
  principals?: PrincipalRef[];
  schedules?: ScheduleFact[];
  weakerChildren?: WeakerChild[];
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
      out.push({ type: 'too-many-permanent-owners', scopeId, roleId: ROLE_IDS.owner, schedules: permanentOwners, principals: permanentOwners.map((s) => s.principal) });
    }
    for (const [roleId, list] of node.active ?? []) {
      if (!privileged(roleId)) continue;
      const perm = list.filter((s) => s.endAt === null && live(s, now));
      if (perm.length) out.push({ type: 'permanent-privileged-active', scopeId, roleId, schedules: perm, principals: perm.map((s) => s.principal) });
    }
    for (const [roleId, st] of node.settings ?? []) {
      if (!st.approvalRequired) continue;
      const weak = weakerChildren(index, scopeId, roleId);
      if (weak.length) out.push({ type: 'weaker-child-settings', scopeId, roleId, weakerChildren: weak });
    }
  }
  return out;
}
