import { describe, expect, it } from 'vitest';
import { groupsFromClaim, isProvisionedAdmin, matchClaimGroups } from './identity';

describe('isProvisionedAdmin', () => {
  it.each([
    [['0b5f-AAAA'], ['0b5f-aaaa'], true],
    [['PIM Admins'], ['pim admins'], true],
    [['finance'], ['pim-admins'], false],
    [['pim-admins'], [], false],
    [[], ['pim-admins'], false],
  ])('%j with admin groups %j → %s', (keys, admins, expected) => {
    expect(isProvisionedAdmin(keys, admins)).toBe(expected);
  });
});

describe('matchClaimGroups', () => {
  const known = [
    { id: 'g1', name: 'Finance Operators', externalId: '7c1e-ext' },
    { id: 'g2', name: 'pim-admins', externalId: null },
    { id: 'g3', name: 'Unrelated', externalId: null },
  ];
  it('matches by id, external id or name, case-insensitively, and ignores unknown groups', () => {
    expect(matchClaimGroups(['7C1E-EXT', 'PIM-Admins', 'nobody-knows'], known).map((g) => g.id)).toEqual(['g1', 'g2']);
    expect(matchClaimGroups(['g3'], known).map((g) => g.id)).toEqual(['g3']);
    expect(matchClaimGroups([], known)).toEqual([]);
  });
});

describe('groupsFromClaim', () => {
  it('reads arrays, strings and nothing', () => {
    expect(groupsFromClaim(['a', ' b ', 3, ''])).toEqual(['a', 'b']);
    expect(groupsFromClaim('a, b c')).toEqual(['a', 'b', 'c']);
    expect(groupsFromClaim(undefined)).toEqual([]);
  });
});
