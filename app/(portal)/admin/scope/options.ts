import 'server-only';
import { settingsFor, type PolicyIndex, type PrincipalRef } from '@/lib/policy';
import type { PrincipalOption } from '@/components/admin/principal-picker';
import type { RoleRules } from '@/components/admin/assignment-form';
import { getDb } from '@/lib/db';
import { principalLabels } from '@/lib/principals';

/**
 * Picker options for principals a form already holds (the approvers named in settings),
 * read by id. Candidates are never listed here: pickers search the server as people type
 * (GET /api/principals), so a scope page costs the same with 20 users or 20,000.
 */
export function principalOptions(chosen: readonly PrincipalRef[] = []): PrincipalOption[] {
  return principalLabels(getDb(), chosen);
}

/**
 * A principal named in a link ("User:<id>" or "Group:<id>"), e.g. from the users page's
 * "Add an assignment for …" and "Make approver for …": its picker option, or null.
 */
export function linkedPrincipal(raw: string | undefined): PrincipalOption | null {
  const m = raw?.match(/^(User|Group):([^:]{1,200})$/);
  return m ? (principalOptions([{ type: m[1] as PrincipalRef['type'], id: m[2] }])[0] ?? null) : null;
}

/** Each role's assignment rules at this scope, from the engine's settingsFor. */
export function roleRules(index: PolicyIndex, scopeId: string): RoleRules[] {
  return [...index.roles.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((r) => {
      const g = settingsFor(index, scopeId, r.id);
      const s = g.settings;
      return {
        roleId: r.id,
        roleName: r.name,
        explicit: g.explicit,
        eligiblePermanentAllowed: s.eligiblePermanentAllowed,
        eligibleMaxDays: s.eligibleMaxDays,
        activePermanentAllowed: s.activePermanentAllowed,
        activeMaxDays: s.activeMaxDays,
        activeRequireMfa: s.activeRequireMfa,
        activeRequireJustification: s.activeRequireJustification,
      };
    });
}
