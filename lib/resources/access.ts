import 'server-only';
import { describe, isTenantPimAdmin, managementAccess, type PolicyIndex } from '@/lib/policy';
import { ElevateError } from '@/lib/errors';
import { nameLookup } from './names';

/**
 * Rule 7 as a throwing guard for services: the engine decides, this only turns a "no"
 * into an AuthorizationFailed error whose message says why and what to do.
 */
export function requireManagementAccess(index: PolicyIndex, actorId: string, scopeId: string, now: number): void {
  const access = managementAccess(index, actorId, scopeId, now);
  if (access.allowed) return;
  const names = nameLookup(index);
  const base = describe({ code: 'not-authorized', scopeId }, names);
  const hint = access.eligibleOnly.length ? ` ${describe(access.eligibleOnly[0], names)}, then try again.` : '';
  throw new ElevateError('AuthorizationFailed', `${base}.${hint}`);
}

/** Users and groups are tenant-wide: only tenant PIM administrators manage them. */
export function requirePimAdmin(index: PolicyIndex, actorId: string): void {
  if (!isTenantPimAdmin(index, actorId)) {
    throw new ElevateError('AuthorizationFailed', 'Only tenant PIM administrators can do this.');
  }
}

/** Creating a resource under a parent needs management access there; a new top-level node needs a PIM administrator. */
export function canCreateUnder(index: PolicyIndex, actorId: string, parentId: string | null, now: number): boolean {
  if (parentId === null) return isTenantPimAdmin(index, actorId);
  return managementAccess(index, actorId, parentId, now).allowed;
}
