import { groupsFromClaim } from '@/lib/policy/identity';

/** What Elevate takes from the provider's ID token at each sign-in. */
export interface OidcIdentity {
  issuer: string;
  sub: string;
  email: string | null;
  name: string | null;
  groups: string[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The identity in an ID token's claims; null without a subject. Text is trimmed and bounded like a typed one. */
export function identityFromClaims(claims: Record<string, unknown>, issuer: string, groupsClaim: string): OidcIdentity | null {
  const sub = typeof claims.sub === 'string' ? claims.sub.trim() : '';
  if (!sub || sub.length > 255) return null;
  const rawEmail = [claims.email, claims.preferred_username, claims.upn].find((v) => typeof v === 'string' && EMAIL.test(v.trim())) as
    string | undefined;
  const name = [
    claims.name,
    [claims.given_name, claims.family_name].filter((v) => typeof v === 'string').join(' '),
    claims.preferred_username,
  ].find((v) => typeof v === 'string' && v.trim() !== '') as string | undefined;
  return {
    issuer,
    sub,
    email: rawEmail ? rawEmail.trim().toLowerCase().slice(0, 320) : null,
    name: name ? name.trim().slice(0, 200) : null,
    groups: groupsFromClaim(claims[groupsClaim]),
  };
}
