import type { ResourceKind } from '@/lib/policy/types';

/**
 * ARM-style resource ids. Ids compare case-insensitively, so `key` (lower case) is what
 * the database and the engine use; the original casing is kept for display.
 */
export interface ParsedArmId {
  /** the id as given, normalised: one leading slash, no trailing slash */
  armId: string;
  key: string;
  kind: ResourceKind;
  /** provider type, e.g. Microsoft.Resources/subscriptions or Microsoft.Compute/virtualMachines */
  type: string;
  name: string;
  /** parent implied by the path (resource group → subscription, resource → group); null when the path does not say */
  parentArmId: string | null;
  subscriptionId: string | null;
  resourceGroup: string | null;
}

const SEGMENT = /^[^/?#\s]{1,260}$/;

export class ArmIdError extends Error {}

export const armKey = (id: string) => normalise(id).toLowerCase();

function normalise(id: string): string {
  const trimmed = id.trim().replace(/\/+$/, '');
  return trimmed.startsWith('/') ? trimmed : '/' + trimmed;
}

export function parseArmId(input: string): ParsedArmId {
  const armId = normalise(input);
  const parts = armId.split('/').slice(1);
  if (parts.length === 0 || parts.some((p) => !SEGMENT.test(p))) throw new ArmIdError(`"${input}" is not a valid resource id`);
  const lower = parts.map((p) => p.toLowerCase());
  const base = { armId, key: armId.toLowerCase() };

  if (lower[0] === 'providers' && lower[1] === 'microsoft.management' && lower[2] === 'managementgroups' && parts.length === 4) {
    return {
      ...base,
      kind: 'managementGroup',
      type: 'Microsoft.Management/managementGroups',
      name: parts[3],
      parentArmId: null,
      subscriptionId: null,
      resourceGroup: null,
    };
  }
  if (lower[0] !== 'subscriptions' || parts.length < 2) {
    throw new ArmIdError(
      `"${input}" is not a valid resource id: expected /subscriptions/{id}… or /providers/Microsoft.Management/managementGroups/{id}`,
    );
  }
  const sub = parts[1];
  const subId = `/subscriptions/${sub}`;
  if (parts.length === 2) {
    return {
      ...base,
      kind: 'subscription',
      type: 'Microsoft.Resources/subscriptions',
      name: sub,
      parentArmId: null,
      subscriptionId: sub,
      resourceGroup: null,
    };
  }
  if (lower[2] !== 'resourcegroups' || parts.length < 4)
    throw new ArmIdError(`"${input}" is not a valid resource id: expected /subscriptions/{id}/resourceGroups/{name}`);
  const rg = parts[3];
  const rgId = `${subId}/resourceGroups/${rg}`;
  if (parts.length === 4) {
    return {
      ...base,
      kind: 'resourceGroup',
      type: 'Microsoft.Resources/resourceGroups',
      name: rg,
      parentArmId: subId,
      subscriptionId: sub,
      resourceGroup: rg,
    };
  }
  // …/providers/{namespace}/{type}/{name}[/{childType}/{childName}]*
  const rest = parts.slice(4);
  if (rest[0].toLowerCase() !== 'providers' || rest.length < 4 || (rest.length - 2) % 2 !== 0) {
    throw new ArmIdError(`"${input}" is not a valid resource id: expected …/providers/{namespace}/{type}/{name}`);
  }
  const namespace = rest[1];
  const typeParts: string[] = [];
  for (let i = 2; i < rest.length; i += 2) typeParts.push(rest[i]);
  const name = rest[rest.length - 1];
  const parentArmId = rest.length === 4 ? rgId : armId.split('/').slice(0, -2).join('/');
  return {
    ...base,
    kind: 'resource',
    type: `${namespace}/${typeParts.join('/')}`,
    name,
    parentArmId,
    subscriptionId: sub,
    resourceGroup: rg,
  };
}

export const managementGroupId = (name: string) => `/providers/Microsoft.Management/managementGroups/${name}`;
