/**
 * Identity rules for people who come from the organisation's identity provider (issue 13):
 * shared by single sign-on and SCIM provisioning. Pure: no I/O, no clock.
 */

/** Group keys compare case-insensitively: providers send ids in any case and names as people typed them. */
const norm = (s: string) => s.trim().toLowerCase();

/**
 * Whether a provisioned person is a tenant PIM administrator: a member of a group named in
 * ELEVATE_OIDC_ADMIN_GROUPS. `groupKeys` are every key of every group the person is in (the
 * provider's ids from the claim, and each known group's id, external id and name); one match
 * is enough. The caller applies this only to users whose source is not 'local': a local
 * account's administrator flag is set by an administrator in Elevate.
 */
export function isProvisionedAdmin(groupKeys: Iterable<string>, adminGroups: readonly string[]): boolean {
  if (adminGroups.length === 0) return false;
  const wanted = new Set(adminGroups.map(norm).filter(Boolean));
  for (const k of groupKeys) if (wanted.has(norm(k))) return true;
  return false;
}

/**
 * The tenant PIM administrator flag a person should carry after a sign-in or a provisioning
 * change, or null to leave it alone. Only identities the provider manages (source scim or
 * oidc) are flipped, and for them membership in an administrator group is the one and only
 * way in: nothing else a provider sends (an attribute, a role, an extension) makes anyone an
 * administrator. Local accounts (the bootstrap or demo administrator, break-glass accounts)
 * are never touched, so a provider cannot lock the tenant out of itself.
 */
export function provisionedAdminFlag(
  user: { source: 'local' | 'scim' | 'oidc'; isPimAdmin: boolean },
  groupKeys: Iterable<string>,
  adminGroups: readonly string[],
): boolean | null {
  if (user.source === 'local') return null;
  const admin = isProvisionedAdmin(groupKeys, adminGroups);
  return admin === user.isPimAdmin ? null : admin;
}

/** A group Elevate knows, by each key a provider may use for it. */
export interface KnownGroup {
  id: string;
  name: string;
  externalId: string | null;
}

/**
 * The known groups that a groups claim names, by Elevate id, SCIM external id or name
 * (case-insensitive). Claim values that match nothing are ignored: Elevate never creates a
 * group from a sign-in.
 */
export function matchClaimGroups<G extends KnownGroup>(claim: readonly string[], known: readonly G[]): G[] {
  const keys = new Set(claim.map(norm).filter(Boolean));
  return known.filter((g) => keys.has(norm(g.id)) || keys.has(norm(g.name)) || (g.externalId !== null && keys.has(norm(g.externalId))));
}

/** A groups claim as a list of strings: providers send an array, some a single string or a space/comma-separated one. */
export function groupsFromClaim(value: unknown): string[] {
  if (Array.isArray(value))
    return value
      .filter((v): v is string => typeof v === 'string' && v.trim() !== '')
      .map((v) => v.trim())
      .slice(0, 1000);
  if (typeof value === 'string')
    return value
      .split(/[,\s]+/)
      .filter(Boolean)
      .slice(0, 1000);
  return [];
}
