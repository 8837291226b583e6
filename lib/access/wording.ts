import { describe, formatMinutes, nodeOf, type NameLookup, type PolicyIndex } from '@/lib/policy';
import type { AccessExplanation, ExplainedActivation, ExplainedSource, RoleExplanation } from '@/lib/policy/explain';
import type { Manager } from '@/lib/policy';

/**
 * The engine's explanations as the sentences My access shows (DESIGN.md vocabulary):
 * "Eligible, from the subscription; needs approval by Avery". Pure wording: every fact
 * comes from explainAccess, nothing here decides. Times stay numbers so pages render them
 * in the viewer's zone and the CSV in ISO form.
 */

/** What a resource is called in a sentence: "the VM", "the resource group". */
export function kindLabel(index: PolicyIndex, scopeId: string): string {
  const node = nodeOf(index, scopeId);
  if (!node) return 'scope';
  switch (node.fact.kind) {
    case 'managementGroup':
      return 'management group';
    case 'subscription':
      return 'subscription';
    case 'resourceGroup':
      return 'resource group';
    case 'resource':
      return resourceTypeLabel(node.fact.id);
  }
}

/** ARM types people name differently from "resource"; anything else is a resource. */
const TYPE_LABELS: Record<string, string> = {
  'microsoft.compute/virtualmachines': 'VM',
  'microsoft.storage/storageaccounts': 'storage account',
  'microsoft.keyvault/vaults': 'key vault',
  'microsoft.sql/servers': 'SQL server',
  'microsoft.web/sites': 'web app',
};
function resourceTypeLabel(id: string): string {
  const m = /\/providers\/([^/]+)\/([^/]+)\/[^/]+$/.exec(id.toLowerCase());
  return (m && TYPE_LABELS[`${m[1]}/${m[2]}`]) ?? 'resource';
}

export function listOf(items: string[], joiner = 'and'): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${joiner} ${items[items.length - 1]}`;
}

/** "assigned here", "from the subscription", "through group Ops, from the resource group". */
export function sourcePhrase(index: PolicyIndex, names: NameLookup, s: ExplainedSource): string {
  const from = s.inherited ? `from the ${kindLabel(index, s.fromScopeId)}` : '';
  if (s.memberType === 'Group') return `through group ${names.principal({ type: 'Group', id: s.groupId ?? '' })}${from ? `, ${from}` : ''}`;
  return from || 'assigned here';
}

/** How the window of a held role reads, with the instant it refers to (null: permanent). */
export interface WindowPhrase {
  label: 'permanent' | 'until' | 'activated until' | 'eligible until' | 'from';
  at: number | null;
}
export function windowPhrase(s: ExplainedSource): WindowPhrase {
  if (s.status === 'Scheduled') return { label: 'from', at: s.startAt };
  if (s.endAt === null) return { label: 'permanent', at: null };
  // an eligibility's end is when activating stops being possible, not when access ends
  if (s.kind === 'eligible') return { label: 'eligible until', at: s.endAt };
  return { label: s.origin === 'activated' ? 'activated until' : 'until', at: s.endAt };
}
export const windowText = (w: WindowPhrase) => (w.at === null ? w.label : `${w.label} ${new Date(w.at).toISOString()}`);

/** "needs approval by Avery", "active at once under the VM's own settings", or why it cannot be activated here. */
export function activationPhrase(index: PolicyIndex, names: NameLookup, a: ExplainedActivation | null, role: RoleExplanation): string {
  if (!a) return role.violations.length ? `cannot be activated here: ${describe(role.violations[0], names)}` : 'cannot be activated here';
  if (a.violations.length) return `cannot be activated here now: ${describe(a.violations[0], names)}`;
  const o = a.outcome;
  if (o.kind === 'blocked') return `cannot be activated here: ${describe(o.reasons[0], names)}`;
  if (o.kind === 'approval') {
    const who = listOf(
      o.approvers.map((p) => names.principal(p)),
      'or',
    );
    return o.byPimAdmins ? `needs approval by a PIM administrator (${who})` : `needs approval by ${who}`;
  }
  return `active at once under the ${kindLabel(index, a.scopeId)}'s own settings`;
}

