import { canDecide, hasRole, ROLE_IDS, requestStatus, type PolicyIndex } from '@/lib/policy';

export interface Persona {
  /** may manage PIM somewhere: tenant PIM administrator or an active Owner / User Access Administrator */
  administers: boolean;
  /** named approver anywhere, or a tenant PIM administrator (the default approvers) */
  approves: boolean;
  /** pending requests this user may decide now */
  pendingApprovals: number;
}

/**
 * Principal ids named as approvers in any explicit settings, computed once per index
 * (every portal page asks, and walking 100,000 resources per page view would not do).
 */
const namedApprovers = new WeakMap<PolicyIndex, Set<string>>();
function approverIds(index: PolicyIndex): Set<string> {
  let ids = namedApprovers.get(index);
  if (!ids) {
    ids = new Set();
    for (const node of index.resources.values()) {
      if (!node.settings) continue;
      for (const s of node.settings.values()) for (const a of s.approvers) ids.add(a.id);
    }
    namedApprovers.set(index, ids);
  }
  return ids;
}

/** What the navigation and the home page offer this user. Pure over the index. */
export function personaOf(index: PolicyIndex, userId: string, now: number): Persona {
  const user = index.users.get(userId);
  if (!user || user.disabled) return { administers: false, approves: false, pendingApprovals: 0 };
  const groups = index.groupsByUser.get(userId) ?? new Set<string>();
  const administers =
    user.isPimAdmin ||
    [...(index.schedulesByUser.get(userId) ?? []), ...[...groups].flatMap((g) => index.schedulesByGroup.get(g) ?? [])].some(
      (s) => s.kind === 'active' && (s.roleId === ROLE_IDS.owner || s.roleId === ROLE_IDS.userAccessAdministrator) && hasRole(index, s.principal, s.roleId, s.scopeId, now),
    );
  const approvers = approverIds(index);
  const named = approvers.has(userId) || [...groups].some((g) => approvers.has(g));
  let pendingApprovals = 0;
  for (const req of index.requests.values()) {
    if (requestStatus(req, now) === 'PendingApproval' && canDecide(index, userId, req, now).allowed) pendingApprovals++;
  }
  return { administers, approves: user.isPimAdmin || named || pendingApprovals > 0, pendingApprovals };
}
