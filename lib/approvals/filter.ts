import type { ApprovalFilters, ApprovalItem } from './types';

/**
 * Filtering and sorting of the queue, pure so the server (API, first render) and the
 * live client list agree on what "oldest first" and a search mean.
 */
export function filterApprovals<T extends ApprovalItem>(items: T[], f: ApprovalFilters = {}): T[] {
  const q = f.q?.trim().toLowerCase();
  const scope = f.scopeId?.toLowerCase();
  const out = items.filter((i) => {
    if (f.roleId && i.role.id !== f.roleId) return false;
    if (scope && !(i.scope.id === scope || i.scope.id.startsWith(scope + '/'))) return false;
    if (f.mfa === 'verified' && i.mfaVerifiedAt === null) return false;
    if (f.mfa === 'not-verified' && i.mfaVerifiedAt !== null) return false;
    if (q) {
      const hay = [
        i.requester.name,
        i.requester.email,
        i.principal.name,
        i.role.name,
        i.scope.path,
        i.justification ?? '',
        i.ticketNumber ?? '',
        i.ticketSystem ?? '',
      ]
        .join('\n')
        .toLowerCase();
      if (!hay.includes(q)) return false;
    }
    return true;
  });
  return sortApprovals(out, f.sort ?? 'oldest');
}

export function sortApprovals<T extends ApprovalItem>(items: T[], sort: ApprovalFilters['sort'] = 'oldest'): T[] {
  const by: Record<NonNullable<ApprovalFilters['sort']>, (a: T, b: T) => number> = {
    oldest: (a, b) => a.createdAt - b.createdAt,
    newest: (a, b) => b.createdAt - a.createdAt,
    // soonest time-out first; requests without a deadline last
    deadline: (a, b) => (a.approvalDeadline ?? Infinity) - (b.approvalDeadline ?? Infinity) || a.createdAt - b.createdAt,
    requester: (a, b) => a.requester.name.localeCompare(b.requester.name) || a.createdAt - b.createdAt,
    role: (a, b) => a.role.name.localeCompare(b.role.name) || a.scope.path.localeCompare(b.scope.path),
  };
  return [...items].sort(by[sort] ?? by.oldest);
}
