import type { PrincipalRef, RoleSettings } from './types';

/**
 * Structured explanations. The engine never returns prose: it returns codes with the
 * facts that justify them, and `describe` renders text. UI and API share these so a
 * message means the same thing everywhere, and tests can assert on codes.
 */

/** Why something is denied. Every check reports its own code; evaluations collect all. */
export type ViolationCode =
  | 'scope-unknown'
  | 'scope-not-managed'
  | 'not-eligible-at-scope'
  | 'eligibility-not-found'
  | 'eligibility-not-started'
  | 'eligibility-expired'
  | 'eligibility-revoked'
  | 'duration-over-maximum'
  | 'duration-under-minimum'
  | 'justification-required'
  | 'ticket-required'
  | 'mfa-required'
  | 'overlapping-activation'
  | 'pending-request-exists'
  | 'no-approver'
  | 'start-in-past'
  | 'principal-disabled'
  | 'principal-not-found'
  | 'role-not-found'
  | 'not-authorized'
  | 'permanent-not-allowed'
  | 'window-too-long'
  | 'end-before-start'
  | 'overlapping-assignment'
  | 'target-not-found'
  | 'target-already-revoked'
  | 'not-in-extend-window'
  | 'not-in-renew-window'
  | 'not-active-or-scheduled'
  /** rule 4: an activation is not extended, renewed or changed by an admin update; its holder activates again */
  | 'activation-not-extendable'
  /** rule 10: an admin request that grants, changes, extends or renews the actor's own access (or a group's they are in) */
  | 'self-grant'
  /** rule 10: a settings change that weakens a scope-role where the actor holds an assignment there or above */
  | 'weakens-own-settings'
  /** rule 10: adding oneself to a group that holds an eligible or active assignment (its access would be one's own) */
  | 'self-membership'
  /** rule 11: approving a request whose settings require MFA to approve, without a fresh MFA moment */
  | 'approval-mfa-required'
  /** the settings say an approver justifies each decision (value: 'Approve' or 'Deny') */
  | 'approver-justification-required';

/** Why something is allowed, how it will go, or why a decision is refused. */
export type ReasonCode =
  | 'settings-explicit'
  | 'settings-default'
  | 'approval-required'
  | 'activates-immediately'
  | 'capped-at-eligibility-end'
  | 'start-adjusted-to-now'
  | 'pim-admin'
  | 'management-role'
  | 'activate-first'
  | 'named-approver'
  | 'named-approver-group'
  | 'pim-admin-approver'
  | 'weaker-setting'
  | 'goes-to-admin-approval'
  | 'not-pending'
  | 'requester-cannot-approve'
  | 'not-an-approver'
  | 'principal-disabled'
  | 'request-unknown-principal';

interface Facts {
  scopeId?: string;
  roleId?: string;
  scheduleId?: string;
  requestId?: string;
  groupId?: string;
  principal?: PrincipalRef;
  setting?: keyof RoleSettings;
  /** what was asked or found */
  value?: unknown;
  /** the bound it was checked against */
  limit?: unknown;
  /** for weaker-setting: the parent's value */
  parentValue?: unknown;
  /** for weaker-setting: the parent scope; for weakens-own-settings on child scopes: the scope the settings are saved at */
  parentScopeId?: string;
  /** rules 4 and 10: the request type refused (activation-not-extendable, self-grant) */
  requestType?: string;
  /** rule 10: where the actor's own assignment is (weakens-own-settings) */
  heldScopeId?: string;
  /** rule 10: the settings the change would weaken, in SEPARATION_SETTINGS order */
  weakened?: (keyof RoleSettings)[];
  /** rule 10: how many scopes the change would weaken (weakens-own-settings with applyToChildren) */
  count?: number;
  /** rule 10: who may do it instead (other managers of the scope), first few */
  alternatives?: PrincipalRef[];
}

export interface Reason extends Facts {
  code: ReasonCode;
}
export interface Violation extends Facts {
  code: ViolationCode;
}

export interface NameLookup {
  scope(id: string): string;
  role(id: string): string;
  principal(ref: PrincipalRef): string;
}

