import { canDecide, hasRole, ROLE_IDS, requestStatus, type PolicyIndex } from '@/lib/policy';

export interface Persona {
  /** may manage PIM somewhere: tenant PIM administrator or an active Owner / User Access Administrator */
  administers: boolean;
  /** named approver anywhere, or a tenant PIM administrator (the default approvers) */
  approves: boolean;
  /** pending requests this user may decide now */
  pendingApprovals: number;
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
  let named = false;
  for (const node of index.resources.values()) {
    if (!node.settings) continue;
    for (const s of node.settings.values()) {
      if (s.approvers.some((a) => (a.type === 'User' ? a.id === userId : groups.has(a.id)))) named = true;
    }
    if (named) break;
  }
  let pendingApprovals = 0;
  for (const req of index.requests.values()) {
    if (requestStatus(req, now) === 'PendingApproval' && canDecide(index, userId, req, now).allowed) pendingApprovals++;
  }
  return { administers, approves: user.isPimAdmin || named || pendingApprovals > 0, pendingApprovals };
}
