import { describe, expect, it } from 'vitest';
import { parseArmPath, roleIdFrom } from './path';
import { checkApiVersion } from './api-version';

const SUB = '/subscriptions/5e1f0c4a-2b7d-4c1e-9a3b-6d8f0e2a1c55';

describe('ARM paths', () => {
  it('splits scope, collection, name and action, case-insensitively', () => {
    const r = parseArmPath(
      `${SUB}/resourceGroups/finance-prod/providers/microsoft.authorization/ROLEASSIGNMENTSCHEDULEREQUESTS/abc/Cancel`,
    );
    expect(r.scope?.key).toBe(`${SUB}/resourcegroups/finance-prod`);
    expect(r).toMatchObject({ collection: 'roleAssignmentScheduleRequests', name: 'abc', action: 'cancel' });
  });

  it('takes the last Microsoft.Authorization segment, so resource scopes with providers work', () => {
    const r = parseArmPath(
      `${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1/providers/Microsoft.Authorization/roleEligibilitySchedules`,
    );
    expect(r.scope?.kind).toBe('resource');
    expect(r.collection).toBe('roleEligibilitySchedules');
  });

  it('accepts a doubled leading slash (SDK scope given with a slash) and tenant-level approvals', () => {
    expect(parseArmPath(`/${SUB}/providers/Microsoft.Authorization/roleDefinitions`).scope?.kind).toBe('subscription');
    expect(
      parseArmPath(
        `${SUB}/resourcegroups/rg/providers/Microsoft.Compute//virtualMachines/vm1/providers/Microsoft.Authorization/permissions`,
      ).scope?.key,
    ).toBe(`${SUB}/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm1`);
    const a = parseArmPath('/providers/Microsoft.Authorization/roleAssignmentApprovals/r1/stages/r1');
    expect(a).toMatchObject({ scope: null, collection: 'roleAssignmentApprovals', name: 'r1', action: 'stages', childName: 'r1' });
  });

  it('answers malformed paths with clear 400s and unknown types with 404', () => {
    expect(() => parseArmPath(`${SUB}/resourceGroups/providers/Microsoft.Authorization/roleEligibilitySchedules`)).toThrow(
      expect.objectContaining({ status: 400, code: 'InvalidScope' }),
    );
    expect(() => parseArmPath('/providers/Microsoft.Authorization/roleEligibilitySchedules')).toThrow(
      expect.objectContaining({ code: 'MissingScope' }),
    );
    expect(() => parseArmPath(`${SUB}/providers/Microsoft.Authorization/denyAssignments`)).toThrow(
      expect.objectContaining({ status: 404, code: 'InvalidResourceType' }),
    );
  });

  it('reads role definition ids under any scope, or bare', () => {
    const g = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
    expect(roleIdFrom(`${SUB}/providers/Microsoft.Authorization/roleDefinitions/${g}`)).toBe(g);
    expect(roleIdFrom(`/providers/Microsoft.Authorization/roleDefinitions/${g.toUpperCase()}`)).toBe(g);
    expect(roleIdFrom(g)).toBe(g);
    expect(() => roleIdFrom('Owner')).toThrow(/not a role definition id/);
  });

  it('checks api-versions per collection', () => {
    expect(checkApiVersion('roleEligibilityScheduleRequests', '2020-10-01')).toBe('2020-10-01');
    expect(checkApiVersion('roleDefinitions', '2022-04-01')).toBe('2022-04-01');
    expect(checkApiVersion('roleAssignmentApprovals', '2021-01-01-preview')).toBe('2021-01-01-preview');
    expect(() => checkApiVersion('roleDefinitions', '2020-10-01')).toThrow(expect.objectContaining({ code: 'InvalidApiVersionParameter' }));
    expect(() => checkApiVersion('permissions', null)).toThrow(expect.objectContaining({ code: 'MissingApiVersionParameter' }));
  });
});
