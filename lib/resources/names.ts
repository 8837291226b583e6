import { describe, type NameLookup, type PolicyIndex, type Reason, type Violation } from '@/lib/policy';
import { scopePathText } from '@/lib/portal/scope-path';

/** The one name lookup for the engine's describe(): scopes as their breadcrumb path, roles and principals by name (id if unknown). */
export function nameLookup(index: PolicyIndex): NameLookup {
  return {
    scope: (id) => scopePathText(index, id),
    role: (id) => index.roles.get(id)?.name ?? id,
    principal: (p) => (p.type === 'User' ? index.users.get(p.id)?.displayName : index.groups.get(p.id)?.name) ?? p.id,
  };
}

export const describeAll = (index: PolicyIndex, list: (Reason | Violation)[]) => list.map((r) => describe(r, nameLookup(index)));
