import { administersAnywhere, canDecide, isTenantPimAdmin, requestStatus, type PolicyIndex, type RequestFact } from '@/lib/policy';

export interface Persona {
  /** may manage PIM somewhere: tenant PIM administrator or an active Owner / User Access Administrator */
  administers: boolean;
  /** named approver anywhere, or a tenant PIM administrator (the default approvers) */
  approves: boolean;
  /** pending requests this user may decide now */
  pendingApprovals: number;
}

/**
 * Principal ids named as approvers in any explicit settings: a walk over every setting,
 * for callers without a database (tests). Pages use personaFor, which asks SQL.
 */
function approverIds(index: PolicyIndex): Set<string> {
  const ids = new Set<string>();
  for (const node of index.resources.values()) {
    if (!node.settings) continue;
    for (const s of node.settings.values()) for (const a of s.approvers) ids.add(a.id);
  }
  return ids;
}

/** The "administers" flag is the engine's (administersAnywhere); re-exported for the admin pages that import it from here. */
export { administersAnywhere };

export interface PersonaFacts {
  /** the user or one of their groups is named approver in some settings */
  namedApprover?: boolean;
  /** pending requests that may be this user's to decide (the engine has the last word on each) */
  candidates?: Iterable<RequestFact>;
}

/**
 * What the navigation and the home page offer this user. Pure over the index; `facts`
 * (from SQL, see persona-facts.ts) spare it the walks over every setting and every
 * pending request.
 */
export function personaOf(index: PolicyIndex, userId: string, now: number, facts: PersonaFacts = {}): Persona {
  const user = index.users.get(userId);
  if (!user || user.disabled) return { administers: false, approves: false, pendingApprovals: 0 };
  const groups = index.groupsByUser.get(userId) ?? new Set<string>();
  let named = facts.namedApprover;
  if (named === undefined) {
    const approvers = approverIds(index);
    named = approvers.has(userId) || [...groups].some((g) => approvers.has(g));
  }
  let pendingApprovals = 0;
  for (const req of facts.candidates ?? index.requests.values()) {
    if (requestStatus(req, now) === 'PendingApproval' && canDecide(index, userId, req, now).allowed) pendingApprovals++;
  }
  return {
    administers: administersAnywhere(index, userId, now),
    approves: isTenantPimAdmin(index, userId) || named || pendingApprovals > 0,
    pendingApprovals,
  };
}
