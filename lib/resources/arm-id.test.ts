import { describe, expect, it } from 'vitest';
import { parseArmId, ArmIdError, armKey } from './arm-id';

const SUB = '/subscriptions/5e1f0c4a-2b7d-4c1e-9a3b-6d8f0e2a1c55';

describe('parseArmId', () => {
  it.each([
    ['/providers/Microsoft.Management/managementGroups/root', 'managementGroup', 'root', null],
    [SUB, 'subscription', '5e1f0c4a-2b7d-4c1e-9a3b-6d8f0e2a1c55', null],
    [`${SUB}/resourceGroups/finance-prod`, 'resourceGroup', 'finance-prod', SUB],
    [
      `${SUB}/resourceGroups/finance-prod/providers/Microsoft.Compute/virtualMachines/vm1`,
      'resource',
      'vm1',
      `${SUB}/resourceGroups/finance-prod`,
    ],
    [
      `${SUB}/resourceGroups/rg/providers/Microsoft.Sql/servers/s1/databases/db1`,
      'resource',
      'db1',
      `${SUB}/resourceGroups/rg/providers/Microsoft.Sql/servers/s1`,
    ],
  ])('%s is a %s named %s', (id, kind, name, parent) => {
    const p = parseArmId(id);
    expect(p.kind).toBe(kind);
    expect(p.name).toBe(name);
    expect(p.parentArmId).toBe(parent);
  });

  it('gives nested resources their full provider type', () => {
    expect(parseArmId(`${SUB}/resourceGroups/rg/providers/Microsoft.Sql/servers/s1/databases/db1`).type).toBe(
      'Microsoft.Sql/servers/databases',
    );
  });

  it('compares case-insensitively through its key', () => {
    expect(armKey(`${SUB}/RESOURCEGROUPS/Finance-Prod/`)).toBe(armKey(`${SUB}/resourceGroups/finance-prod`));
  });

  it.each([
    '',
    '/',
    '/subscriptions',
    '/foo/bar',
    `${SUB}/resourceGroups`,
    `${SUB}/resourceGroups/rg/providers/Microsoft.Compute`,
    `${SUB}/resource Groups/x`,
  ])('refuses %j with a clear error', (id) => {
    expect(() => parseArmId(id)).toThrow(ArmIdError);
  });
});
