import { parseArmId, ArmIdError, type ParsedArmId } from '@/lib/resources/arm-id';
import { badRequest, notFound } from './errors';

/** The Microsoft.Authorization collections Elevate serves, in ARM's casing. */
export const COLLECTIONS = [
  'roleEligibilityScheduleRequests',
  'roleAssignmentScheduleRequests',
  'roleEligibilitySchedules',
  'roleAssignmentSchedules',
  'roleEligibilityScheduleInstances',
  'roleAssignmentScheduleInstances',
  'roleManagementPolicies',
  'roleManagementPolicyAssignments',
  'roleDefinitions',
  'eligibleChildResources',
  'permissions',
  'roleAssignmentApprovals',
  'roleAssignments',
] as const;
export type Collection = (typeof COLLECTIONS)[number];

const BY_LOWER = new Map(COLLECTIONS.map((c) => [c.toLowerCase(), c]));

/** Collections that live at the tenant level (no scope in front of the provider). */
const TENANT_LEVEL: ReadonlySet<Collection> = new Set(['roleAssignmentApprovals', 'roleDefinitions']);

export interface ArmRoute {
  /** null only for tenant-level collections called without a scope */
  scope: ParsedArmId | null;
  collection: Collection;
  /** resource name, e.g. a request GUID */
  name?: string;
  /** action or child collection after the name: cancel, validate, stages */
  action?: string;
  /** child resource name (approval stage id) */
  childName?: string;
}

const PROVIDER = '/providers/microsoft.authorization/';

/**
 * Splits `/{scope}/providers/Microsoft.Authorization/{collection}[/{name}[/{action}[/{child}]]]`.
 * The scope is everything before the LAST Microsoft.Authorization provider segment, so
 * resource scopes with their own `/providers/…` parts work. Case-insensitive throughout.
 */
export function parseArmPath(pathname: string): ArmRoute {
  let raw: string;
  try {
    raw = decodeURIComponent(pathname);
  } catch {
    throw badRequest('InvalidResourceId', 'The request path is not valid URL encoding.');
  }
  // SDKs given a scope with a leading slash produce `//subscriptions/…`, and an empty
  // parentResourcePath produces `Microsoft.Compute//virtualMachines`: collapse both
  const path = ('/' + raw.replace(/\/{2,}/g, '/').replace(/^\/+/, '')).replace(/\/+$/, '');
  const at = path.toLowerCase().lastIndexOf(PROVIDER);
  if (at < 0) throw notFound('InvalidResourceType', `Elevate serves only Microsoft.Authorization resources; "${path}" is not one.`);
  const scopeText = path.slice(0, at);
  const rest = path.slice(at + PROVIDER.length).split('/');
  if (rest.some((s) => s === '')) throw badRequest('InvalidResourceId', `"${path}" has an empty path segment.`);
  const collection = BY_LOWER.get(rest[0].toLowerCase());
  if (!collection) {
    throw notFound(
      'InvalidResourceType',
      `The resource type "Microsoft.Authorization/${rest[0]}" is not served by Elevate. It serves: ${COLLECTIONS.join(', ')}.`,
    );
  }
  if (rest.length > 4) throw badRequest('InvalidResourceId', `"${path}" has too many segments after ${collection}.`);
  let scope: ParsedArmId | null = null;
  if (scopeText === '') {
    if (!TENANT_LEVEL.has(collection))
      throw badRequest(
        'MissingScope',
        `${collection} need a scope: /subscriptions/{id}/providers/Microsoft.Authorization/${collection} (or a management group, resource group or resource).`,
      );
  } else {
    try {
      scope = parseArmId(scopeText);
    } catch (e) {
      if (e instanceof ArmIdError) throw badRequest('InvalidScope', e.message);
      throw e;
    }
  }
  return {
    scope,
    collection,
    ...(rest[1] !== undefined ? { name: rest[1] } : {}),
    ...(rest[2] !== undefined ? { action: rest[2].toLowerCase() } : {}),
    ...(rest[3] !== undefined ? { childName: rest[3] } : {}),
  };
}

/** The last segment of an id-or-name ("…/roleEligibilitySchedules/{guid}" or "{guid}"). */
export function lastSegment(idOrName: string): string {
  const parts = idOrName.trim().replace(/\/+$/, '').split('/');
  return parts[parts.length - 1];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isGuid = (s: string) => GUID.test(s);

/** A role definition reference: "/…/roleDefinitions/{guid}" under any scope, or the bare GUID. */
export function roleIdFrom(roleDefinitionId: string): string {
  const trimmed = roleDefinitionId.trim();
  const m = /\/providers\/microsoft\.authorization\/roledefinitions\/([^/]+)$/i.exec(trimmed);
  const id = m ? m[1] : trimmed;
  if (!isGuid(id))
    throw badRequest(
      'InvalidRoleDefinitionId',
      `"${roleDefinitionId}" is not a role definition id: use /subscriptions/{id}/providers/Microsoft.Authorization/roleDefinitions/{guid} or the GUID.`,
    );
  return id.toLowerCase();
}
