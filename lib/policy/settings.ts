import {
  ACTIVATION_MAX_LIMIT_MINUTES,
  ACTIVATION_MIN_LIMIT_MINUTES,
  APPROVAL_MFA_DEFAULT_ROLE_IDS,
  APPROVAL_TIMEOUT_MAX_MINUTES,
  ASSIGNMENT_MAX_DAYS_LIMIT,
  DEFAULT_SETTINGS,
  DEFAULT_SETTINGS_APPROVAL_MFA,
} from './constants';
import { nodeOf, type PolicyIndex, type ResourceNode } from './tenant-index';
import type { RoleSettings } from './types';

export interface GoverningSettings {
  settings: RoleSettings;
  /** false = no explicit settings at this (scope, role): the built-in defaults apply */
  explicit: boolean;
  scopeId: string;
  roleId: string;
}

/**
 * The built-in defaults of a role (DESIGN.md's settings table): the same for every role but
 * one setting, "require MFA to approve", which is on for Owner and User Access
 * Administrator and off for the others. Frozen: copy before editing.
 */
export function defaultSettingsFor(roleId: string): RoleSettings {
  return APPROVAL_MFA_DEFAULT_ROLE_IDS.includes(roleId) ? DEFAULT_SETTINGS_APPROVAL_MFA : DEFAULT_SETTINGS;
}

/**
 * The settings of exactly this (scope, role). Never inherited (DESIGN.md): a child with
 * no explicit settings gets the defaults, not its parent's — which is why weakerChildren exists.
 */
export function settingsFor(index: PolicyIndex, scopeId: string, roleId: string): GoverningSettings {
  const node = nodeOf(index, scopeId);
  return settingsAtNode(node, scopeId, roleId);
}

export function settingsAtNode(node: ResourceNode | undefined, scopeId: string, roleId: string): GoverningSettings {
  const s = node?.settings?.get(roleId);
  return s
    ? { settings: s, explicit: true, scopeId: node!.fact.id, roleId }
    : { settings: defaultSettingsFor(roleId), explicit: false, scopeId: node?.fact.id ?? scopeId, roleId };
}

export interface SettingsViolation {
  setting: keyof RoleSettings;
  code: 'out-of-range' | 'not-integer' | 'invalid';
  value: unknown;
  min?: number;
  max?: number;
}

function intRange(out: SettingsViolation[], s: RoleSettings, key: keyof RoleSettings, min: number, max: number) {
  const v = s[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) out.push({ setting: key, code: 'invalid', value: v, min, max });
  else if (!Number.isInteger(v)) out.push({ setting: key, code: 'not-integer', value: v, min, max });
  else if (v < min || v > max) out.push({ setting: key, code: 'out-of-range', value: v, min, max });
}

/** Pure range checks so services, forms and the API reject the same settings (zod lives at the edge). */
export function validateSettings(s: RoleSettings): SettingsViolation[] {
  const out: SettingsViolation[] = [];
  intRange(out, s, 'activationMaxMinutes', ACTIVATION_MIN_LIMIT_MINUTES, ACTIVATION_MAX_LIMIT_MINUTES);
  intRange(out, s, 'approvalTimeoutMinutes', 1, APPROVAL_TIMEOUT_MAX_MINUTES);
  intRange(out, s, 'eligibleMaxDays', 1, ASSIGNMENT_MAX_DAYS_LIMIT);
  intRange(out, s, 'activeMaxDays', 1, ASSIGNMENT_MAX_DAYS_LIMIT);
  const bools: (keyof RoleSettings)[] = [
    'activationRequireMfa',
    'activationRequireJustification',
    'activationRequireTicket',
    'approvalRequired',
    'approverJustificationRequired',
    'approvalRequireMfa',
    'eligiblePermanentAllowed',
    'activePermanentAllowed',
    'activeRequireMfa',
    'activeRequireJustification',
  ];
  for (const k of bools) if (typeof s[k] !== 'boolean') out.push({ setting: k, code: 'invalid', value: s[k] });
  const approversOk =
    Array.isArray(s.approvers) &&
    s.approvers.every((a) => a && (a.type === 'User' || a.type === 'Group') && typeof a.id === 'string' && a.id.length > 0);
  if (!approversOk) out.push({ setting: 'approvers', code: 'invalid', value: s.approvers });
  const n = s.notifications;
  if (!n || typeof n !== 'object' || !Array.isArray(n.additionalRecipients)) {
    out.push({ setting: 'notifications', code: 'invalid', value: n });
  }
  return out;
}
