import type { RoleSettings } from './types';

/** Azure's built-in role definition GUIDs, so ARM tooling and Elevate agree on ids. */
export const ROLE_IDS = {
  owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  userAccessAdministrator: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
} as const;

/** Roles whose active holders have PIM management access (DESIGN.md vocabulary). */
export const MANAGEMENT_ROLE_IDS: readonly string[] = [ROLE_IDS.owner, ROLE_IDS.userAccessAdministrator];

/** Built-in roles treated as privileged even if a RoleFact forgets to say so (alerts). */
export const PRIVILEGED_ROLE_IDS: readonly string[] = [ROLE_IDS.owner, ROLE_IDS.userAccessAdministrator, ROLE_IDS.contributor];

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

/** Shortest activation anyone may request (Entra's floor is 5 minutes too). */
export const MIN_ACTIVATION_MINUTES = 5;
/** Bounds for the activation maximum setting (Expiration_EndUser_Assignment: 30 min … 24 h). */
export const ACTIVATION_MIN_LIMIT_MINUTES = 30;
export const ACTIVATION_MAX_LIMIT_MINUTES = 1440;
/** An assignment may be extended only when it ends within this many days. */
export const EXTEND_WINDOW_DAYS = 14;
/** An assignment may be renewed only within this many days after it ended. */
export const RENEW_WINDOW_DAYS = 30;
/**
 * An MFA proof counts for this long. Ten minutes: long enough to fill in the activation
 * form after signing in with MFA, short enough that a stolen session cannot activate later.
 */
export const MFA_FRESHNESS_MINUTES = 10;
/**
 * Requested starts up to this far in the past are accepted (and treated as now): browsers'
 * clocks drift and forms take time to submit.
 */
export const CLOCK_SKEW_MINUTES = 5;
/** Upper bound for the approval stage timeout: a request pending for weeks is forgotten, not approved. */
export const APPROVAL_TIMEOUT_MAX_MINUTES = 14 * 1440;
/** Longest expiry the assignment settings may allow: ten years, beyond that use permanent. */
export const ASSIGNMENT_MAX_DAYS_LIMIT = 3650;

/** DESIGN.md "Settings and their defaults". Frozen: callers must copy before editing. */
export const DEFAULT_SETTINGS: RoleSettings = Object.freeze({
  activationMaxMinutes: 480,
  activationRequireMfa: true,
  activationRequireJustification: true,
  activationRequireTicket: false,
  approvalRequired: false,
  approvers: Object.freeze([]) as unknown as RoleSettings['approvers'],
  approvalTimeoutMinutes: 1440,
  approverJustificationRequired: true,
  // off here; on in the defaults of Owner and User Access Administrator (DEFAULT_SETTINGS_APPROVAL_MFA)
  approvalRequireMfa: false,
  eligiblePermanentAllowed: false,
  eligibleMaxDays: 365,
  activePermanentAllowed: false,
  activeMaxDays: 180,
  activeRequireMfa: false,
  activeRequireJustification: true,
  notifications: Object.freeze({
    adminOnEligibleAssignment: true,
    adminOnActiveAssignment: true,
    adminOnActivation: true,
    requestorOnEligibleAssignment: true,
    requestorOnActiveAssignment: true,
    requestorOnActivation: true,
    approverOnActivation: true,
    additionalRecipients: Object.freeze([]) as unknown as string[],
  }),
}) as RoleSettings;

/**
 * Roles whose built-in defaults require MFA to approve: approving them hands out PIM
 * management access (Owner, User Access Administrator). Every other role's default is off.
 */
export const APPROVAL_MFA_DEFAULT_ROLE_IDS: readonly string[] = MANAGEMENT_ROLE_IDS;

/** DEFAULT_SETTINGS of the APPROVAL_MFA_DEFAULT_ROLE_IDS: the same, with MFA required to approve. Frozen. */
export const DEFAULT_SETTINGS_APPROVAL_MFA: RoleSettings = Object.freeze({ ...DEFAULT_SETTINGS, approvalRequireMfa: true }) as RoleSettings;
