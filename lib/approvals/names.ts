import { type NameLookup, type PolicyIndex, type PrincipalRef } from '@/lib/policy';
import { scopePathText } from '@/lib/portal/scope-path';

/** How the engine's reasons name things for people: scopes as paths, users and groups by display name. */
export function nameLookup(index: PolicyIndex): NameLookup {
  return {
    scope: (id) => scopePathText(index, id),
    role: (id) => index.roles.get(id)?.name ?? id,
    principal: (ref: PrincipalRef) =>
      ref.type === 'User' ? index.users.get(ref.id)?.displayName ?? 'Unknown user' : index.groups.get(ref.id)?.name ?? 'Unknown group',
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/**
 * "27 Nov 2026 10:04 UTC": server-side messages (errors, e-mails) do not know the
 * reader's time zone, so they say UTC explicitly; pages render times on the client.
 */
export function utcStamp(at: number): string {
  const d = new Date(at);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}