/** "480" → "8 h", "90" → "1 h 30 min": how durations read in the portal. */
export function formatMinutes(minutes: number): string {
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

function fmtValue(setting: keyof RoleSettings | undefined, v: unknown): string {
  if (typeof v === 'boolean') return v ? 'required' : 'not required';
  if (setting === 'activationMaxMinutes' && typeof v === 'number') return formatMinutes(v);
  return String(v);
}

const SETTING_LABEL: Partial<Record<keyof RoleSettings, string>> = {
  approvalRequired: 'approval',
  approvalRequireMfa: 'MFA to approve',
  activationRequireMfa: 'MFA on activation',
  activationRequireJustification: 'justification on activation',
  activationRequireTicket: 'ticket on activation',
  activationMaxMinutes: 'activation maximum',
};

const SELF_VERB: Record<string, string> = { AdminAssign: 'grant', AdminUpdate: 'change', AdminExtend: 'extend', AdminRenew: 'renew' };
const ACTIVATION_VERB: Record<string, string> = {
  AdminUpdate: 'changed',
  AdminExtend: 'extended',
  AdminRenew: 'renewed',
  SelfExtend: 'extended',
  SelfRenew: 'renewed',
};

/** What weakening each setting means, as the verb phrase of a refusal (rule 10). */
const WEAKEN_PHRASE: Partial<Record<keyof RoleSettings, string>> = {
  approvalRequired: 'turn off approval',
  approvers: 'change who approves',
  approvalRequireMfa: 'stop requiring MFA to approve',
  activationRequireMfa: 'stop requiring MFA on activation',
  activationRequireJustification: 'stop requiring a justification on activation',
  activationRequireTicket: 'stop requiring ticket information on activation',
  activationMaxMinutes: 'raise the activation maximum',
  activeRequireMfa: 'stop requiring MFA on active assignment',
  activeRequireJustification: 'stop requiring a justification on active assignment',
};

function listOf(items: string[], joiner = 'and'): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${joiner} ${items[items.length - 1]}`;
}

/** "another administrator of finance-prod, such as Steve, can" — or why nobody else can (rule 10). */
function whoElse(r: Facts, scope: string, names: NameLookup): string {
  const others = (r.alternatives ?? []).map((a) => names.principal(a));
  if (others.length === 0)
    return `nobody else has PIM management access on ${scope} yet: a tenant PIM administrator can give someone else that access`;
  return `another administrator of ${scope}, such as ${listOf(others, 'or')}, can`;
}

/** Render one reason or violation as a sentence for people. */
export function describe(r: Reason | Violation, names: NameLookup): string {
  const scope = r.scopeId !== undefined ? names.scope(r.scopeId) : 'this scope';
  const role = r.roleId !== undefined ? names.role(r.roleId) : 'the role';
  const who = r.principal ? names.principal(r.principal) : 'the principal';
  switch (r.code) {
    case 'scope-unknown':
      return `Scope ${r.scopeId ?? ''} does not exist`.trim();
    case 'scope-not-managed':
      return `PIM is not enabled on ${scope}`;
    case 'not-eligible-at-scope':
      return `${role} eligibility does not reach ${scope}`;
    case 'eligibility-not-found':
      return 'No such eligible assignment for you';
    case 'eligibility-not-started':
      return `The eligible assignment for ${role} has not started yet`;
    case 'eligibility-expired':
      return `The eligible assignment for ${role} has expired`;
    case 'eligibility-revoked':
      return `The eligible assignment for ${role} was removed`;
    case 'duration-over-maximum':
      return `${formatMinutes(Number(r.limit))} is the maximum here`;
    case 'duration-under-minimum':
      return `Duration must be at least ${formatMinutes(Number(r.limit))}`;
    case 'justification-required':
      return `A justification is required for ${role} on ${scope}`;
    case 'ticket-required':
      return `Ticket information is required for ${role} on ${scope}`;
    case 'mfa-required':
      return `Verify with MFA (within the last ${r.limit ?? 10} minutes) first`;
    case 'overlapping-activation':
      return `${role} on ${scope} is already active in that window`;
    case 'pending-request-exists':
      return `A request for ${role} on ${scope} is already pending`;
    case 'no-approver':
      return `${role} on ${scope} needs approval but nobody other than you can approve it`;
    case 'start-in-past':
      return 'The start time is in the past';
    case 'principal-disabled':
      return `${who} is disabled`;
    case 'principal-not-found':
      return `${who} does not exist`;
    case 'role-not-found':
      return `Role ${r.roleId ?? ''} does not exist`.trim();
    case 'not-authorized':
      return `You do not have PIM management access on ${scope}`;
    case 'permanent-not-allowed':
      return `Permanent assignments of ${role} are not allowed on ${scope}`;
    case 'window-too-long':
      return `Assignments of ${role} on ${scope} may last at most ${r.limit} days`;
    case 'end-before-start':
      return 'The end must be after the start';
    case 'overlapping-assignment':
      return `${who} already has an overlapping ${role} assignment on ${scope}`;
    case 'target-not-found':
      return 'The assignment to change does not exist';
    case 'target-already-revoked':
      return 'The assignment was already removed';
    case 'not-in-extend-window':
      return r.value === 'permanent'
        ? 'A permanent assignment cannot be extended'
        : `Only assignments ending within ${r.limit} days can be extended`;
    case 'not-in-renew-window':
      return `Only assignments that ended within the last ${r.limit} days can be renewed`;
    case 'not-active-or-scheduled':
      return 'Only an active or scheduled activation can be deactivated';
    case 'activation-not-extendable': {
      const verb = ACTIVATION_VERB[r.requestType ?? ''] ?? 'extended';
      const max = typeof r.limit === 'number' ? ` (at most ${formatMinutes(r.limit)} at a time there)` : '';
      const instead = r.requestType?.startsWith('Self') ? 'activate again instead' : 'whoever holds it activates again instead';
      return `An activation of ${role} on ${scope} cannot be ${verb}: ${instead}${max}`;
    }
    case 'self-grant': {
      const verb = SELF_VERB[r.requestType ?? ''] ?? 'grant';
      const whom = r.groupId ? `group ${names.principal({ type: 'Group', id: r.groupId })}, which you are a member of` : 'yourself';
      return `You cannot ${verb} access for ${whom} (${role} on ${scope}); ${whoElse(r, scope, names)}`;
    }
    case 'weakens-own-settings': {
      const held = r.heldScopeId !== undefined ? names.scope(r.heldScopeId) : scope;
      const via = r.groupId ? ` through group ${names.principal({ type: 'Group', id: r.groupId })}` : '';
      const what = listOf((r.weakened ?? []).map((k) => WEAKEN_PHRASE[k] ?? `weaken ${k}`));
      const where = r.parentScopeId !== undefined ? names.scope(r.parentScopeId) : scope;
      const target = r.count !== undefined && r.count > 1 ? `${r.count} scopes below ${where} (such as ${scope})` : scope;
      const holds = r.value === 'eligible' ? `You are eligible for ${role} on ${held}${via}` : `You hold ${role} on ${held}${via}`;
      return `${holds}, so you cannot ${what || 'weaken the settings'} for ${role} on ${target}; ${whoElse(r, where, names)}`;
    }
    case 'self-membership': {
      const group = names.principal({ type: 'Group', id: r.groupId ?? '' });
      const more = r.count !== undefined && r.count > 1 ? ` and ${r.count - 1} more assignment${r.count === 2 ? '' : 's'}` : '';
      const kind = r.value === 'active' ? 'active' : 'eligible';
      const others = (r.alternatives ?? []).map((a) => names.principal(a));
      const instead = others.length
        ? `another PIM administrator, such as ${listOf(others, 'or')}, can add you`
        : 'only another PIM administrator can add you, and there is none yet';
      return `You cannot add yourself to group ${group}: it holds ${kind} ${role} on ${scope}${more}, which would become your own access; ${instead}`;
    }
    case 'approver-justification-required':
      return `A justification is required to ${r.value === 'Deny' ? 'deny' : 'approve'} ${role} on ${scope}`;
    case 'approval-mfa-required':
      return `${role} on ${scope} requires MFA to approve: confirm with a code from your authenticator app (MFA counts for ${r.limit ?? 10} minutes)`;
    case 'settings-explicit':
      return `Settings of ${scope} govern ${role}`;
    case 'settings-default':
      return `${role} on ${scope} uses the default settings`;
    case 'approval-required':
      return `${role} on ${scope} needs approval (settings of ${scope})`;
    case 'activates-immediately':
      return `${role} on ${scope} activates at once`;
    case 'capped-at-eligibility-end':
      return 'Shortened to end when the eligible assignment ends';
    case 'start-adjusted-to-now':
      return 'Starts now';
    case 'pim-admin':
      return `${who} is a PIM administrator`;
    case 'management-role':
      return r.groupId
        ? `Active ${role} on ${scope} via group ${names.principal({ type: 'Group', id: r.groupId })}`
        : `Active ${role} on ${scope}`;
    case 'activate-first':
      return `Activate ${role} on ${scope} first`;
    case 'named-approver':
      return `${who} is a named approver`;
    case 'named-approver-group':
      return `Member of approver group ${names.principal({ type: 'Group', id: r.groupId ?? '' })}`;
    case 'pim-admin-approver':
      return `${who} approves as PIM administrator (no approvers named)`;
    case 'weaker-setting': {
      const label = (r.setting && SETTING_LABEL[r.setting]) ?? r.setting ?? 'a setting';
      const parent = r.parentScopeId !== undefined ? names.scope(r.parentScopeId) : 'the parent';
      return `${label} is ${fmtValue(r.setting, r.value)} on ${scope} but ${fmtValue(r.setting, r.parentValue)} on ${parent}`;
    }
    case 'goes-to-admin-approval':
      return 'An administrator must approve this request';
    case 'not-pending':
      return 'The request is no longer pending';
    case 'requester-cannot-approve':
      return 'You cannot approve your own request';
    case 'not-an-approver':
      return 'You are not an approver of this request';
    case 'request-unknown-principal':
      return 'Unknown user';
  }
}
