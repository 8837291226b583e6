import 'server-only';
import { settingsFor, type PolicyIndex } from '@/lib/policy';
import type { PrincipalOption } from '@/components/admin/principal-picker';
import type { RoleRules } from '@/components/admin/assignment-form';
import { getDb } from '@/db';
import { users } from '@/db/schema';

/** Enabled users (with e-mail, for search) and groups, as picker options. */
export function principalOptions(index: PolicyIndex): PrincipalOption[] {
  const emails = new Map(getDb().select({ id: users.id, email: users.email }).from(users).all().map((u) => [u.id, u.email]));
  const us = [...index.users.values()].filter((u) => !u.disabled).map((u) => ({ value: `User:${u.id}`, label: u.displayName, detail: emails.get(u.id) }));
  const gs = [...index.groups.values()].map((g) => ({ value: `Group:${g.id}`, label: g.name, detail: `${g.memberIds.length} members` }));
  return [...us.sort((a, b) => a.label.localeCompare(b.label)), ...gs.sort((a, b) => a.label.localeCompare(b.label))];
}

/** Each role's assignment rules at this scope, from the engine's settingsFor. */
export function roleRules(index: PolicyIndex, scopeId: string): RoleRules[] {
  return [...index.roles.values()].sort((a, b) => a.name.localeCompare(b.name)).map((r) => {
    const g = settingsFor(index, scopeId, r.id);
    const s = g.settings;
    return {
      roleId: r.id, roleName: r.name, explicit: g.explicit,
      eligiblePermanentAllowed: s.eligiblePermanentAllowed, eligibleMaxDays: s.eligibleMaxDays,
      activePermanentAllowed: s.activePermanentAllowed, activeMaxDays: s.activeMaxDays,
      activeRequireMfa: s.activeRequireMfa, activeRequireJustification: s.activeRequireJustification,
    };
  });
}
