/**
 * The facts the policy engine reasons over. The engine is pure: callers load a
 * TenantSnapshot (from the database, a fixture or a generator), build an index once,
 * and ask questions with an explicit `now`. Nothing here knows about SQL, HTTP or React.
 *
 * Conventions
 * - Times are UTC epoch milliseconds (`Millis`). `endAt: null` means permanent.
 * - A resource id is the canonical ARM path in lower case (ids compare
 *   case-insensitively, so callers lower-case once at the edge).
 * - A window is half-open: a schedule is active for startAt <= t < endAt.
 */

export type Millis = number;

export type PrincipalType = 'User' | 'Group';
export interface PrincipalRef {
  type: PrincipalType;
  id: string;
}

export type ResourceKind = 'managementGroup' | 'subscription' | 'resourceGroup' | 'resource';

export interface ResourceFact {
  /** canonical lower-case ARM path, e.g. /subscriptions/…/resourcegroups/finance-prod */
  id: string;
  parentId: string | null;
  kind: ResourceKind;
  name: string;
  managed: boolean;
}

export interface RoleFact {
  id: string;
  name: string;
  /** Owner, User Access Administrator, Contributor and privileged custom roles. */
  privileged: boolean;
}

export interface UserFact {
  id: string;
  displayName: string;
  isPimAdmin: boolean;
  disabled: boolean;
}

export interface GroupFact {
  id: string;
  name: string;
  /** user ids; groups do not nest */
  memberIds: string[];
}

/** eligible = may activate; active = holds the role in its window. */
export type AssignmentKind = 'eligible' | 'active';

/** How an active assignment came to be: assigned by an admin, or activated from an eligibility. */
export type AssignmentOrigin = 'assigned' | 'activated';

export interface ScheduleFact {
  id: string;
  kind: AssignmentKind;
  principal: PrincipalRef;
  roleId: string;
  scopeId: string;
  startAt: Millis;
  endAt: Millis | null;
  revokedAt: Millis | null;
  origin: AssignmentOrigin;
  /** For activations: the eligibility schedule it came from. */
  linkedEligibilityId: string | null;
}

export interface NotificationSettings {
  /** recipients × events; `defaultRecipients` means admins / requestor / approvers as Entra does */
  adminOnEligibleAssignment: boolean;
  adminOnActiveAssignment: boolean;
  adminOnActivation: boolean;
  requestorOnEligibleAssignment: boolean;
  requestorOnActiveAssignment: boolean;
  requestorOnActivation: boolean;
  approverOnActivation: boolean;
  /** extra e-mail addresses per event family */
  additionalRecipients: string[];
}

/** Every setting of DESIGN.md's settings table for one (scope, role). Never inherited. */
export interface RoleSettings {
  /** Expiration_EndUser_Assignment: 30 … 1440 minutes */
  activationMaxMinutes: number;
  /** Enablement_EndUser_Assignment */
  activationRequireMfa: boolean;
  activationRequireJustification: boolean;
  activationRequireTicket: boolean;
  /** Approval_EndUser_Assignment */
  approvalRequired: boolean;
  approvers: PrincipalRef[];
  /** stage timeout */
  approvalTimeoutMinutes: number;
  approverJustificationRequired: boolean;
  /**
   * Elevate's own (ARM: `isApproverMfaRequired` on Approval_EndUser_Assignment): an approval
   * needs the approver's fresh MFA moment (rule 11). The built-in default depends on the
   * role: on for Owner and User Access Administrator, off for the others (defaultSettingsFor).
   */
  approvalRequireMfa: boolean;
  /** Expiration_Admin_Eligibility */
  eligiblePermanentAllowed: boolean;
  eligibleMaxDays: number;
  /** Expiration_Admin_Assignment */
  activePermanentAllowed: boolean;
  activeMaxDays: number;
  /** Enablement_Admin_Assignment */
  activeRequireMfa: boolean;
  activeRequireJustification: boolean;
  notifications: NotificationSettings;
}

export interface SettingsFact {
  scopeId: string;
  roleId: string;
  settings: RoleSettings;
}

export type RequestType =
  | 'AdminAssign'
  | 'AdminUpdate'
  | 'AdminRemove'
  | 'AdminExtend'
  | 'AdminRenew'
  | 'SelfActivate'
  | 'SelfDeactivate'
  | 'SelfExtend'
  | 'SelfRenew';

/** Stored statuses. TimedOut is never stored: it is derived from approvalDeadline and now. */
export type StoredRequestStatus = 'PendingApproval' | 'Provisioned' | 'Denied' | 'Canceled' | 'TimedOut' | 'Revoked' | 'Failed';

export type RequestStatus = StoredRequestStatus;

/** eligibility requests change eligibility schedules; assignment requests change active ones. */
export type RequestKind = 'eligibility' | 'assignment';

export interface RequestFact {
  id: string;
  kind: RequestKind;
  requestType: RequestType;
  status: StoredRequestStatus;
  requesterId: string;
  principal: PrincipalRef;
  roleId: string;
  scopeId: string;
  /** requested window */
  startAt: Millis;
  endAt: Millis | null;
  createdAt: Millis;
  approvalDeadline: Millis | null;
  /** approvers captured at submission from the governing settings (empty = tenant PIM admins) */
  approvers: PrincipalRef[];
  linkedEligibilityId: string | null;
  /** schedule this request changes (update, extend, renew, remove, deactivate) */
  targetScheduleId: string | null;
  /**
   * "Require MFA to approve" as captured at submission (the request's settings snapshot);
   * absent when not known (a request from before the setting existed): the current settings
   * of its (scope, role) decide then (decisionNeedsMfa).
   */
  approvalRequireMfa?: boolean;
  /** "Approver must justify a decision" as captured at submission; absent: the built-in default (yes) */
  approverJustificationRequired?: boolean;
}

export interface TenantSnapshot {
  resources: ResourceFact[];
  roles: RoleFact[];
  users: UserFact[];
  groups: GroupFact[];
  schedules: ScheduleFact[];
  /** explicit settings only; every other (scope, role) uses DEFAULT_SETTINGS */
  settings: SettingsFact[];
  /** requests that are (or were) PendingApproval: enough for duplicate checks and approvals */
  requests: RequestFact[];
}
