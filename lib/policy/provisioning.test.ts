import { describe, expect, it } from 'vitest';
import {
  accessEndedByLeavingGroup,
  deprovisionEffects,
  deprovisionTargets,
  isAdminGroup,
  pimAdminAfterProvisioning,
  type ActivationFact,
} from './provisioning';

const NOW = Date.UTC(2026, 10, 27, 9);
const act = (id: string, x: Partial<ActivationFact> = {}): ActivationFact => ({
  id,
  principal: { type: 'User', id: 'u' },
  origin: 'activated',
  startAt: NOW - 1000,
  endAt: NOW + 1000,
  revokedAt: null,
  linkedEligibilityId: 'e-own',
  ...x,
});

describe('provisioning decisions', () => {
  it('recognises administrator groups by name, id or externalId, without regard to case', () => {
    const g = { id: 'g-1', name: 'Elevate Admins', externalId: '6F1A-OBJECT' };
    expect(isAdminGroup(g, ['elevate admins'])).toBe(true);
    expect(isAdminGroup(g, ['6f1a-object'])).toBe(true);
    expect(isAdminGroup(g, ['G-1'])).toBe(true);
    expect(isAdminGroup(g, ['Elevate'])).toBe(false);
    expect(isAdminGroup(g, [])).toBe(false);
  });

  it('flips only provider-managed users, and only through administrator groups', () => {
    const admins = [{ id: 'g', name: 'Admins', externalId: null }];
    expect(pimAdminAfterProvisioning({ source: 'scim', isPimAdmin: false }, admins, ['admins'])).toBe(true);
    expect(pimAdminAfterProvisioning({ source: 'oidc', isPimAdmin: true }, [], ['admins'])).toBe(false);
    expect(pimAdminAfterProvisioning({ source: 'scim', isPimAdmin: true }, admins, ['admins'])).toBeNull();
    // the bootstrap or demo administrator is local: never demoted by a provider
    expect(pimAdminAfterProvisioning({ source: 'local', isPimAdmin: true }, [], ['admins'])).toBeNull();
    expect(pimAdminAfterProvisioning({ source: 'local', isPimAdmin: false }, admins, ['admins'])).toBeNull();
    // without configured groups nobody is made administrator, and provider-managed administrators are removed
    expect(pimAdminAfterProvisioning({ source: 'scim', isPimAdmin: false }, admins, [])).toBeNull();
    expect(pimAdminAfterProvisioning({ source: 'scim', isPimAdmin: true }, admins, [])).toBe(false);
  });

  it('ends everything on deprovisioning; delete also leaves groups and frees the userName', () => {
    expect(deprovisionEffects('disable')).toMatchObject({
      endSessions: true,
      revokeApiTokens: true,
      revokeActivations: true,
      cancelPendingRequests: true,
      leaveGroups: false,
    });
    expect(deprovisionEffects('delete')).toMatchObject({ leaveGroups: true, releaseUserName: true });
  });

  it('revokes live and coming activations and cancels requests still waiting', () => {
    const activations = [
      act('live'),
      act('coming', { startAt: NOW + 500 }),
      act('permanent', { endAt: null }),
      act('over', { endAt: NOW - 1 }),
      act('revoked', { revokedAt: NOW - 5 }),
      act('assigned', { origin: 'assigned' }),
    ];
    const pending = [
      { id: 'waiting', status: 'PendingApproval', approvalDeadline: NOW + 1, linkedEligibilityId: 'e-group', requestType: 'SelfActivate' },
      { id: 'timed-out', status: 'PendingApproval', approvalDeadline: NOW, linkedEligibilityId: 'e-group', requestType: 'SelfActivate' },
      { id: 'done', status: 'Provisioned', approvalDeadline: null, linkedEligibilityId: null, requestType: 'SelfActivate' },
    ];
    expect(deprovisionTargets(activations, pending, NOW)).toEqual({ revoke: ['live', 'coming', 'permanent'], cancel: ['waiting'] });
    const viaGroup = [act('from-group', { linkedEligibilityId: 'e-group' }), act('own')];
    expect(accessEndedByLeavingGroup(new Set(['e-group']), viaGroup, pending, NOW)).toEqual({
      revoke: ['from-group'],
      cancel: ['waiting'],
    });
  });
});
