/**
 * Provisioning decisions (SCIM 2.0, ADR 102). Pure: no I/O, no clock (time is a parameter),
 * no imports from db/, next/ or React. The SCIM service loads the facts, asks these
 * functions, and writes what they say in one transaction with its audit events.
 */
import { isProvisionedAdmin, provisionedAdminFlag } from './identity';
import type { Millis, PrincipalRef } from './types';

/** Where a user's identity is managed (users.source). */
export type IdentitySourceFact = 'local' | 'scim' | 'oidc';

export interface ProvisionedGroupFact {
  id: string;
  name: string;
  externalId: string | null;
}

/**
 * Whether a group is one of the configured administrator groups (ELEVATE_OIDC_ADMIN_GROUPS):
 * named by display name, Elevate id or the provider's externalId, compared case-insensitively
 * (Entra names groups by object id, Okta and Keycloak by name).
 */
export function isAdminGroup(group: ProvisionedGroupFact, adminGroups: readonly string[]): boolean {
  return isProvisionedAdmin(groupKeys([group]), adminGroups);
}

/** Every key a provider may name these groups by. */
const groupKeys = (groups: readonly ProvisionedGroupFact[]) =>
  groups.flatMap((g) => [g.name, g.id, g.externalId]).filter((k): k is string => Boolean(k));

/** The PIM administrator flag after a provisioning change (the rule is `provisionedAdminFlag`'s, shared with single sign-on). */
export function pimAdminAfterProvisioning(
  user: { source: IdentitySourceFact; isPimAdmin: boolean },
  groups: readonly ProvisionedGroupFact[],
  adminGroups: readonly string[],
): boolean | null {
  return provisionedAdminFlag(user, groupKeys(groups), adminGroups);
}

/** How a provisioning client takes someone's access away. */
export type DeprovisionKind = 'disable' | 'delete';

export interface DeprovisionEffects {
  disable: true;
  endSessions: true;
  /** personal API tokens are revoked, not merely refused while disabled: re-enabling never revives a leaver's secrets */
  revokeApiTokens: true;
  revokeActivations: true;
  cancelPendingRequests: true;
  /** a deleted user leaves every group; a disabled one keeps them, so re-enabling restores what the groups give */
  leaveGroups: boolean;
  /** deleted: the userName (e-mail) is freed so the provider can create the person again as a new user */
  releaseUserName: boolean;
}

/** What deprovisioning ends: everything at once (DESIGN: "a deprovisioned user loses everything at once"). */
export function deprovisionEffects(kind: DeprovisionKind): DeprovisionEffects {
  return {
    disable: true,
    endSessions: true,
    revokeApiTokens: true,
    revokeActivations: true,
    cancelPendingRequests: true,
    leaveGroups: kind === 'delete',
    releaseUserName: kind === 'delete',
  };
}

export interface ActivationFact {
  id: string;
  principal: PrincipalRef;
  origin: 'assigned' | 'activated';
  startAt: Millis;
  endAt: Millis | null;
  revokedAt: Millis | null;
  linkedEligibilityId: string | null;
}

export interface PendingRequestFact {
  id: string;
  status: string;
  approvalDeadline: Millis | null;
  linkedEligibilityId: string | null;
  requestType: string;
}

/** An activation not revoked and not over at `now` (a scheduled one is ended too: it has not started but would). */
const liveOrComing = (s: ActivationFact, now: Millis) =>
  s.origin === 'activated' && s.revokedAt === null && (s.endAt === null || s.endAt > now);

/** Still waiting for a decision at `now` (a request past its deadline has timed out and needs nothing). */
const waiting = (r: PendingRequestFact, now: Millis) =>
  r.status === 'PendingApproval' && (r.approvalDeadline === null || r.approvalDeadline > now);

/** A deprovisioned user's activations to revoke and pending requests to cancel. */
export function deprovisionTargets(
  activations: readonly ActivationFact[],
  pending: readonly PendingRequestFact[],
  now: Millis,
): { revoke: string[]; cancel: string[] } {
  return {
    revoke: activations.filter((s) => liveOrComing(s, now)).map((s) => s.id),
    cancel: pending.filter((r) => waiting(r, now)).map((r) => r.id),
  };
}

/**
 * Leaving a group ends the access that came through it at once: the engine stops counting
 * the group's assignments for the user by itself, but an activation the user made from one
 * of the group's eligible assignments is the user's own schedule, so it is revoked here;
 * likewise a pending activation request from such an eligibility is canceled.
 * `groupEligibilityIds` are the group's eligibility schedules.
 */
export function accessEndedByLeavingGroup(
  groupEligibilityIds: ReadonlySet<string>,
  activations: readonly ActivationFact[],
  pending: readonly PendingRequestFact[],
  now: Millis,
): { revoke: string[]; cancel: string[] } {
  const viaGroup = (id: string | null) => id !== null && groupEligibilityIds.has(id);
  return {
    revoke: activations.filter((s) => liveOrComing(s, now) && viaGroup(s.linkedEligibilityId)).map((s) => s.id),
    cancel: pending.filter((r) => waiting(r, now) && viaGroup(r.linkedEligibilityId)).map((r) => r.id),
  };
}
