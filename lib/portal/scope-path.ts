import { pathOf, type PolicyIndex } from '@/lib/policy';
import type { ResourceKind } from '@/lib/policy/types';

export interface ScopeCrumb {
  id: string;
  name: string;
  kind: ResourceKind;
}

/** Root › … › scope, with the tenant root management group shown as "Tenant" (UX.md: the scope is always a path). */
export function scopeCrumbs(index: PolicyIndex, scopeId: string): ScopeCrumb[] {
  return pathOf(index, scopeId).map((r, i) => ({
    id: r.id,
    kind: r.kind,
    name: i === 0 && r.kind === 'managementGroup' && r.parentId === null ? 'Tenant' : r.name,
  }));
}

export const scopePathText = (index: PolicyIndex, scopeId: string) =>
  scopeCrumbs(index, scopeId)
    .map((c) => c.name)
    .join(' › ') || scopeId;