/** "up to 8 h; MFA and a justification; settings of finance-prod (explicit)". */
export function activationDetails(names: NameLookup, a: ExplainedActivation): string {
  const req = a.requirements;
  const needs = [req.mfa && 'MFA', req.justification && 'a justification', req.ticket && 'ticket information'].filter(
    (x): x is string => !!x,
  );
  const parts = [`up to ${formatMinutes(a.maxDurationMinutes)}`, needs.length ? `needs ${listOf(needs)}` : 'nothing else asked'];
  if (a.outcome.kind === 'approval') parts.push(`approval times out after ${formatMinutes(a.outcome.timeoutMinutes)}`);
  parts.push(a.explicit ? `settings of ${names.scope(a.scopeId)}` : `default settings of ${names.scope(a.scopeId)}`);
  return parts.join('; ');
}

export type StateWord = 'Active' | 'Eligible' | 'Scheduled' | 'No access';

export interface RoleSentence {
  roleId: string;
  roleName: string;
  state: StateWord;
  /** "Eligible, from the subscription; needs approval by Avery" — for an active role without the window, which `window` carries */
  headline: string;
  window: WindowPhrase | null;
  /** the activation's limits and governing settings, when there is one */
  details: string | null;
  /** why not, in the engine's words (state 'No access', or blocked) */
  why: string[];
}

/** One role's answer at the resource as words. */
export function roleSentence(index: PolicyIndex, names: NameLookup, r: RoleExplanation): RoleSentence {
  const roleName = names.role(r.roleId);
  const base = { roleId: r.roleId, roleName, details: r.activation ? activationDetails(names, r.activation) : null };
  if (r.state === 'active') {
    const s = r.sources.find((x) => x.kind === 'active' && x.status === 'Active')!;
    return { ...base, state: 'Active', headline: `Active, ${sourcePhrase(index, names, s)}`, window: windowPhrase(s), why: [] };
  }
  if (r.state === 'eligible') {
    const s =
      r.sources.find(
        (x) => x.kind === 'eligible' && x.status === 'Active' && (!r.activation || x.scheduleId === r.activation.eligibilityId),
      ) ?? r.sources.find((x) => x.kind === 'eligible')!;
    const a = r.activation;
    const why = a
      ? [...a.violations, ...(a.outcome.kind === 'blocked' ? a.outcome.reasons : [])].map((v) => describe(v, names))
      : r.violations.map((v) => describe(v, names));
    return {
      ...base,
      state: 'Eligible',
      headline: `Eligible, ${sourcePhrase(index, names, s)}; ${activationPhrase(index, names, a, r)}`,
      window: windowPhrase(s),
      why,
    };
  }
  const later = r.sources.find((x) => x.status === 'Scheduled');
  if (later) {
    return {
      ...base,
      state: 'Scheduled',
      headline: `Eligible later, ${sourcePhrase(index, names, later)}`,
      window: windowPhrase(later),
      why: r.violations.map((v) => describe(v, names)),
    };
  }
  return { ...base, state: 'No access', headline: `No ${roleName} here`, window: null, why: r.violations.map((v) => describe(v, names)) };
}

/** "Ask an administrator of finance-prod: Steve Admin (PIM administrator)". */
export function grantorsSentence(index: PolicyIndex, names: NameLookup, e: AccessExplanation): string {
  const where = names.scope(e.resourceId);
  if (!e.grantors.length) return `Nobody else can grant access on ${where} yet: a tenant PIM administrator can give someone that right.`;
  const who = e.grantors.map((g) => `${names.principal({ type: 'User', id: g.userId })} (${grantorWhy(names, g)})`);
  return `To get access, ask an administrator of ${where}: ${listOf(who, 'or')}${e.moreGrantors ? ', among others' : ''}.`;
}
function grantorWhy(names: NameLookup, g: Manager): string {
  const r = g.reasons[0];
  if (!r) return 'administrator';
  return r.code === 'pim-admin' ? 'PIM administrator' : describe(r, names);
}
