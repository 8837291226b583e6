import { managementAccess } from './access';
import { canDecide, resolveApprovers } from './approval';
import type { PolicyIndex } from './tenant-index';
import type { Millis, RequestFact } from './types';

/** What a request's record says beyond the fact: who decided it (null or absent: nobody yet, or not loaded). */
export interface RequestViewFacts {
  decidedBy?: string | null;
}

/**
 * May `viewerId` see this request (its detail page, its approval, its API resource)? The one
 * answer for the portal's My requests and Approvals and for the API's requests and approvals:
 * the people a request concerns, and those with PIM management access at its scope.
 * - its requester, its principal (or a member of the principal group);
 * - its approvers: named (directly or through a group), resolved (the tenant PIM
 *   administrators when none is named), the one who decided it, and whoever may decide it now;
 * - anyone with PIM management access at its scope (rule 7), who may cancel it.
 * Checked cheapest first; the ancestor walk of managementAccess comes last.
 */
export function canViewRequest(index: PolicyIndex, viewerId: string, req: RequestFact, now: Millis, facts: RequestViewFacts = {}): boolean {
  if (req.requesterId === viewerId || facts.decidedBy === viewerId) return true;
  const groups = index.groupsByUser.get(viewerId);
  const mine = (p: { type: string; id: string }) => (p.type === 'User' ? p.id === viewerId : groups?.has(p.id) === true);
  if (mine(req.principal) || req.approvers.some(mine)) return true;
  if (resolveApprovers(index, req.approvers, req.requesterId).userIds.includes(viewerId)) return true;
  if (canDecide(index, viewerId, req, now).allowed) return true;
  return managementAccess(index, viewerId, req.scopeId, now).allowed;
}
