import type { NameLookup, PolicyIndex, PrincipalRef } from '@/lib/policy';
import { scopePathText } from '@/lib/portal/scope-path';

/** Names for the engine's describe(): scopes as their breadcrumb path, roles and principals by name. */
export function namesFor(index: PolicyIndex): NameLookup {
  return {
    scope: (id) => scopePathText(index, id),
    role: (id) => index.roles.get(id)?.name ?? id,
    principal: (ref: PrincipalRef) =>
      ref.type === 'User' ? index.users.get(ref.id)?.displayName ?? ref.id : index.groups.get(ref.id)?.name ?? ref.id,
  };
}

/** Short scope name for titles ("finance-prod"), the full path elsewhere. */
export function scopeName(index: PolicyIndex, id: string): string {
  const path = scopePathText(index, id).split(' › ');
  return path[path.length - 1] || id;
}
